"""Helpers for the fault tests (tests/integration/test_faults.py) and ``make soak``: real
``postledger`` processes killed with SIGKILL, and checks that the store is whole afterwards."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy import select

from postledger.api.deps import Services
from postledger.domain.actor import acting_as
from postledger.domain.indexes import PersonIndex, person_index_id
from postledger.domain.placement import Placement
from postledger.domain.post import Post
from postledger.infrastructure.settings import Settings
from postledger.projections.readmodel import placements, posts
from tests.scenario import ADMIN

POSTLEDGER = str(Path(sys.executable).with_name("postledger"))
# Today or before (no step is dated in the future): every worker born in mid-1959 has passed
# the age limit by then, however the limit is read (RULES.md R-ELIG-1, R-EXIT-1).
AS_OF = date(2026, 11, 30)
BORN = date(1959, 6, 1)
KILLS = int(os.environ.get("POSTLEDGER_KILLS", "2"))


def process_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTLEDGER_")}
    env.update(POSTLEDGER_DATABASE_URL=settings.database_url, POSTLEDGER_MODE=settings.mode,
               **extra)
    return env


def kill_at_progress(command: list[str], env: dict[str, str], at: int) -> int | None:
    """Run a CLI command and SIGKILL it once its progress line reaches ``at``; the last
    progress it showed (None when it finished or died first)."""
    process = subprocess.Popen([POSTLEDGER, *command], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, bufsize=0)
    assert process.stderr is not None
    seen = b""
    try:
        while process.poll() is None:
            chunk = process.stderr.read(64)
            if not chunk:
                break
            seen = (seen + chunk)[-200:]
            done = [int(n) for n in re.findall(rb"(\d+)/\d+ active", seen)]
            if done and done[-1] >= at:
                process.send_signal(signal.SIGKILL)
                return done[-1]
        return None
    finally:
        process.kill()
        process.wait(timeout=60)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    """``postledger serve`` on a free port, killed with SIGKILL by the test."""

    def __init__(self, settings: Settings, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [POSTLEDGER, "serve", "--port", str(self.port)], env=process_env(settings, **env),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(600):
            try:
                httpx.get(f"{self.url}/health", timeout=1)
                return
            except httpx.TransportError:
                assert self.process.poll() is None, "postledger serve did not start"
                time.sleep(0.05)
        raise AssertionError("postledger serve did not answer within 30 s")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=60)


def assert_whole(services: Services, placement_ids: list[UUID]) -> dict[str, int]:
    """Every placement is either still active and holding its seat and its person, or ended
    exactly once and holding neither: a save is all or nothing. Returns the states counted."""
    ledger = services.ledger
    counted: dict[str, int] = {}
    with acting_as(ADMIN):
        for pid in placement_ids:
            placement = ledger.get_placement(pid)
            assert isinstance(placement, Placement)
            post = ledger.repository.get(placement.post_id)
            assert isinstance(post, Post)
            index = ledger.repository.get(
                person_index_id(placement.applicant["resident_id"], ledger.person_key))
            assert isinstance(index, PersonIndex)
            ended = [h.type for h in ledger.history(pid)].count("EndedAutomatically")
            state = placement.state.value
            counted[state] = counted.get(state, 0) + 1
            if state == "active":
                assert ended == 0 and pid in post.occupants and index.open_placement == pid
            else:
                assert state == "exited" and ended == 1, (state, ended)
                assert pid not in post.occupants and index.open_placement != pid
    return counted


def whole_once_settled(services: Services, placement_ids: list[UUID],
                       attempts: int = 20) -> dict[str, int]:
    """``assert_whole`` just after a kill: a commit the killed process had already sent may
    land while the placements are being read one by one, so a read can catch a placement
    before it and its seat after it. A torn save would stay torn; that race settles, so the
    check is repeated a few times before it fails."""
    for _ in range(attempts - 1):
        try:
            return assert_whole(services, placement_ids)
        except AssertionError:
            time.sleep(0.5)
    return assert_whole(services, placement_ids)


def read_model_rows(services: Services) -> dict[str, list[tuple[Any, ...]]]:
    with services.read_model.engine.connect() as conn:
        return {table.name: sorted(tuple(r) for r in conn.execute(select(table)))
                for table in (placements, posts)}


def assert_read_model_equals_a_fresh_rebuild(services: Services) -> None:
    services.read_model.catch_up(services.ledger)
    caught_up = read_model_rows(services)
    services.read_model.rebuild(services.ledger)
    assert read_model_rows(services) == caught_up
