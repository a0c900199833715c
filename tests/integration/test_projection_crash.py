"""A projection process killed mid-stream (SIGKILL) and restarted: each batch's rows and its
position were written in one transaction, so the read models then equal a fresh rebuild —
nothing skipped, nothing applied twice. On both stores."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from typing import Any

from sqlalchemy import select

from postledger.api.deps import Services
from postledger.domain.actor import acting_as
from postledger.infrastructure.settings import Settings
from postledger.projections.follower import tracking
from tests.scenario import ADMIN, SIGNED, County

FOLLOWER = """
import sys, time
import postledger.projections.follower as follower
from postledger.projections.readmodel import ReadModel
from postledger.workflows.application import open_application
from postledger.infrastructure.settings import Settings
follower.BATCH = 20
settings = Settings.from_env()
app = open_application(settings)
ReadModel.open(settings).catch_up(app, lambda done: time.sleep(0.05))
"""


def contents(services: Services) -> dict[str, list[str]]:
    """Every row of every registered read model, in a stable order."""
    found: dict[str, list[str]] = {}
    with services.read_model.engine.connect() as conn:
        for model in services.read_model.follower.read_models:
            for table in model.tables:
                found[table.name] = sorted(repr(sorted(dict(r._mapping).items()))
                                           for r in conn.execute(select(table)))
    return found


def position(services: Services) -> int:
    with services.read_model.engine.connect() as conn:
        return int(conn.execute(select(tracking.c.position).where(
            tracking.c.projection == "placements_v4")).scalar_one())


def test_a_follower_killed_mid_stream_resumes_to_what_a_rebuild_gives(
    services: Services, settings: Settings
) -> None:
    county = County(services.ledger, headcount=100)
    for n in range(1, 41):
        placement = county.placement_in("active", n=n)
        with acting_as(ADMIN):
            services.ledger.record_attendance(placement.id, date=date(2024, 2, 2), month="2024-01",
                                              days_worked=1 + n % 20, signatures=SIGNED)
            services.ledger.pay(placement.id, date=date(2024, 2, 3), month="2024-01",
                                amount_fen=None)
    total = services.ledger.recorder.max_notification_id()
    assert position(services) == 0

    env: dict[str, Any] = {**os.environ, "POSTLEDGER_DATABASE_URL": settings.database_url,
                           "POSTLEDGER_MODE": settings.mode}
    runner = subprocess.Popen([sys.executable, "-c", FOLLOWER], env=env,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while position(services) < total // 3 and time.monotonic() < deadline:
            assert runner.poll() is None, runner.stderr.read() if runner.stderr else ""
            time.sleep(0.02)
        runner.send_signal(signal.SIGKILL)
        runner.wait(timeout=30)
    finally:
        if runner.poll() is None:
            runner.kill()
    stopped_at = position(services)
    assert 0 < stopped_at < total, "the follower was not stopped mid-stream"

    services.read_model.catch_up(services.ledger)  # the restart
    resumed = contents(services)
    assert position(services) == total
    services.read_model.rebuild(services.ledger)
    assert contents(services) == resumed
    assert len(resumed["rm_placements_v4"]) == 40
    assert len(resumed["rm_ledger_months_v1"]) == 40
