"""Commands run in memory, saved in batches: the demo loads thousands of steps in seconds.

``BufferedLedger`` is the application service itself (every command, check and index aggregate
as ``PostLedger`` has them); only ``_save`` (and ``save``, for the services that call it, such
as the ledger import) keeps what a command touched in memory and ``_get`` finds it there, until
``flush`` saves it through ``PostLedger._save`` — one atomic ``save`` per batch. It opens its
own connection to the same store (``env`` of the ledger it stands for).

Two years of history are generated in one sitting, but a county records each step on or soon
after its day: every dated command is recorded at the end of its business day (its events'
timestamps), so the audit's backdating check (R-FRAUD-9, 60 days by default) flags only what
the demo enters late on purpose (``recording_on``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from postledger.domain.base import LedgerAggregate
from postledger.domain.policy_terms import PolicyTerms
from postledger.infrastructure.clock import BUSINESS_TZ, BusinessClock
from postledger.workflows.application import PostLedger

A = TypeVar("A", bound=Aggregate)

# When set, the events triggered in this context are stamped with it instead of the wall clock.
_RECORDING_AT: ContextVar[datetime | None] = ContextVar("demo_recording_at", default=None)
_wall_clock: Callable[[], datetime] = LedgerAggregate.Event.create_timestamp


def _demo_timestamp() -> datetime:
    at = _RECORDING_AT.get()
    return at if at is not None else _wall_clock()


def _install_demo_timestamps() -> None:
    """Events take their timestamp from ``create_timestamp``; outside a ``recording_on``
    context it is the library's own (wall clock), so installing it changes nothing else."""
    if LedgerAggregate.Event.create_timestamp is not _demo_timestamp:
        LedgerAggregate.Event.create_timestamp = staticmethod(_demo_timestamp)  # type: ignore[method-assign]


RECORDED_AT = time(17, 30)  # a clerk's entries of the day, recorded before closing time

# The demo's dated commands and the argument giving the day they are recorded on.
DATED_COMMANDS = {
    "set_policy": "effective_from", "publish_notice": "date", "apply": "date",
    "withdraw": "date", "village_review": "date", "township_review": "date",
    "start_publicity": "date", "raise_objection": "date", "approve": "date", "train": "date",
    "onboard": "date", "leave": "date", "record_attendance": "date", "pay": "date",
    "annual_review": "date",
}


class BufferedLedger(PostLedger):
    name = PostLedger.name  # the same tables as the ledger it stands for

    def __init__(self, env: Any, clock: BusinessClock) -> None:
        super().__init__(env=env, clock=clock)
        self.pending: dict[UUID, Aggregate] = {}
        self._flushing = False
        self._relaxed: dict[str, Any] = {}
        _install_demo_timestamps()

    @classmethod
    def beside(cls, ledger: PostLedger, today: date) -> BufferedLedger:
        """Standing for ``ledger``, on a clock that reads ``today`` (the demo's own day)."""
        return cls(env=dict(ledger.env), clock=BusinessClock.fixed(today))

    @contextmanager
    def recording_on(self, day: date | None) -> Iterator[None]:
        """Record what is done inside on ``day`` (at ``RECORDED_AT``); an outer
        ``recording_on`` wins, so a step entered late stays late whatever date it states."""
        if day is None or _RECORDING_AT.get() is not None:
            yield
            return
        token = _RECORDING_AT.set(datetime.combine(day, RECORDED_AT, tzinfo=BUSINESS_TZ))
        try:
            yield
        finally:
            _RECORDING_AT.reset(token)

    @contextmanager
    def relaxed(self, **terms: Any) -> Iterator[None]:
        """The county's terms with ``terms`` over them, for what is done inside: history as an
        installation that did not check a rule recorded it (planted R-FRAUD-4)."""
        self._relaxed = terms
        try:
            yield
        finally:
            self._relaxed = {}

    def terms(self, county: str, day: date) -> PolicyTerms:
        found = super().terms(county, day)
        return found.model_copy(update=self._relaxed) if self._relaxed else found

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        if self._flushing:
            return super().save(*objs, **kwargs)
        self._save(*objs)
        return []

    def _save(self, *aggregates: Aggregate | None) -> None:
        for aggregate in aggregates:
            if aggregate is not None:
                self.pending[aggregate.id] = aggregate

    def _get(self, cls: type[A], aggregate_id: UUID, what: str) -> A:
        found = self.pending.get(aggregate_id)
        if isinstance(found, cls):
            return found
        return super()._get(cls, aggregate_id, what)

    def _get_or_none(self, aggregate_id: UUID) -> Any:
        if aggregate_id in self.pending:
            return self.pending[aggregate_id]
        return super()._get_or_none(aggregate_id)

    def pending_events(self) -> int:
        return sum(len(a.pending_events) for a in self.pending.values())

    def flush(self) -> int:
        """Save everything kept so far in one transaction; returns the number of events."""
        count = self.pending_events()
        if self.pending:
            self._flushing = True
            try:
                PostLedger._save(self, *self.pending.values())
            finally:
                self._flushing = False
        self.pending.clear()
        return count


def _dated(name: str, day_argument: str) -> Callable[..., Any]:
    command = getattr(PostLedger, name)

    def run(self: BufferedLedger, *args: Any, **kwargs: Any) -> Any:
        with self.recording_on(kwargs.get(day_argument)):
            return command(self, *args, **kwargs)

    run.__name__ = name
    run.__doc__ = command.__doc__
    return run


for _name, _argument in DATED_COMMANDS.items():
    setattr(BufferedLedger, _name, _dated(_name, _argument))
