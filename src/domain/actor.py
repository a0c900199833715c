"""Who takes a step. Set once per request (or CLI run) and stamped on every event.

Fail closed: there is no default actor. A command that reaches the domain with nobody set
(a route without its check, a script that forgot ``acting_as``) is refused with ``NoActor``
instead of running in someone's name.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

from postledger.domain.errors import Forbidden

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


class NoActor(Forbidden):
    """A command with no actor set: refused, never run as anyone (403)."""


current_actor: ContextVar[Actor] = ContextVar("current_actor")


def acting() -> Actor:
    """The actor of this request or run; ``NoActor`` when none was set."""
    try:
        return current_actor.get()
    except LookupError:
        raise NoActor("no actor is set for this command; it is refused (fail closed)") from None


def actor_dict() -> dict[str, str]:
    return acting().as_dict()


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = current_actor.set(actor)
    try:
        yield actor
    finally:
        current_actor.reset(token)
