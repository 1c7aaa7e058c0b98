"""Which slots are offered, in which order."""
from __future__ import annotations

import datetime as dt

import pytest
from booking_helpers import NOW, at

from verwijzing.booking import InvalidInput
from verwijzing.places.postcodes import province_of, region_of


def test_nearest_ring_first_then_earliest_within_it(service, make):
    """Hasselt (3500): Genk is 12 km, Antwerpen 73 km, Brugge 151 km. The ring within 25 km comes
    first though its moment is the latest; the person reads the place and how far it is."""
    far = make.counsellor(postcode="8000", name="Brugge")
    farther_but_earlier = make.counsellor(postcode="2000", name="Antwerpen")
    near = make.counsellor(postcode="3600", name="Genk")
    make.slot(far, at(2, 9))
    make.slot(farther_but_earlier, at(3, 9))
    make.slot(near, at(5, 9))
    offers = service.free_slots("3500", "op_locatie", NOW.date(), limit=3, now=NOW)
    assert [o.counsellor for o in offers] == ["Genk", "Antwerpen", "Brugge"]
    assert [o.distance_km for o in offers] == [12, 73, 151]
    assert offers[0].label == "vrijdag 5 maart om 9 uur, met Genk, op kantoor in Genk, ongeveer 12 km van je"


def test_within_a_ring_the_earliest_moment_wins(service, make):
    """Gent (9000): Merelbeke-Melle (7 km) and Gent itself are both within 10 km."""
    merelbeke = make.counsellor(postcode="9820", name="Merelbeke")
    gent = make.counsellor(postcode="9000", name="Gent")
    make.slot(gent, at(4, 9))
    make.slot(merelbeke, at(2, 9))
    offers = service.free_slots("9050", "op_locatie", NOW.date(), now=NOW)
    assert [(o.counsellor, o.distance_km) for o in offers] == [("Merelbeke", 7), ("Gent", 0)]
    assert offers[1].label.endswith("op kantoor in Gent, in je eigen gemeente")


def test_across_the_language_border_and_brussels_distance_counts_not_the_province(service, make):
    """Halle (1500, Vlaams-Brabant) lies 14 km from Brussel and 45 km from Leuven, in its own
    province: the nearer office comes first, whichever province it is in."""
    leuven = make.counsellor(postcode="3000", name="Leuven")
    brussel = make.counsellor(postcode="1000", name="Brussel")
    make.slot(leuven, at(2))
    make.slot(brussel, at(9))
    offers = service.free_slots("1500", "op_locatie", NOW.date(), now=NOW)
    assert [o.counsellor for o in offers] == ["Brussel", "Leuven"]


def test_wheelchair_access_when_asked_for_an_office(service, make):
    steps = make.counsellor(postcode="9000", name="Trappen")
    ramp = make.counsellor(postcode="9000", name="Helling", wheelchair=True)
    make.slot(steps, at(2))
    make.slot(ramp, at(3))
    assert [o.counsellor for o in service.free_slots("9000", "op_locatie", NOW.date(), now=NOW)] == [
        "Trappen", "Helling"]
    assert [o.counsellor for o in service.free_slots("9000", "op_locatie", NOW.date(), now=NOW,
                                                     wheelchair=True)] == ["Helling"]
    # No office to reach by video or phone: the question does not narrow those down.
    assert len(service.free_slots(None, "online", NOW.date(), now=NOW, wheelchair=True)) == 2


def test_a_postcode_of_no_municipality_takes_its_neighbour(service, make):
    """9099 is no municipality's postcode (the table has 9090 Merelbeke-Melle and 9100 Sint-Niklaas):
    the nearest listed one counts, never a refusal."""
    gent = make.counsellor(postcode="9000", name="Gent")
    make.slot(gent, at(2))
    [offer] = service.free_slots("9099", "op_locatie", NOW.date(), now=NOW)
    assert offer.counsellor == "Gent" and offer.distance_km > 0


def test_online_and_phone_are_for_anyone_earliest_first(service, make):
    far = make.counsellor(postcode="8000", name="West", modalities=("online",))
    near = make.counsellor(postcode="3500", name="Hasselt", modalities=("online", "telefoon"))
    make.slot(far, at(2))
    make.slot(near, at(3))
    assert [o.counsellor for o in service.free_slots("3500", "online", NOW.date(), now=NOW)] == [
        "West", "Hasselt"
    ]
    assert [o.counsellor for o in service.free_slots(None, "telefoon", NOW.date(), now=NOW)] == [
        "Hasselt"
    ]


def test_op_locatie_needs_a_postcode(service):
    with pytest.raises(InvalidInput, match="postcode"):
        service.free_slots(None, "op_locatie", NOW.date(), now=NOW)
    with pytest.raises(InvalidInput, match="4 cijfers"):
        service.free_slots("90000", "op_locatie", NOW.date(), now=NOW)


def test_only_counsellors_valid_on_the_slot_date(service, make):
    valid = make.counsellor(name="Geldig")
    expired = make.counsellor(name="Mandaat voorbij", mandate=(dt.date(2020, 1, 1), dt.date(2027, 2, 28)))
    not_yet = make.counsellor(name="Kwalificatie later", qualification=(dt.date(2027, 3, 4), None))
    none = make.counsellor(name="Geen kwalificatie", qualification=(None, None))
    ends = make.counsellor(name="Mandaat stopt", mandate=(dt.date(2020, 1, 1), dt.date(2027, 3, 3)))
    lapsed = make.counsellor(name="Kwalificatie vervallen", qualification=(dt.date(2020, 1, 1), dt.date(2027, 1, 1)))
    for counsellor in (valid, expired, not_yet, none, ends, lapsed):
        make.slot(counsellor, at(2))
        make.slot(counsellor, at(4))
    offers = service.free_slots(None, "online", NOW.date(), limit=20, now=NOW)
    seen = {(o.counsellor, o.starts_at.day) for o in offers}
    assert seen == {
        ("Geldig", 2), ("Geldig", 4),
        ("Kwalificatie later", 4),  # valid from the 4th on
        ("Mandaat stopt", 2),  # the 3rd is the last day of the mandate
    }


def test_no_past_slots_and_not_before_day_from(service, make):
    counsellor = make.counsellor()
    make.slot(counsellor, at(1, 9))  # earlier today
    later_today = make.slot(counsellor, at(1, 11))
    make.slot(counsellor, at(2, 9))
    offers = service.free_slots(None, "online", NOW.date(), limit=5, now=at(1, 9, 30))
    assert offers[0].slot_id == later_today and len(offers) == 2
    assert [o.starts_at for o in service.free_slots(None, "online", dt.date(2027, 3, 2), now=NOW)] == [at(2, 9)]


def test_limit_and_language_dutch_unless_another_is_asked(service, make):
    french = make.counsellor(name="Frans", languages=("nl", "fr"))
    dutch = make.counsellor(name="Nederlands")
    english_only = make.counsellor(name="Engels", languages=("en",))
    for day in (2, 3, 4):
        make.slot(dutch, at(day))
    make.slot(french, at(5))
    make.slot(english_only, at(1, 10))
    assert len(service.free_slots(None, "online", NOW.date(), now=NOW)) == 3
    assert "Engels" not in [o.counsellor for o in service.free_slots(None, "online", NOW.date(), limit=10, now=NOW)]
    assert [o.counsellor for o in service.free_slots(None, "online", NOW.date(), now=NOW, language="en")] == ["Engels"]
    assert len(service.free_slots(None, "online", NOW.date(), limit=10, now=NOW)) == 4
    [offer] = service.free_slots(None, "online", NOW.date(), now=NOW, language="fr")
    assert offer.counsellor == "Frans" and offer.languages == ("fr", "nl")


@pytest.mark.parametrize(
    ("postcode", "province", "region"),
    [("1000", "brussel", "BRU"), ("1500", "vlaams-brabant", "VLG"), ("3000", "vlaams-brabant", "VLG"),
     ("3500", "limburg", "VLG"), ("2000", "antwerpen", "VLG"), ("8000", "west-vlaanderen", "VLG"),
     ("9000", "oost-vlaanderen", "VLG"), ("1300", "waals-brabant", "WAL"), ("4000", "luik", "WAL")],
)
def test_postcode_ranges(postcode, province, region):
    assert province_of(postcode) == province and region_of(postcode) == region
