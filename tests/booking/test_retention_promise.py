"""Retention keeps its word (issue 17): what the privacy notice on the page and the privacy answer
promised on the day data were made is what the retention job does to those data, for data made
during the transitional cheque (2026) and under the loopbaankrediet (2027)."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from verwijzing.booking import figures
from verwijzing.decision.answers import answer
from verwijzing.gateway.web.page import retention_sentence
from verwijzing.nl_be import BRUSSELS
from verwijzing.policy import load_policy
from verwijzing.store import Referral
from verwijzing.worker.retention import apply_retention, years_before


def promised_years(day: dt.date) -> int:
    """The period both texts a person can read on `day` promise; they must agree."""
    page = re.search(r"bewaren we (\d+) jaar", retention_sentence(figures.retention_years(day)))
    said = re.search(r"bewaren we (\d+) jaar", answer("vraag_privacy", day) or "")
    assert page and said, "the privacy notice and the answer both give a period"
    assert page.group(1) == said.group(1), "the page and the chat promise the same period"
    return int(page.group(1))


@pytest.mark.parametrize("made", [dt.datetime(2026, 6, 1, 10, tzinfo=BRUSSELS),
                                  dt.datetime(2027, 3, 1, 10, tzinfo=BRUSSELS)])
def test_data_stay_as_long_as_promised_on_the_day_they_were_made_and_no_longer(sessions, made):
    years = promised_years(made.date())
    with sessions.begin() as session:
        session.add(Referral(created_at=made, route="loopbaankrediet", regime="loopbaankrediet",
                             in_aanmerking=True, channel="web", facts={}, decision={}))
    promised_until = made.replace(year=made.year + years)

    def referrals() -> int:
        with sessions() as session:
            return session.scalar(select(func.count()).select_from(Referral)) or 0

    with sessions.begin() as session:
        apply_retention(session, promised_until - dt.timedelta(days=1))
    assert referrals() == 1, "deleted before the promised period was over"
    with sessions.begin() as session:
        apply_retention(session, promised_until + dt.timedelta(days=1))
    assert referrals() == 0, "kept after the promised period"
    assert years_before(promised_until + dt.timedelta(days=1), years) > made


def test_one_period_for_everything_so_no_promise_depends_on_the_day_the_job_runs():
    # The job deletes by the period in force on the day it runs. That keeps every promise only
    # while there is one period: a second value must come with a job that keeps each record's own.
    values = load_policy().parameters["bewaartermijn_jaren"].values
    assert len(values) == 1 and values[0][1] is not None, values


def test_the_seed_s_counsellor_file_period_is_not_promised_as_ours():
    said = answer("vraag_privacy", dt.date(2027, 3, 1)) or ""
    assert "begeleiding bewaren" not in said and "afspraak" in said
