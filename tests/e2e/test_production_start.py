"""Production mode from the command line, as README's security section tells a county to start
it: generated keys, a token issued by the CLI, a real server process on a free port."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from postledger.api.main import create_app
from postledger.infrastructure.keys import ConfigurationError
from postledger.infrastructure.settings import Settings
from tests.faults import POSTLEDGER, free_port


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([POSTLEDGER, *args], env=env, capture_output=True, text=True,
                          timeout=60, check=False)


def generated_keys() -> dict[str, str]:
    printed = run(["keys", "generate"], dict(os.environ))
    assert printed.returncode == 0, printed.stderr
    keys = dict(line.split("=", 1) for line in printed.stdout.split())
    assert set(keys) == {"POSTLEDGER_DATA_KEY", "POSTLEDGER_CHAIN_KEY", "POSTLEDGER_INDEX_KEY",
                         "POSTLEDGER_JWT_SECRET"}
    return keys


@pytest.fixture
def production_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTLEDGER_")}
    env.update(POSTLEDGER_DATABASE_URL=settings.database_url, POSTLEDGER_MODE="production")
    return env


@pytest.mark.parametrize("missing", ["POSTLEDGER_DATA_KEY", "POSTLEDGER_CHAIN_KEY",
                                     "POSTLEDGER_JWT_SECRET"])
def test_production_refuses_to_start_naming_what_is_missing(
    production_env: dict[str, str], missing: str
) -> None:
    env = {**production_env, **generated_keys()}
    del env[missing]
    if missing != "POSTLEDGER_JWT_SECRET":
        del env["POSTLEDGER_INDEX_KEY"]
    refused = run(["serve", "--port", "0"], env)
    assert refused.returncode != 0
    assert missing in refused.stderr


def test_a_malformed_key_is_refused_by_name(production_env: dict[str, str]) -> None:
    env = {**production_env, **generated_keys(), "POSTLEDGER_DATA_KEY": "c2hvcnQ="}
    refused = run(["scheduler", "run", "--as-of", "2024-01-01"], env)
    assert refused.returncode != 0
    assert "POSTLEDGER_DATA_KEY must be base64 of 32 bytes" in refused.stderr


@pytest.fixture
def production_server(production_env: dict[str, str]) -> Iterator[tuple[str, dict[str, str]]]:
    env = {**production_env, **generated_keys()}
    port = free_port()
    server = subprocess.Popen([POSTLEDGER, "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{base}/health", timeout=1)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                time.sleep(0.1)
        yield base, env
    finally:
        server.kill()
        server.wait(timeout=30)


def test_production_starts_with_generated_keys_and_an_issued_token(
    production_server: tuple[str, dict[str, str]]
) -> None:
    base, env = production_server
    issued = run(["token", "issue", "--role", "county", "--jurisdiction", "520524",
                  "--name", "li", "--days", "1"], env)
    assert issued.returncode == 0, issued.stderr
    county = {"Authorization": f"Bearer {issued.stdout.strip()}"}
    created = httpx.post(f"{base}/posts", headers=county, timeout=30, json={
        "county": "520524", "township": "chengguan", "department": "交通局", "kind": "road",
        "title": "护路员", "headcount": 1, "full_time": False})
    assert created.status_code == 201, created.text
    assert httpx.get(f"{base}/posts", headers=county, timeout=30).status_code == 200
    development = {"Authorization": "Bearer dev:county:520524:li"}
    assert httpx.get(f"{base}/posts", headers=development, timeout=30).status_code == 401


def test_token_issue_refuses_a_wildcard_jurisdiction(production_env: dict[str, str]) -> None:
    env = {**production_env, **generated_keys()}
    refused = run(["token", "issue", "--role", "admin", "--jurisdiction", "*", "--name", "x"], env)
    assert refused.returncode != 0
    assert "wildcards" in refused.stderr


def test_an_app_opening_its_own_store_in_production_refuses_to_be_built_without_keys(
    tmp_path: Path,
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/x.db", mode="production")
    with pytest.raises(ConfigurationError, match="POSTLEDGER_DATA_KEY"):
        create_app(settings)
