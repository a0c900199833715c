"""Who takes a step. Set once per request (or CLI run) and stamped on every event."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

Role = Literal["clerk", "village", "township", "county", "inspector", "admin", "system"]
ROLES: tuple[str, ...] = ("clerk", "village", "township", "county", "inspector", "admin", "system")


@dataclass(frozen=True)
class Actor:
    role: str
    jurisdiction: str
    name: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "jurisdiction": self.jurisdiction, "name": self.name}

    def covers(self, path: str) -> bool:
        """True when ``path`` (county[/township[/village]]) lies inside this actor's jurisdiction."""
        mine = [p for p in self.jurisdiction.split("/") if p]
        theirs = [p for p in path.split("/") if p]
        return len(mine) <= len(theirs) and theirs[: len(mine)] == mine


SYSTEM = Actor(role="system", jurisdiction="", name="postledger")

current_actor: ContextVar[Actor] = ContextVar("current_actor", default=SYSTEM)


def actor_dict() -> dict[str, str]:
    return current_actor.get().as_dict()


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = current_actor.set(actor)
    try:
        yield actor
    finally:
        current_actor.reset(token)
