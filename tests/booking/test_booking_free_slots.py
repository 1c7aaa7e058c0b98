"""Which slots are offered, in which order."""
from __future__ import annotations

import datetime as dt

import pytest
from booking_helpers import NOW, at

from verwijzing.booking import InvalidInput
from verwijzing.places.postcodes import FLEMISH_PROVINCES, province_of, region_of
from verwijzing.places.provinces import NEIGHBOURS


def test_same_province_first_then_neighbours_then_the_rest(service, make):
    far = make.counsellor(postcode="8000", name="West")  # west-vlaanderen: no neighbour of limburg
    neighbour = make.counsellor(postcode="2000", name="Antwerpen")
    home = make.counsellor(postcode="3600", name="Genk")
    make.slot(far, at(2, 9))
    make.slot(neighbour, at(3, 9))
    make.slot(home, at(5, 9))
    offers = service.free_slots("3500", "op_locatie", NOW.date(), limit=3, now=NOW)
    assert [o.counsellor for o in offers] == ["Genk", "Antwerpen", "West"]
    assert offers[0].province == "limburg" and offers[0].label.startswith("vrijdag 5 maart om 9 uur")


def test_brussels_counts_as_its_own_province(service, make):
    brabant = make.counsellor(postcode="1800", name="Vilvoorde")
    brussels = make.counsellor(postcode="1000", name="Brussel")
    make.slot(brabant, at(2))
    make.slot(brussels, at(9))
    offers = service.free_slots("1050", "op_locatie", NOW.date(), now=NOW)
    assert [o.counsellor for o in offers] == ["Brussel", "Vilvoorde"]


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


def test_limit_and_language(service, make):
    french = make.counsellor(name="Frans", languages=("nl", "fr"))
    dutch = make.counsellor(name="Nederlands")
    for day in (2, 3, 4):
        make.slot(dutch, at(day))
    make.slot(french, at(5))
    assert len(service.free_slots(None, "online", NOW.date(), now=NOW)) == 3
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


def test_neighbours_are_symmetric_among_flemish_provinces_and_brussels():
    flemish = set(FLEMISH_PROVINCES) | {"brussel"}
    for province in flemish:
        for other in NEIGHBOURS[province]:
            assert province in NEIGHBOURS[other]
