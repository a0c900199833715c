"""``postledger projections rebuild [--jobs N]``: every read model rebuilt from the event log,
in several processes when the store lets them work side by side.

Folding runs in Python, one interpreter a process; read models share nothing but the event log
they read, so groups of them rebuild in processes of their own, each its tables and its tracking
rows (src/projections/follower.py). On PostgreSQL the groups write side by side. SQLite holds
the read models in one file whose writer takes the lock for a whole batch, so groups there
would take turns: one process does the work by default.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, wait
from multiprocessing import get_context
from typing import Any

from postledger.api.deps import Services
from postledger.infrastructure.settings import Settings
from postledger.projections.follower import ReadModelTables


def default_jobs(settings: Settings) -> int:
    return 1 if settings.store == "sqlite" else max(1, min(os.cpu_count() or 1, 4))


def rebuild_groups(models: Sequence[ReadModelTables], jobs: int) -> list[list[str]]:
    """The read models in at most ``jobs`` groups of about equal cost (the costliest first,
    each to the group with the least so far)."""
    groups: list[tuple[float, list[str]]] = [(0.0, []) for _ in range(max(1, jobs))]
    for model in sorted(models, key=lambda m: -m.rebuild_cost):
        cost, names = min(groups, key=lambda g: g[0])
        groups.remove((cost, names))
        groups.append((cost + model.rebuild_cost, [*names, model.name]))
    return [names for _, names in groups if names]


def rebuild(services: Services, jobs: int, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild every read model; returns how many events were read (by each process)."""
    read_model = services.read_model
    groups = rebuild_groups(read_model.follower.read_models, jobs)
    if len(groups) == 1:
        return read_model.rebuild(services.ledger, progress)
    context = get_context("spawn")
    done = context.Array("q", len(groups))  # events each process has folded so far
    with ProcessPoolExecutor(len(groups), mp_context=context, initializer=_share,
                             initargs=(done, os.getpid())) as pool:
        started = [pool.submit(rebuild_group, n, services.settings, names)
                   for n, names in enumerate(groups)]
        while wait(started, timeout=0.5).not_done:
            if progress is not None:
                progress(min(done[:]))
        return max(future.result() for future in started)


_done: Any = None  # in a child: the parent's array of progress


def _share(done: Any, parent: int) -> None:
    """A child's start: the parent's progress array, and a watch on the parent. A child whose
    rebuild command was killed outright ends at once: its open batch rolls back (rows and
    position are one transaction), and no orphan goes on writing beside the next rebuild."""
    global _done
    _done = done
    threading.Thread(target=_end_with, args=(parent,), name="parent-watch", daemon=True).start()


def _end_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def rebuild_group(n: int, settings: Settings, names: list[str]) -> int:
    """Process ``n``'s part: these read models, from the first event (run in a child)."""
    from postledger.api.main import open_services

    def folded(count: int) -> None:
        _done[n] = count

    services = open_services(settings)
    try:
        return services.read_model.rebuild(services.ledger, folded, only=names)
    finally:
        services.close()
