"""Sign-in: ``Authorization: Bearer <token>`` (API.md, Conventions and "Production mode").

Production mode takes JWTs only, verified with PyJWT against the configured HS256 secret or the
identity provider's keys (JWKS file or URL, RS256/ES256); ``sub``, ``role``, ``jurisdiction``
and ``exp`` are required, ``iss`` and ``aud`` when configured. Demo mode also takes development
tokens ``dev:<role>:<jurisdiction>:<name>``, e.g. ``dev:township:520524/chengguan:wang``.
Either way the jurisdiction is whole segments of region codes and ASCII names: a wildcard or an
empty segment is refused here, so no pattern ever reaches a query (API.md v1.1, Input).
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from fastapi.security import HTTPBearer

from postledger.domain.actor import ROLES, Actor
from postledger.domain.errors import PostLedgerError
from postledger.infrastructure.keys import SecuritySettings

SIGNING_ROLES = tuple(role for role in ROLES if role != "system")
SEGMENT = re.compile(r"[a-z0-9_-]*[a-z0-9][a-z0-9_-]*")
ASYMMETRIC = ["RS256", "ES256"]
REQUIRED_CLAIMS = ["sub", "role", "jurisdiction", "exp"]

# Declares the scheme in the OpenAPI document; the header itself is read by
# ``actor_from_authorization`` so that every refusal is the same problem+json 401.
BEARER = HTTPBearer(
    auto_error=False, bearerFormat="JWT",
    description="A JWT (production) or, in demo mode, dev:<role>:<jurisdiction>:<name>",
)


class Unauthenticated(PostLedgerError):
    """No usable credentials (401)."""


def actor_from_authorization(
    header: str | None, *, mode: str, security: SecuritySettings | None = None
) -> Actor:
    if not header or not header.lower().startswith("bearer "):
        raise Unauthenticated("send Authorization: Bearer <token>")
    token = header[7:].strip()
    if token.startswith("dev:"):
        if mode != "demo":
            raise Unauthenticated("development tokens are refused in production mode")
        return _development_actor(token)
    if security is None or not security.has_token_configuration:
        raise Unauthenticated("this server accepts no signed tokens: no token configuration")
    return verifier_for(security).actor(token)


def _development_actor(token: str) -> Actor:
    parts = token.split(":")
    if len(parts) != 4:
        raise Unauthenticated("a development token is dev:<role>:<jurisdiction>:<name>")
    _, role, jurisdiction, name = parts
    return checked_actor(role, jurisdiction, name)


def checked_actor(role: object, jurisdiction: object, name: object) -> Actor:
    """The actor a token names, or 401: a known role, a name and a well-formed jurisdiction."""
    if not isinstance(role, str) or role not in SIGNING_ROLES:
        raise Unauthenticated(f"unknown role {role!r}")
    if not isinstance(name, str) or not name.strip():
        raise Unauthenticated("a token names its user")
    if not isinstance(jurisdiction, str):
        raise Unauthenticated("a token's jurisdiction is a path county[/township[/village]]")
    check_jurisdiction(jurisdiction, role)
    return Actor(role=role, jurisdiction=jurisdiction, name=name.strip())


def check_jurisdiction(jurisdiction: str, role: str) -> None:
    """Whole segments ``[a-z0-9_-]+`` (not ``_`` or ``-`` alone); only an admin may have none
    (the whole country)."""
    if jurisdiction == "" and role == "admin":
        return
    if not jurisdiction:
        raise Unauthenticated("a token names its jurisdiction")
    for segment in jurisdiction.split("/"):
        if not SEGMENT.fullmatch(segment):
            raise Unauthenticated(
                f"jurisdiction {jurisdiction!r}: each segment is a region code or an ASCII name "
                "[a-z0-9_-]; wildcards and empty segments are refused")


class TokenVerifier:
    """Verifies signed tokens against one configuration; JWKS keys are fetched once, then
    refetched when a token names a key id not yet seen (the provider rotated its keys)."""

    def __init__(self, security: SecuritySettings) -> None:
        self.security = security
        self._jwks_client = jwt.PyJWKClient(security.jwks_url) if security.jwks_url else None
        self._jwks_file: jwt.PyJWKSet | None = None
        if security.jwks_file:
            self._jwks_file = jwt.PyJWKSet.from_json(
                Path(security.jwks_file).read_text(encoding="utf-8"))

    def actor(self, token: str) -> Actor:
        claims = self.claims(token)
        return checked_actor(claims.get("role"), claims.get("jurisdiction"), claims.get("sub"))

    def claims(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
            key, algorithms = self._key_for(header)
            required = list(REQUIRED_CLAIMS)
            if self.security.jwt_issuer:
                required.append("iss")
            if self.security.jwt_audience:
                required.append("aud")
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=algorithms,
                issuer=self.security.jwt_issuer, audience=self.security.jwt_audience,
                options={"require": required, "verify_aud": bool(self.security.jwt_audience)},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the token has expired; sign in again") from None
        except jwt.MissingRequiredClaimError as missing:
            raise Unauthenticated(f"the token lacks the claim {missing.claim!r}") from None
        except (jwt.InvalidTokenError, jwt.PyJWKClientError) as refused:
            raise Unauthenticated(f"the token is refused: {refused}") from None
        return claims

    def _key_for(self, header: dict[str, Any]) -> tuple[Any, list[str]]:
        algorithm = header.get("alg")
        if algorithm == "HS256" and self.security.jwt_secret:
            return self.security.jwt_secret.encode("utf-8"), ["HS256"]
        if algorithm in ASYMMETRIC:
            kid = header.get("kid")
            if self._jwks_file is not None:
                return _from_set(self._jwks_file, kid).key, ASYMMETRIC
            if self._jwks_client is not None:
                signing = (self._jwks_client.get_signing_key(kid) if kid
                           else self._jwks_client.get_signing_keys()[0])
                return signing.key, ASYMMETRIC
        raise jwt.InvalidAlgorithmError(f"algorithm {algorithm!r} is not accepted here")


def _from_set(keys: jwt.PyJWKSet, kid: object) -> jwt.PyJWK:
    if kid is None and len(keys.keys) == 1:
        return keys.keys[0]
    for key in keys.keys:
        if key.key_id == kid:
            return key
    raise jwt.InvalidTokenError(f"no key {kid!r} in POSTLEDGER_JWKS_FILE")


_verifiers: dict[SecuritySettings, TokenVerifier] = {}
_verifiers_lock = threading.Lock()


def verifier_for(security: SecuritySettings) -> TokenVerifier:
    with _verifiers_lock:
        found = _verifiers.get(security)
        if found is None:
            found = _verifiers[security] = TokenVerifier(security)
        return found


def issue_token(
    security: SecuritySettings, *, role: str, jurisdiction: str, name: str, days: float = 1,
    now: datetime | None = None,
) -> str:
    """An HS256 token signed with ``POSTLEDGER_JWT_SECRET`` (``postledger token issue``)."""
    if not security.jwt_secret:
        raise Unauthenticated("POSTLEDGER_JWT_SECRET is not set: no token can be signed")
    checked_actor(role, jurisdiction, name)
    issued = now or datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": name, "role": role, "jurisdiction": jurisdiction,
        "iat": issued, "exp": issued + timedelta(days=days),
    }
    if security.jwt_issuer:
        claims["iss"] = security.jwt_issuer
    if security.jwt_audience:
        claims["aud"] = security.jwt_audience
    return jwt.encode(claims, security.jwt_secret.encode("utf-8"), algorithm="HS256")

