"""Who keeps the read models caught up while the service runs (``postledger serve
--follower``): a thread of the server, a process of its own, or nobody here.

Every read of a list, a ledger or the findings catches up first, so what a request reads never
depends on the follower; the follower keeps lists current when nobody reads and settles the
findings. Folding runs in Python: a thread of the server takes the interpreter from the
requests (a profile of a real server put as many samples in the follower as in the requests),
so ``postledger serve`` runs it as a child process by default — ``postledger projections
follow``, the same command an operator can run beside servers started with ``--follower off``.
Two followers are safe: they queue on the read models' tracking rows (src/projections/follower.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from typing import Any, Protocol

from postledger.api.deps import Services
from postledger.infrastructure.settings import Settings
from postledger.projections.readmodel import CatchUpLoop

FOLLOWERS = ("process", "thread", "off")
EVERY_SECONDS = 2.0


class Following(Protocol):
    def stop(self) -> None: ...


class FollowerProcess:
    """``postledger projections follow`` as a child of this process, with this process's store
    and mode; it ends with its parent, even one killed outright."""

    def __init__(self, settings: Settings) -> None:
        env = {**os.environ, "POSTLEDGER_DATABASE_URL": settings.database_url,
               "POSTLEDGER_MODE": settings.mode}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "postledger.api.cli", "projections", "follow",
             "--parent", str(os.getpid())], env=env)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_following(kind: str, services: Services) -> Following | None:
    if kind == "process":
        return FollowerProcess(services.settings)
    if kind == "thread":
        loop = CatchUpLoop(services.read_model, services.ledger, EVERY_SECONDS)
        loop.start()
        return loop
    if kind == "off":
        return None
    raise ValueError(f"--follower must be one of {', '.join(FOLLOWERS)}, got {kind!r}")


def follow(services: Services, every: float, parent: int | None) -> int:
    """Catch up now, then every ``every`` seconds, until SIGTERM or SIGINT — or until the
    parent process named is gone (a follower never outlives the server that started it)."""
    stopping = threading.Event()

    def stop(*_: Any) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    loop = CatchUpLoop(services.read_model, services.ledger, every)
    loop.start()
    try:
        while not stopping.wait(0.5):
            if parent is not None and os.getppid() != parent:  # the server is gone
                break
    finally:
        loop.stop()
    return 0
