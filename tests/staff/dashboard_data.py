"""A small, fictional data set with dashboard figures computed by hand (tests/staff/test_dashboard.py).

Reference date 2027-03-01 (a Monday): the default period is the 12 ISO weeks 2026-W51 … 2027-W09,
that is 2026-12-14 … 2027-03-01. It spans both dated regimes: the transitional cheque (until
2026-12-31, fee €150.07 per hour, no contribution figure) and the loopbaankrediet (fee €90 per
hour, €15 per hour kortgeschoold, €25 otherwise, 6 hours).

Decisions (times Brussels; facts as the conversation or the staff form gave them):

  id  when              channel  conversation  facts (short)                          outcome
  c9  2026-12-10 10:00  web      c9            werknemer 9j midden VL                 eligible, before the period
  c1  2026-12-15 10:00  web      c1            werknemer 9j kort VL, no cheque before eligible (cheque)
  c2  2026-12-16 11:00  web      c2            werknemer 3j VL, 26 jaar               not (jongerenoriëntatie)
  c3  2027-01-05 09:00  sms      c3            werknemer 12j midden VL, 0 u used      eligible (credit)
  c4a 2027-01-20 10:00  voice    c4            werkzoekende                           not (VDAB)
  c4b 2027-01-20 10:10  voice    c4            werknemer 8j hoog VL, 0 u used         eligible: c4's latest
  s5  2027-02-10 14:00  staff    -             werknemer 20j kort Brussel, 50 jaar    eligible
  s6  2027-02-11 14:00  staff    -             zelfstandige 2j hoog VL, 40 jaar       not (competentiecheck)
  c7  2027-02-24 20:00  web      c7            werknemer 10j, woont in Wallonië       not
  s10 2027-02-25 09:00  staff    -             werknemer 7j midden VL, 29 jaar        eligible
  c8  2027-03-01 08:00  web      c8            werknemer 15j midden VL, 0 u used      eligible

Bookings (slot length, appointment day, status, confirmed):

  LK-0001  c1   120 min  2026-12-22  attended   2026-12-15   cheque: 2 h × 150.07 = 300.14, contribution unknown
  LK-0002  c3   120 min  2027-01-12  confirmed  2027-01-05   credit: 180.00 − 2 × 25 = 130.00
  LK-0003  c4b  120 min  2027-02-02  cancelled  2027-01-20   not counted
  LK-0004  s5   120 min  2027-02-17  attended   2027-02-10   credit: 180.00 − 2 × 15 = 150.00
  LK-0005  c8   120 min  2027-03-08  held       -            not counted
  LK-0006  c9   120 min  2026-12-17  confirmed  2026-12-10   confirmed before the period: not counted
  LK-0007  -     90 min  2027-02-20  confirmed  2027-02-15   credit: 1.5 h × 90 = 135.00, no decision: education unknown

Rasa's events: a message from c1, c2, c3, c4, c7 and c10 in the period (c10 never got to a
decision); c8's conversation was erased ("Wis mijn gesprek"); c11 has only a bot message in the
period; c12 and c9 wrote before it.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
)
from sqlalchemy.orm import Session

from verwijzing.decision.facts import parse_facts
from verwijzing.decision.screening import screen
from verwijzing.nl_be import BRUSSELS
from verwijzing.referrals.record import attach_booking, record_decision
from verwijzing.store.models import Booking, Counsellor, Slot

DAY = dt.date(2027, 3, 1)

# Rasa's SQLTrackerStore table (rasa/core/tracker_store.py, SQLEvent), for the tests only.
RASA = MetaData()
EVENTS = Table(
    "events", RASA,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)

WORKING = {"hulpvraag": "loopbaan", "werkstatus": "werknemer"}
# (name, Brussels time, channel, conversation, facts, expected eligibility)
DECISIONS = [
    ("c9", (2026, 12, 10, 10, 0), "web", "c9",
     {**WORKING, "woonregio": "vlaanderen", "werkervaring_jaren": 9, "eerder_loopbaancheque": False}, True),
    ("c1", (2026, 12, 15, 10, 0), "web", "c1",
     {**WORKING, "woonregio": "vlaanderen", "werkervaring_jaren": 9, "eerder_loopbaancheque": False,
      "opleidingsniveau": "kort"}, True),
    ("c2", (2026, 12, 16, 11, 0), "web", "c2",
     {**WORKING, "woonregio": "vlaanderen", "werkervaring_jaren": 3, "leeftijd": 26}, False),
    ("c3", (2027, 1, 5, 9, 0), "sms", "c3",
     {**WORKING, "woonregio": "vlaanderen", "werkervaring_jaren": 12, "eerder_gebruikt_uren": 0,
      "opleidingsniveau": "midden"}, True),
    ("c4a", (2027, 1, 20, 10, 0), "voice", "c4", {"hulpvraag": "loopbaan", "werkstatus": "werkzoekende"}, False),
    ("c4b", (2027, 1, 20, 10, 10), "voice", "c4",
     {**WORKING, "woonregio": "vlaanderen", "werkervaring_jaren": 8, "eerder_gebruikt_uren": 0,
      "opleidingsniveau": "hoog"}, True),
    ("s5", (2027, 2, 10, 14, 0), "staff", None,
     {**WORKING, "woonregio": "brussel", "werkervaring_jaren": 20, "eerder_gebruikt_uren": 0,
      "eerder_loopbaancheque": False, "opleidingsniveau": "kort", "leeftijd": 50}, True),
    ("s6", (2027, 2, 11, 14, 0), "staff", None,
     {"hulpvraag": "loopbaan", "werkstatus": "zelfstandige", "woonregio": "vlaanderen", "werkervaring_jaren": 2,
      "eerder_gebruikt_uren": 0, "eerder_loopbaancheque": False, "opleidingsniveau": "hoog", "leeftijd": 40}, False),
    ("c7", (2027, 2, 24, 20, 0), "web", "c7",
     {**WORKING, "woonregio": "wallonie", "werkervaring_jaren": 10}, False),
    ("s10", (2027, 2, 25, 9, 0), "staff", None,
     {**WORKING, "woonregio": "vlaanderen", "werkervaring_jaren": 7, "eerder_gebruikt_uren": 0,
      "eerder_loopbaancheque": False, "opleidingsniveau": "midden", "leeftijd": 29}, True),
    ("c8", (2027, 3, 1, 8, 0), "web", "c8",
     {**WORKING, "woonregio": "vlaanderen", "werkervaring_jaren": 15, "eerder_gebruikt_uren": 0,
      "opleidingsniveau": "midden"}, True),
]
# (reference, decision name or None, minutes, appointment day, status, confirmed at (Brussels) or None)
BOOKINGS = [
    ("LK-0001", "c1", 120, dt.date(2026, 12, 22), "attended", (2026, 12, 15, 10, 5)),
    ("LK-0002", "c3", 120, dt.date(2027, 1, 12), "confirmed", (2027, 1, 5, 9, 5)),
    ("LK-0003", "c4b", 120, dt.date(2027, 2, 2), "cancelled", (2027, 1, 20, 10, 15)),
    ("LK-0004", "s5", 120, dt.date(2027, 2, 17), "attended", (2027, 2, 10, 14, 10)),
    ("LK-0005", "c8", 120, dt.date(2027, 3, 8), "held", None),
    ("LK-0006", "c9", 120, dt.date(2026, 12, 17), "confirmed", (2026, 12, 10, 10, 5)),
    ("LK-0007", None, 90, dt.date(2027, 2, 20), "confirmed", (2027, 2, 15, 12, 0)),
]
# (sender, type, Brussels time)
EVENT_ROWS = [
    ("c1", "session_started", (2026, 12, 15, 9, 58)), ("c1", "user", (2026, 12, 15, 9, 58)),
    ("c2", "user", (2026, 12, 16, 10, 55)),
    ("c3", "user", (2027, 1, 5, 8, 55)),
    ("c4", "session_started", (2027, 1, 20, 9, 50)), ("c4", "user", (2027, 1, 20, 9, 50)),
    ("c7", "user", (2027, 2, 24, 19, 50)),
    ("c10", "user", (2027, 2, 3, 12, 0)), ("c10", "bot", (2027, 2, 3, 12, 0)),
    ("c11", "bot", (2027, 2, 4, 12, 0)),
    ("c12", "user", (2026, 12, 13, 23, 30)),  # the Sunday before the period
    ("c9", "user", (2026, 12, 10, 9, 55)),
]


def at(parts: tuple[int, ...]) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=BRUSSELS)


def seed(session: Session) -> dict[str, int]:
    """Write the decisions (through the real referral writer, decided by the real rules on their
    own day) and the bookings; returns the referral id of each decision name."""
    ids = {}
    for name, when, channel, conversation, raw, eligible in DECISIONS:
        facts = parse_facts(raw)
        decision = screen(facts, when_day := at(when).date())
        assert decision.in_aanmerking is eligible, (name, when_day, decision)
        staff = {"staff_member": "testconsulent", "consent": "in_persoon"} if channel == "staff" else {}
        referral = record_decision(session, decision=decision, facts=facts, channel=channel, at=at(when),
                                   conversation_id=conversation, **staff)
        ids[name] = referral.id
    counsellor = Counsellor(name="Test Begeleider", mandate_valid_from=dt.date(2020, 1, 1), mandate_valid_to=None,
                            beroepskwalificatie_valid_from=dt.date(2020, 1, 1), beroepskwalificatie_valid_to=None,
                            office_postcode="9000", province="oost-vlaanderen", region="VLG")
    session.add(counsellor)
    session.flush()
    for reference, decision_name, minutes, day, status, confirmed in BOOKINGS:
        starts = dt.datetime.combine(day, dt.time(10, 0), BRUSSELS)
        slot = Slot(counsellor_id=counsellor.id, day=day, starts_at=starts,
                    ends_at=starts + dt.timedelta(minutes=minutes))
        session.add(slot)
        session.flush()
        created = at(confirmed) if confirmed else at((2027, 3, 1, 8, 2))
        session.add(Booking(reference=reference, slot_id=slot.id, status=status, channel="web", modality="online",
                            citizen_key=None, phone=None, idempotency_key=f"test-{reference}", created_at=created,
                            held_until=created + dt.timedelta(minutes=10),
                            confirmed_at=at(confirmed) if confirmed else None, cancelled_at=None))
        if decision_name:
            attach_booking(session, ids[decision_name], reference)
    session.flush()
    return ids


def add_events(engine: Engine) -> None:
    RASA.create_all(engine)
    with engine.begin() as connection:
        connection.execute(EVENTS.delete())
        connection.execute(insert(EVENTS), [
            {"sender_id": sender, "type_name": kind, "timestamp": at(when).timestamp(), "data": "{}"}
            for sender, kind, when in EVENT_ROWS])


def drop_events(engine: Engine) -> None:
    RASA.drop_all(engine)


# ---- the figures, by hand (see the tables above) ---------------------------------------------

WEEKS = {  # ISO week → per channel; every other week of the period is all zeros
    "2026-W51": {"web": 2, "sms": 0, "voice": 0, "staff": 0},
    "2027-W01": {"web": 0, "sms": 1, "voice": 0, "staff": 0},
    "2027-W03": {"web": 0, "sms": 0, "voice": 1, "staff": 0},
    "2027-W06": {"web": 0, "sms": 0, "voice": 0, "staff": 2},
    "2027-W08": {"web": 1, "sms": 0, "voice": 0, "staff": 1},
    "2027-W09": {"web": 1, "sms": 0, "voice": 0, "staff": 0},
}
WEEK_LABELS = ["2026-W51", "2026-W52", "2026-W53", "2027-W01", "2027-W02", "2027-W03", "2027-W04", "2027-W05",
               "2027-W06", "2027-W07", "2027-W08", "2027-W09"]
# started: conversations c1 c2 c3 c4 c7 c10 (events) ∪ c8 (decided, erased) = 7, plus staff s5 s6 s10 = 3.
FUNNEL = {"started": 10, "conversations_started": 7, "staff_intakes": 3, "decided": 9, "eligible": 6,
          "booked": 3, "attended": 2}
# group: (decided, eligible, booked, eligibility rate %)
EDUCATION = {
    "kort": (2, 2, 2, Decimal("100.0")),      # c1, s5
    "midden": (3, 3, 1, Decimal("100.0")),    # c3, s10, c8 (LK-0005 only held)
    "hoog": (2, 1, 0, Decimal("50.0")),       # c4 (latest; LK-0003 cancelled), s6
    "onbekend": (2, 0, 0, Decimal("0.0")),    # c2, c7
}
AGE = {
    "<25": (0, 0, 0, None),
    "25–29": (2, 1, 0, Decimal("50.0")),      # c2 (26), s10 (29)
    "30–34": (0, 0, 0, None),
    "35–44": (1, 0, 0, Decimal("0.0")),       # s6 (40)
    "45–54": (1, 1, 1, Decimal("100.0")),     # s5 (50)
    "55+": (0, 0, 0, None),
    "onbekend": (5, 4, 2, Decimal("80.0")),   # c1 c3 c4 c7 c8
}
BUDGET = {
    "loopbaancheque-overgang": {"bookings": 1, "hours": Decimal(2), "gross": Decimal("300.14"),
                                "contributions_known": Decimal(0), "hours_contribution_unknown": Decimal(2),
                                "hours_education_unknown": Decimal(0), "net": None, "net_at_most": Decimal("300.14")},
    "loopbaankrediet": {"bookings": 3, "hours": Decimal("5.5"), "gross": Decimal("495.00"),
                        "contributions_known": Decimal("80.00"), "hours_contribution_unknown": Decimal(0),
                        "hours_education_unknown": Decimal("1.5"), "net": None, "net_at_most": Decimal("415.00")},
}
BUDGET_TOTAL = {"hours": Decimal("7.5"), "gross": Decimal("795.14"), "contributions_known": Decimal("80.00"),
                "net": None, "net_at_most": Decimal("715.14")}
# Re-screened on 2027-03-01. In force (loopbaankrediet): eligible c1 c3 c4 c8 s5 s10; c1 only by assuming no
# earlier hours (its cheque-time conversation never asked). serv-advies (1 year of experience, at most 3
# trajectories, never asked): c2 and s6 become eligible too, c7 still lives outside; all 8 by that assumption.
SCENARIOS = {
    "loopbaankrediet": {"screened": 9, "eligible": 6, "eligible_assuming_no_earlier_use": 1, "not_eligible": 3,
                        "undetermined": {}, "fee_per_hour": Decimal(90), "hours_per_person": Decimal(6),
                        # 6 × 6 h × €90 = 3240; contributions 2 kort × 6 × 15 + 4 (3 midden, 1 hoog) × 6 × 25
                        "gross": Decimal("3240.00"), "cost": Decimal("2460.00"), "unknown_figures": ()},
    "serv-advies": {"screened": 9, "eligible": 8, "eligible_assuming_no_earlier_use": 8, "not_eligible": 1,
                    "undetermined": {}, "fee_per_hour": Decimal(90), "hours_per_person": None, "gross": None,
                    "cost": None, "unknown_figures": ("krediet_uren", "bijdrage_per_uur_kortgeschoold",
                                                      "bijdrage_per_uur_standaard", "opleidingsniveau")},
}
RECORDED_ELIGIBLE = 6
