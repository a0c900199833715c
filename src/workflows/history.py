"""A stream's history as people read it: each event's step, business date, recorded time,
actor, its own data and its place in the hash chain (API.md "History")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import Aggregate, DomainEventProtocol

from postledger.domain.errors import NotFound
from postledger.domain.legacy_ledger import LegacyPlacement
from postledger.domain.placement import Placement
from postledger.infrastructure.repository import project_events
from postledger.workflows.permissions import authorize_read

# Fields every event has; what remains is the step's own data.
_ENVELOPE = frozenset(
    {"originator_id", "originator_version", "timestamp", "actor", "previous_hash",
     "originator_topic"}
)


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    type: str
    topic: str
    date: date | None
    recorded_at: datetime
    actor: dict[str, str]
    data: dict[str, Any]
    previous_hash: str
    hash: str


def history_entry(stored: DomainEventProtocol[UUID]) -> HistoryEntry:
    domain_event = cast(Aggregate.Event, stored)
    state = vars(domain_event)
    data = {k: v for k, v in state.items() if k not in _ENVELOPE}
    effective = data.pop("date", None)
    if effective is None:
        effective = data.get("effective_from")
    topic = str(type(domain_event).TOPIC)  # type: ignore[attr-defined]
    return HistoryEntry(
        version=domain_event.originator_version,
        type=type(domain_event).__name__,
        topic=topic,
        date=effective if isinstance(effective, date) else None,
        recorded_at=domain_event.timestamp,
        actor=dict(state.get("actor") or {}),
        data=data,
        previous_hash=str(state.get("previous_hash", "")),
        hash=domain_event.hash,  # type: ignore[attr-defined]
    )


@dataclass(frozen=True)
class SourcedHistoryEntry(HistoryEntry):
    """A history entry that says, for imported history, where it was read (API.md v1.1)."""

    source: dict[str, Any] | None = None


def placement_history(app: Any, subject_id: UUID) -> tuple[Any, list[SourcedHistoryEntry]]:
    """A placement's history, or an imported placement's, from one read of its stream: the
    placement is rebuilt from the same events for the jurisdiction check (404 when there is
    none, 403 outside the reader's jurisdiction) and returned beside its history."""
    events = list(app.events.get(subject_id))
    subject = project_events(None, events) if events else None
    if not isinstance(subject, Placement | LegacyPlacement):
        raise NotFound(f"no placement {subject_id}", zh=f"没有此安置：{subject_id}")
    authorize_read(subject.path)
    entries = [history_entry(stored) for stored in events]
    return subject, [SourcedHistoryEntry(**vars(entry), source=entry.data.get("source"))
                     for entry in entries]
