"""A real ``postledger serve`` killed with SIGKILL in the middle of a keyed request: after a
restart the retry with the same ``Idempotency-Key`` proceeds (API.md v1.1), on both stores.
The served access log holds no full resident id."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
from sqlalchemy import select

from postledger.infrastructure.engine import open_engine
from postledger.infrastructure.idempotency import idempotency_keys
from postledger.infrastructure.settings import Settings
from tests.e2e.test_placements_api import CLERK, COUNTY
from tests.integration.test_store_limits import events_table_held
from tests.scenario import person


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(settings: Settings, log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    env = {**os.environ, "POSTLEDGER_DATABASE_URL": settings.database_url,
           "POSTLEDGER_MODE": "demo", "POSTLEDGER_IDEMPOTENCY_INFLIGHT_SECONDS": "1",
           "POSTLEDGER_LOCK_TIMEOUT": "60"}
    with log.open("ab") as out:
        server = subprocess.Popen(
            [sys.executable, "-c", "import sys; from postledger.api.cli import main; "
             f"sys.exit(main(['serve', '--port', '{port}']))"],
            env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base, server
    finally:
        if server.poll() is None:
            server.terminate()
        server.wait(timeout=30)


def in_flight(settings: Settings) -> bool:
    engine = open_engine(settings)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(idempotency_keys.c.status)).all()
        return any(status is None for (status,) in rows)
    finally:
        engine.dispose()


def test_a_key_in_flight_when_the_server_is_killed_is_released_for_the_retry(
    settings: Settings, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    applicant = person(4)
    keyed = {**CLERK, "Idempotency-Key": "apply-after-crash"}
    with serving(settings, log) as (base, server):
        post = httpx.post(f"{base}/posts", headers=COUNTY, json={
            "county": "520524", "township": "chengguan", "village": "dongmen",
            "department": "交通局", "kind": "road", "title": "护路员", "headcount": 2,
            "full_time": False}).json()["id"]
        httpx.post(f"{base}/posts/{post}/notice", headers=COUNTY, json={
            "date": "2024-01-01", "closes_on": "2024-01-10", "conditions": "脱贫劳动力",
            "duties": "道路养护"}).raise_for_status()
        body = {"post_id": post, "date": "2024-01-05", "applicant": applicant}

        def apply() -> None:
            with suppress(httpx.HTTPError):  # the server dies under it
                httpx.post(f"{base}/placements", headers=keyed, json=body, timeout=120)

        with events_table_held(settings):  # the command waits on the store ...
            request = threading.Thread(target=apply)
            request.start()
            while not in_flight(settings):  # ... with its key claimed
                time.sleep(0.05)
            os.kill(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        request.join(timeout=60)
    assert in_flight(settings)  # the crash left the key claimed

    with serving(settings, log) as (base, _):
        time.sleep(1.5)  # POSTLEDGER_IDEMPOTENCY_INFLIGHT_SECONDS=1 for this test (default 60)
        retried = httpx.post(f"{base}/placements", headers=keyed, json=body, timeout=60)
        assert retried.status_code == 201, retried.text
        replayed = httpx.post(f"{base}/placements", headers=keyed, json=body, timeout=60)
        assert (replayed.status_code, replayed.headers.get("Idempotent-Replayed")) == (201, "true")
        assert replayed.json() == retried.json()
        listed = httpx.get(f"{base}/placements", params={"person": applicant["resident_id"]},
                           headers=COUNTY, timeout=60)
        assert [p["id"] for p in listed.json()] == [retried.json()["id"]]
    served_log = log.read_text()
    assert "GET /placements?person=" in served_log
    assert applicant["resident_id"] not in served_log
    assert "Traceback" not in served_log
