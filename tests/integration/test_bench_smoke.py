"""The province benchmark (bench/run.py, `make bench`) runs end to end at a tiny size on each
store and prints every row of its table. Speed is never asserted here: only that each figure
was measured (or says plainly that this build has no such endpoint)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from postledger.api.rebuild import default_jobs
from postledger.infrastructure.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
ROWS = [
    "HTTP placement steps, 1 client",
    "HTTP step latency p50 / p99, 1 client",
    "HTTP placement steps, 8 clients",
    "HTTP step latency p50 / p99, 8 clients",
    "HTTP placement steps, 8 clients, read-model follower as a thread of the server",
    "HTTP step latency p50 / p99, 8 clients, read-model follower as a thread of the server",
    "HTTP placement steps, 8 clients, serve --workers 2",
    "HTTP step latency p50 / p99, 8 clients, serve --workers 2",
    "monthly ledger, township",
    "monthly ledger, province",
    "ledger files, township",
    "ledger files, province",
    "ledger files, township: raw limit of the same work",
    "ledger files, province: raw limit of the same work",
    "replay: history, the oldest active placements",
    "replay: as_of (state at an instant), the oldest active placements",
    "projection: full rebuild, 1 process",
    "projection: live catch-up",
    "audit: findings, one county",
    "audit: findings, province",
    "audit: township-month ledger",
    "peak memory: server",
    "peak memory: the server's read-model follower process",
    "peak memory: full rebuild, 1 process",
    "event store size per million events",
    "machine: 1-minute load average",
    "generation: demo generator",
]


def test_the_benchmark_prints_every_row_on_this_store(settings: Settings, tmp_path: Path) -> None:
    # Given a fresh store, when the bench runs at a tiny size (37: no round number on purpose)
    finished = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--size", "37", "--base", "37",
         "--database-url", settings.database_url, "--http-placements", "1",
         "--results", str(tmp_path)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]

    # then its table has one row per measure, on this store, with no failed request
    table = [line for line in finished.stdout.splitlines() if line.startswith(f"| {settings.store} ")]
    measures = [line.split(" | ")[2] for line in table]
    # (and the rebuild in several processes too, where the store takes several by default)
    jobs = default_jobs(settings)
    expected_rows = ROWS + ([f"projection: full rebuild, {jobs} processes",
                             f"peak memory: full rebuild, {jobs} processes"] if jobs > 1 else [])
    for expected in expected_rows:
        assert any(m.startswith(expected) for m in measures), f"missing row: {expected}"
    assert len(table) == len(expected_rows)
    assert "failed" not in finished.stdout
    assert list(tmp_path.glob("*.md")) and list(tmp_path.glob("*.json"))
