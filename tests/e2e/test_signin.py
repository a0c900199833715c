"""Sign-in in production mode (API.md "Production mode"): JWTs verified with PyJWT, every
refusal a 401 problem+json; wildcard jurisdictions refused in any mode (API.md v1.1, Input)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from fastapi.testclient import TestClient

from postledger.infrastructure.settings import Settings
from tests.security import (
    SECRET,
    claims,
    in_production,
    production_client,
    production_keys,
    signed,
)


def unauthenticated(response: Any) -> str:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["www-authenticate"] == "Bearer"
    detail: str = response.json()["detail"]
    return detail


@pytest.fixture
def production(settings: Settings) -> Iterator[TestClient]:
    with production_client(in_production(settings)) as client:
        yield client


def test_a_signed_token_names_the_actor_of_every_event(production: TestClient) -> None:
    county = signed(claims("county", "520524", "li"))
    post = production.post("/posts", headers=county, json={
        "county": "520524", "township": "chengguan", "department": "交通局", "kind": "road",
        "title": "护路员", "headcount": 1, "full_time": False})
    assert post.status_code == 201, post.text
    history = production.get(f"/posts/{post.json()['id']}", headers=county)
    assert history.status_code == 200
    township = signed(claims("township", "520524/shuangyan", "sun"))
    assert production.get(f"/posts/{post.json()['id']}", headers=township).status_code == 403


@pytest.mark.parametrize("header, because", [
    (None, "send Authorization"),
    ({"Authorization": "Bearer dev:county:520524:li"}, "refused in production"),
    ("none", "algorithm"),
    ("wrong-signature", "Signature verification failed"),
    ("expired", "expired"),
    ("sub", "'sub'"), ("role", "'role'"), ("jurisdiction", "'jurisdiction'"), ("exp", "'exp'"),
    ("iss", "'iss'"), ("aud", "'aud'"),
    ("other-issuer", "issuer"), ("other-audience", "audience"),
    ("wildcard", "wildcards"), ("unknown-role", "unknown role"),
])
def test_every_bad_token_is_a_401_problem(production: TestClient, header: Any, because: str) -> None:
    if isinstance(header, str):
        header = bad_token(header)
    detail = unauthenticated(production.get("/posts", headers=header))
    assert because.lower() in detail.lower()


def bad_token(kind: str) -> dict[str, str]:
    if kind == "none":
        return {"Authorization": "Bearer " + jwt.encode(claims(), None, algorithm="none")}
    if kind == "wrong-signature":
        return signed(claims(), key="another-secret-that-is-long-enough-0123456789")
    if kind == "expired":
        return signed(claims(exp=datetime.now(UTC) - timedelta(minutes=5)))
    if kind == "other-issuer":
        return signed(claims(iss="https://evil.example"))
    if kind == "other-audience":
        return signed(claims(aud="another-service"))
    if kind == "wildcard":
        return signed(claims(jurisdiction="*"))
    if kind == "unknown-role":
        return signed(claims(role="system"))
    return signed(claims(**{kind: None}))  # one claim missing


@pytest.mark.parametrize("jurisdiction", ["*", "%", "_", "520524/_", "520524//x", "520524/",
                                          "", "520524/%25", "520524/ch*", "520524/Chengguan"])
def test_wildcard_and_empty_jurisdictions_are_refused_in_demo_mode(
    client: TestClient, jurisdiction: str
) -> None:
    header = {"Authorization": f"Bearer dev:township:{jurisdiction}:wang"}
    unauthenticated(client.get("/placements", headers=header))


@pytest.mark.parametrize("jurisdiction", ["*", "%", "_", "520524/-"])
def test_wildcard_jurisdictions_are_refused_in_signed_tokens(
    production: TestClient, jurisdiction: str
) -> None:
    unauthenticated(production.get("/placements",
                                   headers=signed(claims(jurisdiction=jurisdiction))))


def _jwk(public_key: Any, kid: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(jwt.algorithms.get_default_algorithms()[
        "RS256" if isinstance(public_key, rsa.RSAPublicKey) else "ES256"].to_jwk(public_key))
    found.update(kid=kid, use="sig")
    return found


def test_a_county_identity_provider_signs_with_rs256_from_a_jwks_file(
    settings: Settings, tmp_path: Path
) -> None:
    provider = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    intruder = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [_jwk(provider.public_key(), "k1")]}))
    security = production_keys(jwt_secret=None, jwks_file=str(jwks))
    with production_client(in_production(settings, security)) as client:
        good = signed(claims(), key=provider, algorithm="RS256", headers={"kid": "k1"})
        assert client.get("/posts", headers=good).status_code == 200
        forged = signed(claims(), key=intruder, algorithm="RS256", headers={"kid": "k1"})
        unauthenticated(client.get("/posts", headers=forged))
        # An HS256 token "signed" with the public key is the classic confusion attack.
        pem = provider.public_key().public_bytes(Encoding.PEM,
                                                 PublicFormat.SubjectPublicKeyInfo)
        confused = {"Authorization": "Bearer " + base64_hs256(claims(), pem)}
        unauthenticated(client.get("/posts", headers=confused))
        unauthenticated(client.get("/posts", headers=signed(claims(), key=SECRET)))


def base64_hs256(payload: dict[str, Any], key: bytes) -> str:
    """An HS256 token with a raw byte key (PyJWT refuses PEM keys for HMAC, as it should)."""
    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    body = {k: (int(v.timestamp()) if isinstance(v, datetime) else v) for k, v in payload.items()}
    signing_input = (part(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "."
                     + part(json.dumps(body).encode()))
    mac = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{part(mac)}"


@pytest.fixture
def jwks_server() -> Iterator[tuple[str, ec.EllipticCurvePrivateKey]]:
    """A county identity provider publishing one ES256 key on a free port."""
    key = ec.generate_private_key(ec.SECP256R1())
    document = json.dumps({"keys": [_jwk(key.public_key(), "es-1")]}).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *_: Any) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json", key
    finally:
        server.shutdown()
        server.server_close()


def test_a_county_identity_provider_signs_with_es256_from_a_jwks_url(
    settings: Settings, jwks_server: tuple[str, ec.EllipticCurvePrivateKey]
) -> None:
    url, key = jwks_server
    security = production_keys(jwt_secret=None, jwks_url=url)
    with production_client(in_production(settings, security)) as client:
        good = signed(claims("inspector", "520524", "audit"), key=key, algorithm="ES256",
                      headers={"kid": "es-1"})
        assert client.get("/placements", headers=good).status_code == 200
        other = ec.generate_private_key(ec.SECP256R1())
        forged = signed(claims(), key=other, algorithm="ES256", headers={"kid": "es-1"})
        unauthenticated(client.get("/placements", headers=forged))


def test_the_openapi_document_declares_the_bearer_scheme(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["HTTPBearer"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                                     "description": schemes["HTTPBearer"]["description"]}
    assert {"HTTPBearer": []} in document["paths"]["/placements"]["get"]["security"]
