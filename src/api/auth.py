"""Sign-in: ``Authorization: Bearer <token>``.

In demo mode (the embedded default) development tokens ``dev:<role>:<jurisdiction>:<name>`` are
accepted, e.g. ``dev:township:520524/chengguan:wang``. Production mode refuses them; real
sign-in (JWT) is on the road ahead, so production currently accepts no token at all.
"""

from __future__ import annotations

from postledger.domain.actor import ROLES, Actor
from postledger.domain.errors import PostLedgerError


class Unauthenticated(PostLedgerError):
    """No usable credentials (401)."""


def actor_from_authorization(header: str | None, *, mode: str) -> Actor:
    if not header or not header.lower().startswith("bearer "):
        raise Unauthenticated("send Authorization: Bearer <token>")
    token = header[7:].strip()
    if not token.startswith("dev:"):
        raise Unauthenticated("unknown token")
    if mode != "demo":
        raise Unauthenticated("development tokens are refused in production mode")
    parts = token.split(":")
    if len(parts) != 4:
        raise Unauthenticated("a development token is dev:<role>:<jurisdiction>:<name>")
    _, role, jurisdiction, name = parts
    if role not in ROLES or role == "system":
        raise Unauthenticated(f"unknown role {role!r}")
    if not name.strip():
        raise Unauthenticated("a development token names its user")
    if not jurisdiction.strip() and role != "admin":
        raise Unauthenticated("a development token names its jurisdiction")
    return Actor(role=role, jurisdiction=jurisdiction.strip("/"), name=name)
