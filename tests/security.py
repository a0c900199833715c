"""Given-when-then helpers for the security tests: production settings with fresh keys, signed
tokens, and a production app on either store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from fastapi.testclient import TestClient

from postledger.api.main import create_app, open_services
from postledger.infrastructure.keys import SecuritySettings, new_key
from postledger.infrastructure.settings import Settings

SECRET = "a-small-site-secret-of-enough-length-0123456789"
ISSUER = "https://idp.zhijin.example"
AUDIENCE = "postledger"


def production_keys(**overrides: Any) -> SecuritySettings:
    return replace(SecuritySettings(data_key=new_key(), chain_key=new_key(), jwt_secret=SECRET,
                                    jwt_issuer=ISSUER, jwt_audience=AUDIENCE), **overrides)


def in_production(settings: Settings, security: SecuritySettings | None = None) -> Settings:
    return replace(settings, mode="production", security=security or production_keys())


def claims(role: str = "county", jurisdiction: str = "520524", name: str = "li",
           **overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    found: dict[str, Any] = {"sub": name, "role": role, "jurisdiction": jurisdiction,
                             "iss": ISSUER, "aud": AUDIENCE, "iat": now,
                             "exp": now + timedelta(hours=1)}
    found.update(overrides)
    return {k: v for k, v in found.items() if v is not None}


def signed(payload: dict[str, Any], key: Any = SECRET, algorithm: str = "HS256",
           headers: dict[str, Any] | None = None) -> dict[str, str]:
    """The Authorization header carrying ``payload`` signed with ``key``."""
    if isinstance(key, str):
        key = key.encode("utf-8")
    token = jwt.encode(payload, key, algorithm=algorithm, headers=headers)
    return {"Authorization": f"Bearer {token}"}


@contextmanager
def production_client(settings: Settings) -> Iterator[TestClient]:
    services = open_services(settings)
    try:
        with TestClient(create_app(services=services)) as client:
            yield client
    finally:
        services.close()
