"""What every service needs of the event store: one clock for "today", atomic saves that turn
a lost race into ``ConcurrentChange``, reads that answer ``NotFound``, and histories.

The commands themselves are in src/workflows/application.py (placements, posts, policies) and
src/workflows/claims.py (subsidy claims).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, Repository
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder
from eventsourcing.utils import EnvType

from postledger.domain.errors import InvalidInput, NotFound, PostLedgerError
from postledger.infrastructure.clock import BusinessClock
from postledger.infrastructure.repository import serial_cache_repository
from postledger.infrastructure.transcodings import DateAsISO
from postledger.workflows.history import HistoryEntry, history_entry

A = TypeVar("A", bound=Aggregate)


class ConcurrentChange(PostLedgerError):
    """Another request changed the same subject first; nothing of this one was recorded (409)."""

    def __init__(self, detail: str, state: str | None = None, *, zh: str | None = None) -> None:
        super().__init__(detail, rule=None, zh=zh)
        self.state = state


class LedgerApplication(Application[UUID]):
    def __init__(self, env: EnvType | None = None, *, clock: BusinessClock | None = None) -> None:
        self.clock = clock or BusinessClock()  # the one clock "today" is read from
        super().__init__(env)

    def not_after_today(self, day: date, field: str = "date") -> None:
        """R-INPUT-2: no step is dated after today (Asia/Shanghai, from the injected clock)."""
        today = self.clock.today()
        if day > today:
            raise InvalidInput(
                f"{field}: {day} is after today ({today}, Asia/Shanghai); no step may be dated "
                "in the future (R-INPUT-2)", rule="R-INPUT-2", fact=field,
                zh=f"{day} 晚于今天（{today}，北京时间）；任何步骤都不能填写将来的日期",
            )

    def construct_repository(self) -> Repository[UUID]:
        return serial_cache_repository(super().construct_repository())

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # ------------------------------------------------------------------ plumbing
    def _save(self, *aggregates: Aggregate | None) -> None:
        pending = [(e.originator_id, e.originator_version, e.timestamp)
                   for a in aggregates if a is not None for e in a.pending_events]
        try:
            self.save(*aggregates)
        except IntegrityError:
            if pending and all(self._recorded(*p) for p in pending):
                # The connection dropped after the commit and the library's retry met its
                # own rows: recorded once, which is success, not a conflict.
                return
            raise ConcurrentChange(
                "another request changed this placement or a limit it shares at the same "
                "time; nothing was recorded — read it again and retry",
                zh="另一请求同时修改了此记录或与其共用的限额；本次未记录任何内容，请刷新后重试",
            ) from None

    def _recorded(self, aggregate_id: UUID, version: int, timestamp: datetime) -> bool:
        stored = list(self.events.get(aggregate_id, gt=version - 1, lte=version))
        return bool(stored) and cast(Aggregate.Event, stored[0]).timestamp == timestamp

    def _get(self, cls: type[A], aggregate_id: UUID, what: str) -> A:
        try:
            found: Any = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(f"no {what} {aggregate_id}", zh=f"没有此记录：{aggregate_id}") from None
        if not isinstance(found, cls):
            raise NotFound(f"no {what} {aggregate_id}", zh=f"没有此记录：{aggregate_id}")
        return found

    def _get_or_none(self, aggregate_id: UUID) -> Any:
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    # ------------------------------------------------------------------ history
    def history(self, aggregate_id: UUID) -> list[HistoryEntry]:
        return list(self._history(aggregate_id))

    def _history(self, aggregate_id: UUID) -> Iterator[HistoryEntry]:
        for domain_event in self.events.get(aggregate_id):
            yield history_entry(domain_event)


def created_with_id(cls: type[A], aggregate_id: UUID, **fields: Any) -> A:
    """A new index aggregate under an explicit id (the library's ``_create``): a keyed id needs
    the key, which the domain's ``create_id`` does not have (src/domain/keyed_hash.py)."""
    return cls._create(event_class=cls.Created, id=aggregate_id, **fields)
