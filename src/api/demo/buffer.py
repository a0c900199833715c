"""Commands run in memory, saved in batches: the demo loads thousands of steps in seconds.

``BufferedLedger`` is the application service itself (every command, check and index aggregate
as ``PostLedger`` has them); only ``_save`` keeps what a command touched in memory and ``_get``
finds it there, until ``flush`` saves it through ``PostLedger._save`` — one atomic ``save`` per
batch. It opens its own connection to the same store (``env`` of the ledger it stands for).
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from postledger.infrastructure.clock import BusinessClock
from postledger.workflows.application import PostLedger

A = TypeVar("A", bound=Aggregate)


class BufferedLedger(PostLedger):
    name = PostLedger.name  # the same tables as the ledger it stands for
    def __init__(self, env: Any, clock: BusinessClock) -> None:
        super().__init__(env=env, clock=clock)
        self.pending: dict[UUID, Aggregate] = {}

    @classmethod
    def beside(cls, ledger: PostLedger, today: date) -> BufferedLedger:
        """Standing for ``ledger``, on a clock that reads ``today`` (the demo's own day)."""
        return cls(env=dict(ledger.env), clock=BusinessClock.fixed(today))

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
            PostLedger._save(self, *self.pending.values())
        self.pending.clear()
        return count
