"""The monthly ledger of placements this service holds, imported in bulk (issue 15).

A ledger row whose person holds (or held) a placement recorded here, at the row's own place
(county, township, village), is not history to keep as reported: it is that placement's signed
attendance and payment for the month. Such a row takes the same two steps as the service
commands ``PostLedger.record_attendance`` and ``PostLedger.pay``, with the same domain checks
(R-ATT-1, R-PAY-1, R-PAY-2, R-REV-1, R-EXIT-1), dated the day of the import (R-INPUT-2). A
refused step is reported on its row and records nothing of that step; attendance recorded
before a refused payment stays recorded, as it would through the two commands. An empty amount
records the attendance only (an exported month that was not paid reads back the same way).

Nothing is read or saved row by row. ``Aggregates`` reads every aggregate a file names (people's
indexes, their placements, posts, legacy placements) a few hundred streams a query and folds
their events (``project_events``); the import then saves every aggregate it touched with
``save_in_chunks`` — one transaction for any file up to ``CHUNK_EVENTS`` events. Reading past
the application's repository is safe: each new event's version follows the version read, so a
placement another request changed meanwhile makes the save conflict (ConcurrentChange) and the
file records nothing of that part.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from postledger.domain.errors import PostLedgerError
from postledger.domain.indexes import PersonIndex, person_index_id
from postledger.domain.placement import Placement
from postledger.domain.policy_terms import PolicyTerms
from postledger.domain.post import Post
from postledger.domain.values import parse_month
from postledger.infrastructure.repository import project_events
from postledger.infrastructure.streams import select_streams
from postledger.workflows.ledger_file import LedgerLine, Unreadable
from postledger.workflows.store import ConcurrentChange

# How a refused row's Chinese reason ends, as its English ends "nothing recorded" or
# "attendance recorded" (a payment refused after its month's attendance was taken).
NOTHING_RECORDED_ZH = "未记录任何内容"
ATTENDANCE_RECORDED_ZH = "已记录考勤"

# Events one transaction holds at most. A township's month is ~150 events and a county's
# ~1,200, so any such file is one transaction; only a file of several counties is split. The
# bound is far below what breaks: a single save of ~20,000 events (~20 MB) once hung for
# minutes on PostgreSQL inside psycopg's pipeline (server in ClientRead, client in
# Pipeline.sync, bench/province.py), and every save holds the events table's lock for its
# whole length, so a smaller transaction also keeps other writers' waits short. Each event is
# bounded on its own by STORED_EVENT_MAX_BYTES (src/infrastructure/settings.py).
CHUNK_EVENTS = 2_000


class Aggregates:
    """Aggregates read in bulk from the store, by id; None for an id with no events."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.found: dict[UUID, Any] = {}

    def load(self, ids: Iterable[UUID]) -> None:
        missing = {i for i in ids if i not in self.found}
        streams = select_streams(self.app.recorder, missing)
        to_domain_event = self.app.mapper.to_domain_event
        for aggregate_id in missing:
            stored = streams.get(aggregate_id)
            self.found[aggregate_id] = (
                project_events(None, (to_domain_event(s) for s in stored)) if stored
                else None)

    def get(self, aggregate_id: UUID) -> Any:
        if aggregate_id not in self.found:
            self.load([aggregate_id])
        return self.found[aggregate_id]


class NativeMonths:
    """The rows of one import that belong to placements of this store, stepped in memory."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.today: date = app.clock.today()
        self.aggregates = Aggregates(app)
        self.touched: dict[UUID, Placement] = {}
        self._terms: dict[tuple[str, date], PolicyTerms] = {}

    def index_id(self, line: LedgerLine) -> UUID:
        return person_index_id(line.resident_id, self.app.person_key)

    def preload(self, lines: Iterable[LedgerLine], others: Iterable[UUID] = ()) -> None:
        """Read, in a few queries, what the rows need: each person's index, the placements
        it names and their posts, and ``others`` (the legacy placements rows may fall to)."""
        rows = list(lines)
        self.aggregates.load([*(self.index_id(line) for line in rows), *others])
        indexes = [self.aggregates.get(self.index_id(line)) for line in rows]
        self.aggregates.load(p for i in indexes if isinstance(i, PersonIndex)
                             for p in i.placements)
        self.aggregates.load(a.post_id for a in list(self.aggregates.found.values())
                             if isinstance(a, Placement))

    def placement_of(self, line: LedgerLine, path: str) -> Placement | None:
        """The placement of the row's person at the row's place, newest first; None when the
        person has none here (the row is then history kept as reported)."""
        index = self.aggregates.get(self.index_id(line))
        if not isinstance(index, PersonIndex):
            return None
        for placement_id in reversed(index.placements):
            found = self.aggregates.get(placement_id)
            if isinstance(found, Placement) and found.path == path:
                return self.touched.setdefault(placement_id, found)
        return None

    def record(self, line: LedgerLine, placement: Placement,
               source: dict[str, Any]) -> Unreadable | None:
        """The row's month on ``placement``, marked with the file, sheet and row it was read
        from; the row refused with its reason, or None if recorded."""
        def refused_row(reason: str, reason_zh: str) -> Unreadable:
            return Unreadable(row=line.row, reason=reason, reason_zh=reason_zh)

        if line.exited_on is not None and (placement.exit or {}).get("date") != line.exited_on:
            return refused_row(
                f"exited_on {line.exited_on}: placement {placement.id} leaves by its exit "
                "step (POST /placements/{id}/exit, R-EXIT-3), not by a ledger row; "
                "nothing recorded",
                f"退出日期 {line.exited_on}：安置 {placement.id} 经退出步骤退出"
                "（POST /placements/{id}/exit，R-EXIT-3），不由台账行退出；" + NOTHING_RECORDED_ZH)
        if line.days_worked is None:
            return refused_row(
                "days_worked is empty: a month of a placement recorded here is its signed "
                "attendance (R-ATT-1); nothing recorded",
                "出勤天数未填写：本服务记录的安置，其一个月即经签字的考勤（R-ATT-1）；"
                + NOTHING_RECORDED_ZH)
        terms_today = self.terms(placement.county, self.today)
        try:
            placement.record_attendance(
                date=self.today, month=line.month, days_worked=line.days_worked,
                signatures={"secretary": line.secretary, "member": line.member,
                            "worker": line.worker},
                ends=placement.automatic_end(terms_today), source=source)
        except PostLedgerError as refused:
            return refused_row(
                f"attendance refused{_rule(refused)}: {refused.detail}; nothing recorded",
                f"考勤被拒绝{_rule_zh(refused)}：{_detail_zh(refused)}；{NOTHING_RECORDED_ZH}")
        if line.amount_fen is None:
            return None
        try:
            terms = self.terms(placement.county, parse_month(line.month))
            post = self.post(placement.post_id)
            standard = post.monthly_subsidy_fen or terms.monthly_subsidy_fen  # R-PAY-1
            placement.pay(date=self.today, month=line.month, amount_fen=line.amount_fen,
                          standard_fen=standard, terms=terms,
                          ends=placement.automatic_end(terms_today), source=source)
        except PostLedgerError as refused:
            return refused_row(
                f"payment refused{_rule(refused)}: {refused.detail}; attendance recorded",
                f"发放被拒绝{_rule_zh(refused)}：{_detail_zh(refused)}；{ATTENDANCE_RECORDED_ZH}")
        return None

    def terms(self, county: str, day: date) -> PolicyTerms:
        key = (county, day)
        if key not in self._terms:
            self._terms[key] = self.app.terms(county, day)
        return self._terms[key]

    def post(self, post_id: UUID) -> Post:
        found = self.aggregates.get(post_id)
        assert isinstance(found, Post), f"placement's post {post_id} is not a post"
        return found


def _rule(refused: PostLedgerError) -> str:
    return f" ({refused.rule})" if refused.rule else ""


def _rule_zh(refused: PostLedgerError) -> str:
    return f"（{refused.rule}）" if refused.rule else ""


def _detail_zh(refused: PostLedgerError) -> str:
    """The domain's own Chinese for a refused step; its English where a refusal has none."""
    return refused.detail_zh or refused.detail


def chunks(aggregates: Iterable[Aggregate], limit: int | None = None) -> list[list[Aggregate]]:
    """The aggregates with pending events, in groups of at most ``limit`` events (an aggregate
    is never split: its events are one step's, or one file's, and stay together)."""
    limit = limit or CHUNK_EVENTS
    groups: list[list[Aggregate]] = [[]]
    size = 0
    for aggregate in aggregates:
        count = len(aggregate.pending_events)
        if not count:
            continue
        if groups[-1] and size + count > limit:
            groups.append([])
            size = 0
        groups[-1].append(aggregate)
        size += count
    return [g for g in groups if g]


def save_in_chunks(app: Any, aggregates: Sequence[Aggregate], limit: int | None = None) -> None:
    """Save with the application's own ``save`` (atomic per call), ``limit`` events a call.

    A file within ``limit`` events is recorded whole or not at all. A larger one is recorded
    chunk by chunk; if another request changed one of its placements meanwhile, the chunks
    before it stay recorded and the import answers 409 saying so — importing the file again
    then refuses the rows already recorded (R-ATT-1) and records the rest."""
    groups = chunks(aggregates, limit)
    for number, group in enumerate(groups):
        try:
            app.save(*group)
        except IntegrityError:
            done = (f"; the first {number} of {len(groups)} parts of this file were recorded"
                    if number else "; nothing was recorded")
            raise ConcurrentChange(
                "another request changed a placement of this file at the same time" + done
                + " — import it again to record the rest") from None
