"""How often people needed a person (issue 20): hand-overs per channel, how long they waited,
call backs made within a working day, and who needed a person, by education level and age band
(the inclusivity measure: the assistant should not leave one group behind)."""
from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from verwijzing.enums import CaseStatus, Channel
from verwijzing.monitoring.intakes import EDUCATION_GROUPS, AgeBands, Intake, education_group
from verwijzing.nl_be import BRUSSELS

CALLBACK_STATUSES = (CaseStatus.CALLBACK_ASKING.value, CaseStatus.CALLBACK.value)


@dataclass(frozen=True)
class CaseRow:
    conversation_id: str
    channel: str
    status: str
    asked_at: dt.datetime
    taken_at: dt.datetime | None
    daypart: str | None  # set: a call back


@dataclass(frozen=True)
class NeededGroup:
    group: str
    conversations: int  # intakes of the group that came through a conversation
    needed: int  # of those, the ones whose conversation went to a person

    @property
    def share(self) -> Decimal | None:
        if not self.conversations:
            return None
        return (Decimal(100) * self.needed / self.conversations).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class HandoverFigures:
    per_channel: dict[str, int]  # live hand-overs asked, per channel
    waited: int  # of those, taken by a consulent
    wait_median: dt.timedelta | None
    wait_p90: dt.timedelta | None
    callbacks: int  # asked (number and part of the day given)
    callbacks_in_time: int  # called within one working day
    by_education: list[NeededGroup]
    by_age: list[NeededGroup]


def next_working_day(at: dt.datetime) -> dt.datetime:
    """The same time on the next weekday (Monday to Friday), in Brussels."""
    local = at.astimezone(BRUSSELS) + dt.timedelta(days=1)
    while local.weekday() >= 5:
        local += dt.timedelta(days=1)
    return local


def handover_figures(cases: Iterable[CaseRow], items: Sequence[Intake], bands: AgeBands) -> HandoverFigures:
    # Every conversation has a case; only those where someone asked for a person count here.
    rows = [r for r in cases if r.status != CaseStatus.ASSISTANT.value]
    live = [r for r in rows if r.daypart is None and r.status not in CALLBACK_STATUSES]
    callbacks = [r for r in rows if r.daypart is not None]
    waits = sorted((r.taken_at - r.asked_at) for r in live if r.taken_at and r.taken_at >= r.asked_at)
    with_person = {r.conversation_id for r in rows if r.status != CaseStatus.CALLBACK_ASKING.value}
    conversational = [i for i in items if i.decision.conversation_id]

    def groups(names: Sequence[str], group_of: Callable[[Intake], str]) -> list[NeededGroup]:
        table = {name: [0, 0] for name in names}
        for item in conversational:
            row = table[group_of(item)]
            row[0] += 1
            row[1] += item.decision.conversation_id in with_person
        return [NeededGroup(name, *table[name]) for name in names]

    return HandoverFigures(
        per_channel={channel.value: sum(1 for r in live if r.channel == channel.value)
                     for channel in (Channel.WEB, Channel.SMS, Channel.VOICE)},
        waited=len(waits),
        wait_median=_quantile(waits, 0.5),
        wait_p90=_quantile(waits, 0.9),
        callbacks=len(callbacks),
        callbacks_in_time=sum(1 for r in callbacks if r.taken_at and r.taken_at <= next_working_day(r.asked_at)),
        by_education=groups(EDUCATION_GROUPS, lambda item: education_group(item.decision.facts)),
        by_age=groups(bands.labels, lambda item: bands.band(item.decision.facts.leeftijd)),
    )


def _quantile(values: Sequence[dt.timedelta], q: float) -> dt.timedelta | None:
    if not values:
        return None
    if len(values) == 1 or q == 0.5:
        return dt.timedelta(seconds=statistics.median(v.total_seconds() for v in values))
    cuts = statistics.quantiles([v.total_seconds() for v in values], n=10, method="inclusive")
    return dt.timedelta(seconds=cuts[round(q * 10) - 1])
