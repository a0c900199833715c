"""The tamper check (R-FRAUD-8, API.md v1.1 "Audit"): recompute every stream's hash chain and
compare its newest event with the head anchored outside the events table (chain_anchor.py).

A broken link is reported at the event it points to:
- ``missing``: a version absent from the stream (deleted), or deleted after the anchored head;
- ``changed``: an event whose content no longer hashes to what its successor recorded (or, for
  the newest, to the anchored digest);
- ``inserted``: an event its successor skips over, or one beyond the anchored head;
- ``head_mismatch``: a stream without an anchored head, or a head whose HMAC is not genuine.

A store written before heads existed has none: ``adopt_chain_heads`` (``postledger audit
adopt-chain-heads``, admin only) anchors the newest event of each stream without a head, once
its chain is intact, and refuses the streams whose chain is not. It certifies the history as it
is found: a change made before adoption to a stream's newest event cannot be told apart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.utils import TopicError

from postledger.domain.actor import Actor, acting
from postledger.domain.errors import Forbidden
from postledger.infrastructure.chain_anchor import (
    ChainHead,
    adopted_head,
    head_is_genuine,
    stored_digest,
)

log = logging.getLogger("postledger.audit")

PAGE = 1000


@dataclass(frozen=True)
class BrokenLink:
    stream_id: str
    version: int
    problem: str
    topic: str = ""
    county: str | None = None  # of the stream's first event, where it names one


@dataclass
class VerifyReport:
    checked_streams: int = 0
    checked_events: int = 0
    broken: list[BrokenLink] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.broken


@dataclass
class _Stored:
    version: int
    topic: str
    digest: str
    hash: str | None  # None: the row no longer decodes
    previous_hash: str | None
    county: str | None


def verify_chains(app: Any, county: str | None = None,
                  progress: Callable[[int], None] | None = None) -> VerifyReport:
    streams = _read_streams(app, progress)
    # Heads are keyed by the hex form of the stream's UUID; reports use its usual form.
    heads = {_usual(h.stream_id): h for h in app.recorder.select_heads()}
    report = VerifyReport()
    for stream_id, events in sorted(streams.items()):
        events.sort(key=lambda e: e.version)
        if county is not None and events[0].county != county:
            continue
        report.checked_streams += 1
        report.checked_events += len(events)
        links = _chain_links(stream_id, events)
        links += _head_links(app.recorder.chain_key, stream_id, events, heads.get(stream_id),
                             links)
        report.broken += [replace(b, county=events[0].county) for b in links]
    for stream_id in sorted(set(heads) - set(streams)):  # every event of a stream deleted
        report.broken += [BrokenLink(stream_id, v, "missing")
                          for v in range(1, heads[stream_id].version + 1)]
    return report


def _read_streams(app: Any, progress: Callable[[int], None] | None) -> dict[str, list[_Stored]]:
    streams: dict[str, list[_Stored]] = {}
    start, done = 1, 0
    while True:
        notes = app.recorder.select_notifications(start=start, limit=PAGE)
        if not notes:
            return streams
        for note in notes:
            stream_id = str(note.originator_id)
            streams.setdefault(stream_id, []).append(_stored(app, note))
        start = notes[-1].id + 1
        done += len(notes)
        if progress is not None:
            progress(done)


def _usual(stream_id: str) -> str:
    try:
        return str(UUID(stream_id))
    except ValueError:
        return stream_id


def _stored(app: Any, note: Any) -> _Stored:
    digest = stored_digest(note.topic, note.state)
    try:
        event = app.mapper.to_domain_event(note)
    except (ValueError, KeyError, TypeError, TopicError):  # the row no longer decodes
        return _Stored(note.originator_version, note.topic, digest, None, None, None)
    return _Stored(
        version=note.originator_version, topic=note.topic, digest=digest,
        hash=getattr(event, "hash", None), previous_hash=getattr(event, "previous_hash", None),
        county=getattr(event, "county", None),
    )


def _chain_links(stream_id: str, events: list[_Stored]) -> list[BrokenLink]:
    broken: list[BrokenLink] = []
    expected = 1
    for index, event in enumerate(events):
        gap = event.version > expected
        broken += [BrokenLink(stream_id, v, "missing", event.topic)
                   for v in range(expected, event.version)]
        expected = event.version + 1
        if event.hash is None:
            broken.append(BrokenLink(stream_id, event.version, "changed", event.topic))
            continue
        if gap or event.previous_hash is None:
            continue
        before = events[index - 1] if index else None
        wanted = before.hash if before is not None else ""
        if event.previous_hash == wanted or before is None or before.hash is None:
            if before is None and event.previous_hash != "":
                broken.append(BrokenLink(stream_id, event.version, "changed", event.topic))
            continue
        two_before = events[index - 2] if index >= 2 else None
        skipped = (two_before.hash if two_before is not None else "") == event.previous_hash
        broken.append(BrokenLink(stream_id, before.version,
                                 "inserted" if skipped else "changed", before.topic))
    return broken


def _head_links(key: bytes, stream_id: str, events: list[_Stored], head: ChainHead | None,
                found: list[BrokenLink]) -> list[BrokenLink]:
    newest = events[-1]
    if head is None or not head_is_genuine(key, head):
        return [BrokenLink(stream_id, newest.version, "head_mismatch", newest.topic)]
    if newest.version == head.version:
        if newest.digest != head.digest:
            return [BrokenLink(stream_id, newest.version, "changed", newest.topic)]
        return []
    if newest.digest == head.digest:
        # The anchored event is there under another version: something was inserted or
        # deleted before it, which the chain reports; if it does not, the head is at fault.
        mine = [b for b in found if b.stream_id == stream_id]
        return [] if mine else [BrokenLink(stream_id, newest.version, "head_mismatch",
                                           newest.topic)]
    if newest.version > head.version:
        return [BrokenLink(stream_id, e.version, "inserted", e.topic)
                for e in events if e.version > head.version]
    return [BrokenLink(stream_id, v, "missing", newest.topic)
            for v in range(newest.version + 1, head.version + 1)]


@dataclass
class Adoption:
    adopted: list[str] = field(default_factory=list)  # streams given a head
    refused: list[BrokenLink] = field(default_factory=list)  # their chain is broken
    anchored: int = 0  # streams that had a head already

    @property
    def ok(self) -> bool:
        return not self.refused


def adopt_chain_heads(app: Any, actor: Actor | None = None,
                      progress: Callable[[int], None] | None = None) -> Adoption:
    """Anchor a head for every stream that has none and whose hash chain is intact (R-FRAUD-8);
    refuse, and report, every stream whose chain is broken. Admin only; logged, and each head
    adopted is recorded with when and by whom (chain_head_adoptions)."""
    who = actor or acting()
    if who.role != "admin":
        raise Forbidden(f"role {who.role} may not adopt chain heads (R-FRAUD-8): admin only",
                        rule="R-FRAUD-8")
    key = app.recorder.require_key()
    heads = {_usual(h.stream_id) for h in app.recorder.select_heads()}
    report = Adoption()
    rows = []
    for stream_id, events in sorted(_read_streams(app, progress).items()):
        if stream_id in heads:
            report.anchored += 1
            continue
        events.sort(key=lambda e: e.version)
        links = _chain_links(stream_id, events)
        if links:
            report.refused += [replace(b, county=events[0].county) for b in links]
            continue
        newest = events[-1]
        rows.append(adopted_head(key, _hex(stream_id), newest.version, newest.digest))
    at = datetime.now(UTC).isoformat()
    report.adopted = [_usual(s) for s in app.recorder.adopt_heads(rows, at, who.name)]
    log.warning("chain heads adopted by %s (%s %s): %d streams adopted, %d refused with a broken "
                "chain (%s), %d anchored already (R-FRAUD-8)", who.name, who.role,
                who.jurisdiction or "-", len(report.adopted),
                len({b.stream_id for b in report.refused}),
                ", ".join(sorted({b.stream_id for b in report.refused})) or "none",
                report.anchored)
    return report


def _hex(stream_id: str) -> str:
    """Heads are keyed by the hex form of the stream's UUID (chain_anchor.py)."""
    try:
        return UUID(stream_id).hex
    except ValueError:
        return stream_id
