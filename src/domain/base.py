"""The base of every aggregate: events carry actor, effective date and a hash chain.

Each stored event carries ``previous_hash``, the SHA-256 of the event before it in the same
stream ("" for the first). Changing, removing or inserting a stored event therefore breaks the
chain, which the tamper check (R-FRAUD-8) recomputes from the store.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from postledger.domain.actor import actor_dict


def _canonical(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot hash value of type {type(value).__name__}")


def event_hash(topic: str, state: dict[str, Any]) -> str:
    """SHA-256 over the event's topic and its whole stored state, in canonical JSON."""
    payload = json.dumps(
        {"topic": topic, "state": state},
        default=_canonical,
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class LedgerAggregate(Aggregate):
    """Aggregate whose events record who acted and chain to the event before them."""

    # The newest event applied; no annotation: it would become an __init__ field. Its hash is
    # computed only when the next event needs it, not for every event of a replay.
    last_event = None

    class Event(Aggregate.Event):
        actor: dict[str, str] = field(default_factory=actor_dict, init=False)
        previous_hash: str = field(default="", kw_only=True)

        def mutate(self, aggregate: Any) -> Any:
            result = super().mutate(aggregate)
            if result is not None:
                result.last_event = self
            return result

        @property
        def hash(self) -> str:
            return event_hash(type(self).TOPIC, vars(self))  # type: ignore[attr-defined]

    @property
    def last_event_hash(self) -> str:
        return "" if self.last_event is None else str(self.last_event.hash)

    def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None:
        kwargs["previous_hash"] = self.last_event_hash
        super().trigger_event(event_class, **kwargs)
