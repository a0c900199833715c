"""eventsourcing's repository with its aggregate cache made safe for concurrent requests.

The library fast-forwards a cached aggregate in place under a per-aggregate lock, but copies it
for the caller after releasing that lock, so a request could copy an aggregate while another
request's fast-forward was changing it: a half-applied copy, or "dictionary changed size during
iteration". Here the whole read of one aggregate from the cache (look-up, fast-forward, copy)
holds one lock per aggregate; reads of different aggregates still run side by side.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from eventsourcing.application import Repository

STRIPES = 64  # locks shared by aggregate id: bounded memory, rare false sharing


def project_events(aggregate: Any, domain_events: Iterable[Any]) -> Any:
    """The library's ``project_aggregate`` without its per-event ``isinstance`` check against a
    runtime protocol, which took a sixth of a placement's replay."""
    for domain_event in domain_events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate


class SerialCacheRepository(Repository[UUID]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stripes = [threading.Lock() for _ in range(STRIPES)]

    def lock_for(self, aggregate_id: UUID) -> threading.Lock:
        return self._stripes[hash(aggregate_id) % STRIPES]

    def get(self, aggregate_id: UUID, **kwargs: Any) -> Any:
        kwargs.setdefault("projector_func", project_events)
        if self.cache is None or kwargs.get("version") is not None:
            return super().get(aggregate_id, **kwargs)
        with self.lock_for(aggregate_id):
            return super().get(aggregate_id, **kwargs)


def serial_cache_repository(template: Repository[UUID]) -> SerialCacheRepository:
    """The same repository as the library built from the environment, made serial per id."""
    return SerialCacheRepository(
        event_store=template.event_store,
        snapshot_store=template.snapshot_store,
        cache_maxsize=_maxsize(template),
        fastforward=template.fastforward,
        fastforward_skipping=template.fastforward_skipping,
        deepcopy_from_cache=template.deepcopy_from_cache,
    )


def _maxsize(template: Repository[UUID]) -> int | None:
    if template.cache is None:
        return None
    return int(getattr(template.cache, "maxsize", 0))
