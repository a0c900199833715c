"""Benchmark: placements taken to a paid month, on SQLite and PostgreSQL.

    make bench                      # 200 placements on each store
    .venv/bin/python bench/placements.py --placements 2000 --store postgresql

Prints commands per second for the lifecycle, the read-model catch-up and one scheduler run.
Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from uuid import uuid4

import psycopg

from postledger.api.main import open_services
from postledger.domain.actor import Actor, acting_as
from postledger.domain.resident_id import ResidentId
from postledger.workflows.scheduler import Scheduler
from postledger.workflows.settings import Settings

PG = "postgresql://postgres@127.0.0.1:5432/test"
SIGNED = {"secretary": "罗书记", "member": "潘委员", "worker": "本人"}


def bench(store: str, count: int) -> None:
    schema = f"bench_{uuid4().hex[:8]}"
    url = f"sqlite:///{tempfile.mkdtemp()}/bench.db" if store == "sqlite" else f"{PG}?schema={schema}"
    services = open_services(Settings(database_url=url))
    ledger = services.ledger
    try:
        with acting_as(Actor("admin", "", "bench")):
            posts = []
            for n in range(max(1, count // 50)):
                post = ledger.create_post(county="520524", township=f"t{n % 10}", village=None,
                                          department="交通局", kind="road", title=f"p{n}",
                                          headcount=50, monthly_subsidy_fen=None, full_time=False)
                ledger.publish_notice(post.id, date=date(2024, 1, 1), closes_on=date(2024, 1, 10),
                                      conditions="c", duties="d")
                posts.append(post.id)
            commands = 0
            started = time.perf_counter()
            for n in range(count):
                rid = ResidentId.compose("520524", date(1970 + n % 30, 1 + n % 12, 1 + n % 28),
                                         n % 1000).value
                p = ledger.apply(posts[n // 50], date=date(2024, 1, 5),
                                 applicant={"name": f"w{n}", "resident_id": rid,
                                            "category": "lifted"})
                ledger.village_review(p.id, date=date(2024, 1, 6), approve=True, reason=None)
                ledger.township_review(p.id, date=date(2024, 1, 7), approve=True, reason=None)
                ledger.start_publicity(p.id, date=date(2024, 1, 8), ends_on=None)
                ledger.approve(p.id, date=date(2024, 1, 13))
                ledger.train(p.id, date=date(2024, 1, 14), hours=8, topic=None)
                ledger.onboard(p.id, date=date(2024, 1, 15), agreement_end=None)
                ledger.record_attendance(p.id, date=date(2024, 2, 1), month="2024-01",
                                         days_worked=20, signatures=SIGNED)
                ledger.pay(p.id, date=date(2024, 2, 5), month="2024-01", amount_fen=None)
                commands += 9
            lifecycle = time.perf_counter() - started

            started = time.perf_counter()
            applied = services.read_model.catch_up(ledger)
            catch_up = time.perf_counter() - started

            started = time.perf_counter()
            report = Scheduler(ledger, services.read_model).run(date(2027, 2, 1))
            scheduled = time.perf_counter() - started
        print(f"{store:>10}: {count} placements, {commands / lifecycle:7.0f} commands/s; "
              f"read model {applied / catch_up:7.0f} events/s; "
              f"scheduler ended {len(report.exited)} in {scheduled:.2f}s")
    finally:
        services.close()
        if store == "postgresql":
            with psycopg.connect(PG, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--placements", type=int, default=200)
    parser.add_argument("--store", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    for store in (["sqlite", "postgresql"] if args.store == "both" else [args.store]):
        bench(store, args.placements)


if __name__ == "__main__":
    main()
