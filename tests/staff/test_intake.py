"""The guided intake in the staff console, through the real gateway on a real database (SQLite and
PostgreSQL): a consulent screens a citizen with the same rules engine as the chat, refers (and
may override only with a written reason), books a block through the same booking service, and
gets a printable confirmation. The national number typed on the booking page ends up in no table
and no page."""
from __future__ import annotations

import datetime as dt

from tests.staff.intake_console import CASES, ELIGIBLE, Page, audit, form_of, page, refer, referrals
from verwijzing.cli import SCREEN_DEFAULTS
from verwijzing.decision.facts import parse_facts
from verwijzing.decision.screening import screen
from verwijzing.referrals.record import decision_snapshot

# ---- the decision ------------------------------------------------------------------------------


async def test_every_golden_case_gets_the_rules_engines_decision_and_is_recorded_as_it(console, db):
    by_day: dict[dt.date, list] = {}
    for case in CASES:
        by_day.setdefault(case.date, []).append(case)
    assert len(CASES) >= 45 and len(by_day) >= 4  # both regimes and their boundaries
    for day, cases in by_day.items():
        client = await console(day)
        for case in cases:
            facts = parse_facts({**SCREEN_DEFAULTS, **case.input})
            expected = screen(facts, day)
            shown = Page(await page(client, "POST", "/staff/intake", form_of(case.input)))
            assert shown.facts["In aanmerking"] == ("Ja" if case.output["in_aanmerking"] else "Nee"), case.name
            assert expected.route.value == case.output.get("route", expected.route.value), case.name
            # Every reason of the rules engine, in its order, with its source.
            assert shown.rows[1:] == [[{True: "Voldaan", False: "Niet voldaan", None: "Ter info"}[r.voldaan],
                                       r.uitleg, r.bron] for r in expected.redenen], case.name
            # The referral is made from the page's hidden facts: screened again, the same decision.
            location = await page(client, "POST", "/staff/intake/verwijzing",
                                  shown.hidden["/staff/intake/verwijzing"], status=303)
            recorded = referrals(db)[-1]
            assert location.startswith(f"/staff/intake/{recorded.id}/"), case.name
            assert recorded.decision == decision_snapshot(expected), case.name
            assert (recorded.route, recorded.channel, recorded.staff_member, recorded.consent) == (
                expected.route.value, "staff", client.login, "telefonisch"), case.name
            assert recorded.override is None


async def test_the_decision_page_shows_what_to_read_out_and_the_sources(console):
    client = await console()
    html = await page(client, "POST", "/staff/intake", {**ELIGIBLE, "opleidingsniveau": "kort"})
    shown = Page(html)
    assert shown.facts["Route"] == "Loopbaankrediet"
    assert shown.facts["Bijdrage per uur"] == "15 euro"
    assert shown.facts["Toestemming"] == "In persoon, aan de balie"
    # The citizen's own text.
    assert "Goed nieuws! Je kan het loopbaankrediet krijgen, als je nog uren over hebt." in html
    assert "Jij hebt geen diploma of getuigschrift van het middelbaar. Je betaalt dus 15 euro per uur" in html
    assert all(row[2] for row in shown.rows[1:]), "every reason names its source"


async def test_a_question_the_rules_can_answer_at_once_needs_no_other_fact(console, db):
    client = await console()
    shown = Page(await page(client, "POST", "/staff/intake", {"toestemming": "in_persoon", "hulpvraag": "burnout"}))
    assert shown.facts["Route"] == "Zorg (huisarts, psycholoog)"
    location = await refer(client, {"toestemming": "in_persoon", "hulpvraag": "burnout"})
    # Not a route with a booking: straight to the confirmation, with the next step to read out.
    assert location.endswith("/bevestiging")
    html = await page(client, "GET", location)
    assert "maak een afspraak bij je huisarts" in " ".join(html.split())
    assert (await client.get(location.replace("bevestiging", "boeken"), allow_redirects=False)).status == 303


async def test_what_is_missing_or_wrong_is_said_on_the_form_and_what_was_typed_stays(console, db):
    client = await console()
    html = await page(client, "POST", "/staff/intake", {
        "hulpvraag": "loopbaan", "werkstatus": "werknemer", "leeftijd": "41", "werkervaring_jaren": "twaalf",
        "woonregio": "vlaanderen"}, status=400)
    shown = Page(html)
    assert "Kies hoe de persoon toestemming gaf. Zonder toestemming kan je niet verder." in shown.alerts[0]
    assert "Vul de werkervaring in als een getal in jaren, bijvoorbeeld 7 of 7,5." in shown.alerts[0]
    assert 'value="41"' in html and 'value="twaalf"' in html
    assert shown.checked == {"werkstatus": "werknemer"}
    assert 'aria-invalid="true"' in html

    # Now the number is right but the rules need the diploma, and someone in another EEA country
    # needs to say where they work: every empty fact the rules still need is named at once.
    html = await page(client, "POST", "/staff/intake", {
        "toestemming": "telefonisch", "hulpvraag": "loopbaan", "werkstatus": "werknemer",
        "werkervaring_jaren": "12", "woonregio": "eer_buitenland"}, status=400)
    alerts = Page(html).alerts[0]
    assert "Kies waar de persoon werkt: dat telt voor wie in een ander land van de EER woont." in alerts
    assert "Vul de leeftijd in." in alerts and "Kies het hoogste diploma." in alerts

    # Values that are not on the form, a negative age, experience longer than a life.
    for bad, message in ((("werkstatus", "baas"), "Kies een van de mogelijkheden."),
                         (("leeftijd", "-3"), "Vul de leeftijd in als een getal in jaren"),
                         (("werkervaring_jaren", "50"), "De werkervaring kan niet langer zijn dan de leeftijd.")):
        html = await page(client, "POST", "/staff/intake", {**ELIGIBLE, bad[0]: bad[1]}, status=400)
        assert message in Page(html).alerts[0], bad
    assert referrals(db) == []


async def test_a_form_without_its_csrf_token_is_refused(console):
    client = await console()
    response = await client.post("/staff/intake", data={**ELIGIBLE, "csrf": "verkeerd"}, allow_redirects=False)
    assert response.status == 403


async def test_the_facts_can_be_changed_from_the_decision_page(console):
    client = await console()
    shown = Page(await page(client, "POST", "/staff/intake", ELIGIBLE))
    html = await page(client, "POST", "/staff/intake", shown.hidden["/staff/intake"])
    assert "<h1>Nieuwe verwijzing</h1>" in html and 'value="12"' in html


# ---- override ----------------------------------------------------------------------------------


async def test_another_route_needs_a_written_reason_of_twenty_characters(console, db):
    client = await console()
    html = await refer(client, extra=[("andere_route", "competentiecheck"), ("reden", "  wil   eerst testen ")],
                       status=400)
    assert "Schrijf waarom, in minstens 20 tekens. Nu zijn het er 16." in Page(html).alerts[0]
    assert "wil   eerst testen" in html  # what was typed stays
    assert referrals(db) == [] and audit(db, "override") == []

    reason = "Wil eerst weten wat ze kan; belt 0470 12 34 56 terug"
    location = await refer(client, extra=[("andere_route", "competentiecheck"), ("reden", reason)])
    assert location.endswith("/bevestiging")  # a competence check has no booking here
    recorded = referrals(db)[-1]
    assert recorded.route == "competentiecheck" and recorded.decision["route"] == "loopbaankrediet"
    assert recorded.override["route"] == "competentiecheck" and "0470" not in recorded.override["reden"]
    [entry] = audit(db, "override")
    assert (entry.actor, entry.subject, entry.detail) == (
        f"staff:{client.login}", f"verwijzing:{recorded.id}", {"van": "loopbaankrediet", "naar": "competentiecheck"})
    html = " ".join((await page(client, "GET", location)).split())
    assert "Competentiecheck (gekozen door de consulent; de regels gaven: Loopbaankrediet)" in html


async def test_choosing_the_route_the_rules_gave_is_no_override(console, db):
    client = await console()
    location = await refer(client, extra=[("andere_route", "loopbaankrediet"), ("reden", "")])
    assert location.endswith("/boeken")
    assert referrals(db)[-1].override is None and audit(db, "override") == []
