"""``postledger projections rebuild --jobs N``: the read models rebuilt in groups, each group in
a process of its own (src/api/rebuild.py), equal to a rebuild in one process. On both stores."""

from __future__ import annotations

import subprocess
from datetime import date
from typing import Any
from uuid import uuid4

from sqlalchemy import select, text

from postledger.api.deps import Services
from postledger.api.main import open_services
from postledger.api.rebuild import rebuild_groups
from postledger.domain.actor import acting_as
from postledger.infrastructure.settings import Settings
from postledger.projections.registry import read_models
from tests.conftest import POSTGRES_URL, _drop_schema
from tests.faults import POSTLEDGER, process_env
from tests.integration.test_follower_process import alive, children, wait_until
from tests.scenario import ADMIN, SIGNED, County


def every_row(services: Services) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of every read model."""
    tables = [t for m in services.read_model.follower.read_models for t in m.tables]
    with services.read_model.engine.connect() as conn:
        return {t.name: sorted((tuple(r) for r in conn.execute(select(t))), key=repr)
                for t in tables}


def test_groups_of_about_equal_cost_hold_every_read_model_once() -> None:
    models = read_models(None)  # type: ignore[arg-type]
    names = sorted(m.name for m in models)
    for jobs in (1, 2, 3, 8):
        groups = rebuild_groups(models, jobs)
        assert sorted(n for g in groups for n in g) == names
        assert len(groups) == min(jobs, len(models))
    # the findings cost the others together and more: they rebuild alone beside the rest
    assert ["findings_v2"] in rebuild_groups(models, 2)


def test_a_rebuild_in_two_processes_equals_one_in_one(services: Services,
                                                       settings: Settings) -> None:
    # Given a county with placements at every step, its read models rebuilt in one process
    county = County(services.ledger)
    for n, state in enumerate(("applied", "in_publicity", "approved", "active"), start=1):
        county.placement_in(state, n=n)
    worked = county.placement_in("active", n=5)
    with acting_as(ADMIN):
        services.ledger.record_attendance(worked.id, date=date(2024, 2, 1), month="2024-01",
                                          days_worked=20, signatures=SIGNED)
        services.ledger.pay(worked.id, date=date(2024, 2, 5), month="2024-01", amount_fen=None)
    services.read_model.rebuild(services.ledger)
    in_one = every_row(services)
    assert all(in_one[t] for t in ("rm_placements_v4", "rm_ledger_months_v1", "rm_audit_steps_v2"))
    # when the command rebuilds them in two processes
    done = subprocess.run([POSTLEDGER, "projections", "rebuild", "--jobs", "2"],
                          env=process_env(settings), capture_output=True, text=True, timeout=300)
    # then it says so, and every row is as the single process made it
    assert done.returncode == 0, done.stderr
    assert "2 processes" in done.stdout
    assert every_row(services) == in_one


def test_a_rebuild_killed_outright_leaves_no_process_behind(services: Services,
                                                            settings: Settings) -> None:
    # Given a store, and a rebuild in two processes under way
    County(services.ledger).placement_in("active", n=1)
    command = subprocess.Popen([POSTLEDGER, "projections", "rebuild", "--jobs", "2"],
                               env=process_env(settings), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    assert wait_until(lambda: len(children(command.pid)) >= 2, 60), "no worker started"
    workers = children(command.pid)
    # when the command is killed outright (SIGKILL: nothing of it runs again)
    command.kill()
    command.wait(timeout=30)
    # then its workers end by themselves: none goes on writing beside the next rebuild
    assert wait_until(lambda: not any(alive(w) for w in workers), 30), "a worker outlived it"


def test_a_postgresql_rebuild_leaves_its_tables_with_planner_statistics() -> None:
    # Given a PostgreSQL store (this server runs without autovacuum: nothing else analyzes)
    schema = f"t_{uuid4().hex[:16]}"
    opened = open_services(Settings(database_url=f"{POSTGRES_URL}?schema={schema}", mode="demo"))
    try:
        County(opened.ledger).placement_in("active", n=1)
        # when its read models are rebuilt
        opened.read_model.rebuild(opened.ledger)
        # then every table they refilled has statistics to plan its lookups on
        tables = [t.name for m in opened.read_model.follower.read_models for t in m.tables]
        with opened.read_model.engine.connect() as conn:
            analyzed = set(conn.execute(text(
                "SELECT relname FROM pg_stat_user_tables WHERE schemaname = :schema "
                "AND last_analyze IS NOT NULL"), {"schema": schema}).scalars())
        assert set(tables) <= analyzed, sorted(set(tables) - analyzed)
    finally:
        opened.close()
        _drop_schema(schema)
