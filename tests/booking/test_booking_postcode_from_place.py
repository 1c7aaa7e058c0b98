"""A person who named their municipality gets counsellors near it, with no postcode question:
the postcode read from "ik woon in …" drives the same search a typed postcode does."""
from __future__ import annotations

import pytest
from booking_helpers import NOW, at

from verwijzing.interpret import read_postcode


@pytest.mark.parametrize("text, first", [
    ("Ik woon in Gent en werk als bediende", "Begeleider Gent"),
    ("ik woon in Kessel-Lo", "Begeleider Leuven"),  # a deelgemeente of Leuven
    ("ik woon in Antwerpen", "Begeleider Antwerpen"),
])
def test_a_named_municipality_finds_counsellors_in_its_province_first(service, make, text, first):
    antwerp = make.counsellor(postcode="2000", name="Begeleider Antwerpen")
    ghent = make.counsellor(postcode="9000", name="Begeleider Gent")
    leuven = make.counsellor(postcode="3000", name="Begeleider Leuven")
    make.slot(antwerp, at(2, 9))
    make.slot(leuven, at(2, 11))
    make.slot(ghent, at(2, 13))
    postcode = read_postcode(text)
    assert postcode is not None  # so the booking form does not ask for it
    offers = service.free_slots(postcode, "op_locatie", NOW.date(), now=NOW)
    assert offers[0].counsellor == first
