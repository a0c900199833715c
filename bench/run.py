"""``make bench``: postledger at province scale, each figure beside the database's own limit.

    make bench                          # 10,000 and 100,000 placements, SQLite and PostgreSQL
    make bench SIZE=600000
    .venv/bin/python bench/run.py --size 2000 --base 2000 --store postgresql

For each store and size: generate a synthetic province (bench/province.py), then measure
HTTP steps with a real server, the monthly ledger, replay, projections, audit and memory, and
the raw limits of the same database in the same run (bench/raw.py). Prints one table; writes it
and the raw figures to bench/results/. Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import psycopg
from http_load import Server, children_of, peak_rss_mb, run_clients, serve
from profiles import cprofiled, sampled
from province import FILE_MONTH, LEDGER_MONTH, county_code, generate
from raw import RawStore
from table import Row, rows_of, table

from postledger.api.demo.places import TOWNSHIPS
from postledger.api.deps import Services
from postledger.api.main import create_app, open_services
from postledger.api.rebuild import default_jobs
from postledger.domain.actor import Actor, acting_as
from postledger.domain.errors import PostLedgerError
from postledger.infrastructure.clock import BusinessClock
from postledger.infrastructure.settings import Settings
from postledger.workflows.ledger_bulk import Aggregates
from postledger.workflows.ledger_file import write_ledger
from postledger.workflows.ledger_io import import_ledger

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
PG_URL = os.environ.get("POSTLEDGER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
ADMIN = Actor("admin", "", "bench")
LEDGER_SIGNED_ON = date(2026, 12, 1)
SIGNATURES = {"secretary": "村支书", "member": "村委委员", "worker": "本人"}
COMMANDS_SAMPLE = 1_000  # placements of the province the row-by-row path takes at most
FILE_DAY = date(2026, 12, 1)  # the first day of FILE_MONTH: the terms its payment is read under
FILE_SIGNED_ON = BusinessClock.fixed(date(2027, 1, 4))  # "today" of the import (its steps' date)
GENERATION = ("events", "generate_seconds", "placements", "counties", "generate_load_before",
              "generate_load_after")
RULE = re.compile(r"\((R-[A-Z]+-[0-9]+)\)")


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


class Bench:
    def __init__(self, settings: Settings, size: int, http_placements: int,
                 profiles: Path | None = None) -> None:
        self.settings = settings
        self.profiles = profiles  # where profiles of the slow rows go; None: not profiled
        self.store = settings.store
        self.size = size
        self.http_placements = http_placements
        self.facts: dict[str, Any] = {"store": self.store, "size": size}

    def _name(self, what: str) -> str:
        return f"{self.store}-{self.size}-{what}"

    def run(self, generated: Path | None = None) -> list[Row]:
        """Generate the province (or, with ``generated``, take the one a ``--stores`` folder
        keeps and the facts of its generation), then measure every row."""
        self.facts["load_before"] = os.getloadavg()[0]
        services = open_services(self.settings)
        try:
            if generated is not None and generated.exists():
                self.facts.update(json.loads(generated.read_text()))
                log(f"{self.store}: the kept province of {self.size:,} placements")
            else:
                self.generate(services)
                if generated is not None:
                    generated.write_text(json.dumps({k: self.facts[k] for k in GENERATION}))
            raw = RawStore(self.settings, services.ledger.recorder.events_table_name)
            log("planner statistics of the event store (ANALYZE)")
            raw.analyze()
            self.rebuild()
            self.monthly_ledger(services)
            self.replay(services, raw)
            log("raw limits of the database")
            limits = raw.measure(sample=min(20_000, self.facts["events"]), one_by_one=500)
            self.facts["raw"] = asdict(limits)
            self.http()
            self.facts["database_bytes"] = raw.database_bytes()
            self.facts["load_after"] = os.getloadavg()[0]
        finally:
            services.close()
        return rows_of(self.facts)

    # ------------------------------------------------------------------ the province
    def generate(self, services: Services) -> None:
        self.facts["generate_load_before"] = os.getloadavg()[0]
        log(f"{self.store}: generating {self.size:,} placements (demo counties)")
        started = time.perf_counter()
        province = generate(services.ledger, self.size)
        seconds = time.perf_counter() - started
        self.facts.update(events=province.events, generate_seconds=seconds,
                          placements=province.placements, counties=province.counties,
                        generate_load_after=os.getloadavg()[0])
        log(f"{province.counties} counties, {province.placements:,} placements, "
            f"{province.events:,} events in {seconds:.0f} s")

    # ------------------------------------------------------------------ projections
    def rebuild(self) -> None:
        """The full rebuild in one process, then (where the store rebuilds in several by
        default: PostgreSQL) in as many as ``postledger projections rebuild`` takes."""
        self.facts.update(self._rebuild_child(1, "rebuild"))
        jobs = default_jobs(self.settings)
        if jobs > 1:
            self.facts["rebuild_parallel"] = self._rebuild_child(jobs, "rebuild-parallel")

    def _rebuild_child(self, jobs: int, name: str) -> dict[str, Any]:
        log(f"full rebuild of the read models (child process, {jobs} process(es))")
        child = subprocess.Popen([sys.executable, str(HERE / "rebuild_child.py"),
                                  self.settings.database_url, str(jobs)], stdout=subprocess.PIPE)
        assert child.stdout is not None
        with sampled(self.profiles, self._name(name), child.pid):
            output = child.stdout.read()
            _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise RuntimeError("the rebuild failed")
        result = json.loads(output)
        return {"rebuild_events": result["events"], "rebuild_seconds": result["seconds"],
                "rebuild_jobs": result["jobs"],
                "rebuild_peak_mb": max(usage.ru_maxrss / 1024, result["children_peak_mb"])}

    # ------------------------------------------------------------------ monthly ledger
    def monthly_ledger(self, services: Services) -> None:
        """Attendance and payment for every active placement of one township, then of the
        rest of the province: for LEDGER_MONTH through the application service's commands, one
        transaction each (what each HTTP request runs: the row-by-row path); for FILE_MONTH as
        county ledger files through `postledger ledger import` (the bulk path)."""
        with acting_as(ADMIN):
            active = services.read_model.list_placements(within="", state="active",
                                                         limit=10 * self.size)
        first = (active[0]["county"], active[0]["township"])
        township = [r for r in active if (r["county"], r["township"]) == first]
        rest = [r for r in active if (r["county"], r["township"]) != first]
        # One commit a step makes this path slow (~25-300 events/s): past COMMANDS_SAMPLE
        # placements it takes a sample of the province, spread over every county. Its rate per
        # event does not depend on how many; the bulk path below takes the whole province.
        sample = rest[::max(1, -(-len(rest) // COMMANDS_SAMPLE))]
        self.facts["ledger_sample"] = len(sample) < len(rest)
        for scope, rows in (("township", township), ("province", sample)):
            log(f"monthly ledger, {scope}: {len(rows):,} active placements")
            before = services.ledger.recorder.max_notification_id() or 0
            refused: Counter[str] = Counter()
            started = time.perf_counter()
            with cprofiled(self.profiles if scope == "province" else None, self._name("ledger")):
                for r in rows:
                    self._ledger_month(services, r, refused)
            seconds = time.perf_counter() - started
            events = (services.ledger.recorder.max_notification_id() or 0) - before
            self.facts[f"ledger_{scope}"] = {"events": events, "seconds": seconds,
                                             "refused": dict(refused)}
        self.ledger_files(services, active, first)
        started = time.perf_counter()
        with cprofiled(self.profiles, self._name("catch-up")):
            applied = services.read_model.catch_up(services.ledger)
        self.facts["catch_up"] = {"events": applied, "seconds": time.perf_counter() - started}

    def ledger_files(self, services: Services, active: list[dict[str, Any]],
                     first: tuple[str, str]) -> None:
        """FILE_MONTH as files, one for the township then one per county, each imported as
        `postledger ledger import` does (saved together, in parts of at most CHUNK_EVENTS).
        Timed: reading and recording the files, not writing them."""
        lines: dict[tuple[str, str], list[dict[str, Any]]] = {}
        standards: dict[UUID, int] = {}
        held = Aggregates(services.ledger)  # read in bulk: this part is not timed
        held.load(UUID(r["id"]) for r in active)
        with acting_as(ADMIN):
            for r in active:
                placement = held.get(UUID(r["id"]))
                if placement.post_id not in standards:
                    post = services.ledger.get_post(placement.post_id)
                    standards[placement.post_id] = (
                        post.monthly_subsidy_fen
                        or services.ledger.terms(r["county"], FILE_DAY).monthly_subsidy_fen)
                person = placement.applicant
                lines.setdefault((r["county"], r["township"]), []).append({
                    "township": r["township"], "village": r["village"], "name": person["name"],
                    "resident_id": person["resident_id"], "phone": person.get("phone"),
                    "post": "护路员", "kind": "road", "onboarded_on": placement.onboarded_on,
                    "month": FILE_MONTH, "days_worked": 20, **SIGNATURES,
                    "amount_fen": standards[placement.post_id]})
        by_county: dict[str, list[dict[str, Any]]] = {}
        for (county, _), rows in lines.items():
            if (county, _) != first:
                by_county.setdefault(county, []).extend(rows)
        files = {"township": {first[0]: write_ledger(lines[first])},
                 "province": {c: write_ledger(rows) for c, rows in by_county.items()}}
        clock, services.ledger.clock = services.ledger.clock, FILE_SIGNED_ON
        try:
            for scope, per_county in files.items():
                self._import(services, scope, per_county)
        finally:
            services.ledger.clock = clock

    def _import(self, services: Services, scope: str, per_county: dict[str, bytes]) -> None:
        log(f"ledger files, {scope}: {len(per_county)} file(s)")
        before = services.ledger.recorder.max_notification_id() or 0
        refused: Counter[str] = Counter()
        imported = 0
        mapper = services.ledger.mapper
        decode, read = mapper.to_domain_event, Counter[str]()

        def counted(stored: Any) -> Any:  # the events the import reads, for its raw bound
            read["events"] += 1
            return decode(stored)

        mapper.to_domain_event = counted  # type: ignore[method-assign]
        try:
            started = time.perf_counter()
            with cprofiled(self.profiles if scope == "province" else None,
                           self._name("ledger-files")):
                for county, data in per_county.items():
                    with acting_as(Actor("county", county, "县人社局")):
                        report = import_ledger(services.ledger, data,
                                               file_name=f"{county}.xlsx", county=county)
                    imported += report.imported
                    for u in report.unreadable:
                        found = RULE.search(u.reason)
                        refused[found.group(1) if found else u.reason] += 1
            seconds = time.perf_counter() - started
        finally:
            del mapper.to_domain_event
        events = (services.ledger.recorder.max_notification_id() or 0) - before
        self.facts[f"import_{scope}"] = {"events": events, "seconds": seconds,
                                         "rows": imported + sum(refused.values()),
                                         "refused": dict(refused), "read": read["events"]}

    @staticmethod
    def _ledger_month(services: Services, r: dict[str, Any], refused: Counter[str]) -> None:
        """One placement's month: signed attendance, then the payment. A step the rules
        refuse (e.g. a planted fraud without its annual review, R-REV-1) is counted, not
        retried: the row says how many."""
        placement_id = UUID(r["id"])
        try:
            with acting_as(Actor("clerk", f"{r['county']}/{r['township']}", "文书")):
                services.ledger.record_attendance(placement_id, date=LEDGER_SIGNED_ON,
                                                  month=LEDGER_MONTH, days_worked=20,
                                                  signatures=SIGNATURES)
            with acting_as(Actor("county", r["county"], "县人社局")):
                services.ledger.pay(placement_id, date=LEDGER_SIGNED_ON, month=LEDGER_MONTH,
                                    amount_fen=None)
        except PostLedgerError as refusal:
            refused[refusal.rule or type(refusal).__name__] += 1

    # ------------------------------------------------------------------ replay
    def replay(self, services: Services, raw: RawStore) -> None:
        """History and ``as_of`` of placements running since 2023-12 (three years)."""
        ledger = services.ledger
        with acting_as(ADMIN), cprofiled(self.profiles, self._name("replay")):
            oldest = services.read_model.list_placements(within="", state="active", limit=20)
            ids = [UUID(r["id"]) for r in oldest]
            history: list[float] = []
            as_of: list[float] = []
            lengths = []
            for placement_id in ids * 10:
                started = time.perf_counter()
                entries = ledger.history(placement_id)
                history.append(time.perf_counter() - started)
                lengths.append(len(entries))
                middle = entries[len(entries) // 2].recorded_at
                started = time.perf_counter()
                ledger.get_placement(placement_id, as_of=middle)
                as_of.append(time.perf_counter() - started)
        self.facts["replay"] = {"events_per_stream": statistics.median(lengths),
                                "history": history, "as_of": as_of,
                                "raw": raw.stream_reads([str(i) for i in ids * 10])}

    # ------------------------------------------------------------------ HTTP and audit
    def http(self) -> None:
        app_routes = set(create_app(self.settings).openapi()["paths"])
        with serve(self.settings.database_url) as server:
            for clients in (1, 8):
                log(f"HTTP, {clients} client(s) × {self.http_placements} placements")
                with sampled(self.profiles if clients == 8 else None,
                             self._name("server-8-clients"), server.process.pid):
                    load = run_clients([server], clients, self.http_placements,
                                       first_person=10_000 * clients)
                self.facts[f"http_{clients}"] = load.summary()
            self.audit(server, app_routes)
            self.facts["server_peak_mb"] = peak_rss_mb(server.process.pid)
            self.facts["follower_peak_mb"] = sum(  # `serve`'s follower process (its child)
                peak_rss_mb(child) for child in children_of(server.process.pid))
        with serve(self.settings.database_url, follower="thread") as server:
            log(f"HTTP, 8 clients × {self.http_placements} placements, follower in a thread")
            load = run_clients([server], 8, self.http_placements, first_person=200_000)
            self.facts["http_8_thread_follower"] = load.summary()
        with serve(self.settings.database_url, workers=2) as server:
            log(f"HTTP, 8 clients × {self.http_placements} placements, serve --workers 2")
            load = run_clients([server], 8, self.http_placements, first_person=100_000)
            self.facts["http_8_workers_2"] = load.summary()

    def audit(self, server: Server, routes: set[str]) -> None:
        county = county_code(0)
        township = TOWNSHIPS[0][0]
        month = "2026-10"
        queries: dict[str, tuple[str, str, dict[str, str]]] = {
            "audit_county": ("/audit/findings", f"dev:inspector:{county}:bench",
                             {"county": county}),
            "audit_province": ("/audit/findings", "dev:admin::bench", {}),
            "audit_ledger": ("/ledger", f"dev:inspector:{county}:bench",
                             {"county": county, "township": township, "month": month}),
        }
        for key, (path, token, params) in queries.items():
            if path not in routes:
                self.facts[key] = None
                continue
            log(f"audit: GET {path} {params}")
            took, statuses = [], set()
            for _ in range(5 if key == "audit_province" else 20):
                seconds, status = server.get(path, token, **params)
                took.append(seconds)
                statuses.add(status)
            self.facts[key] = {"latencies": took, "statuses": sorted(statuses)}

    # ------------------------------------------------------------------ the table


@dataclass
class Location:
    settings: Settings
    schema: str | None = None

    def drop(self) -> None:
        if self.schema:
            with psycopg.connect(PG_URL, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


def fresh_store(store: str, scratch: Path) -> Location:
    if store == "sqlite":
        return Location(Settings(database_url=f"sqlite:///{scratch}/{uuid4().hex[:8]}.db"))
    schema = f"bench_{uuid4().hex[:12]}"
    return Location(Settings(database_url=f"{PG_URL}?schema={schema}"), schema)


def kept_store(store: str, size: int, folder: Path) -> tuple[Location, Path]:
    """The store a ``--stores`` folder keeps for ``store`` and ``size``, never dropped, and the
    file of its generation's facts: a province is generated once and measured again later."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"province_{store}_{size}"
    sqlite = f"sqlite:///{folder.resolve()}/{name}.db"
    url = sqlite if store == "sqlite" else f"{PG_URL}?schema=bench_{name}"
    return Location(Settings(database_url=url)), folder / f"{name}.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000, help="placements (default 100,000)")
    parser.add_argument("--base", type=int, default=10_000,
                        help="also run at this size, to show cost per event stays flat")
    parser.add_argument("--store", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--database-url", help="run on this store (one store, one size)")
    parser.add_argument("--http-placements", type=int, default=20,
                        help="placements each HTTP client takes through all 9 steps")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--stores", type=Path,
                        help="keep each generated province in this folder (SQLite) or schema "
                             "(PostgreSQL) and measure a kept one again instead of generating")
    parser.add_argument("--generate-only", action="store_true",
                        help="with --stores: generate the provinces, measure nothing")
    parser.add_argument("--profile", action="store_true",
                        help="profile the slow rows into the results folder (slows them down: "
                             "take figures from a run without it)")
    args = parser.parse_args(argv)
    sizes = sorted({min(args.base, args.size), args.size})
    stores = ["sqlite", "postgresql"] if args.store == "both" else [args.store]
    if args.database_url:
        stores = [Settings(database_url=args.database_url).store]
        if len(sizes) > 1:
            parser.error("--database-url runs one size: give --base equal to --size")
    rows: list[Row] = []
    facts: list[dict[str, Any]] = []
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    with tempfile.TemporaryDirectory(prefix="postledger-bench-") as scratch:
        for store in stores:
            for size in sizes:
                generated = None
                if args.database_url:
                    location = Location(Settings(database_url=args.database_url))
                elif args.stores:
                    location, generated = kept_store(store, size, args.stores)
                else:
                    location = fresh_store(store, Path(scratch))
                try:
                    bench = Bench(location.settings, size, args.http_placements,
                                  args.results if args.profile else None)
                    if args.generate_only:
                        generate_kept(bench, generated)
                        continue
                    rows += bench.run(generated)
                    facts.append(bench.facts)
                finally:
                    location.drop()
                save(args.results, stamp, rows, facts)  # each store's rows as soon as it ends
    print(table(rows))
    return 0


def generate_kept(bench: Bench, generated: Path | None) -> None:
    if generated is None:
        raise SystemExit("--generate-only needs --stores")
    if generated.exists():
        log(f"{generated} exists: this province is generated already")
        return
    services = open_services(bench.settings)
    try:
        bench.generate(services)
    finally:
        services.close()
    generated.write_text(json.dumps({k: bench.facts[k] for k in GENERATION}))


def save(folder: Path, stamp: str, rows: list[Row], facts: list[dict[str, Any]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stamp}.md").write_text(table(rows) + "\n")
    (folder / f"{stamp}.json").write_text(json.dumps(facts, default=str, indent=1))


if __name__ == "__main__":
    raise SystemExit(main())
