"""The projection rebuild beside the raw ordered read of the same event table, alone:

    .venv/bin/python bench/rebuild_ratio.py --size 5000 --store sqlite
    .venv/bin/python bench/rebuild_ratio.py --database-url sqlite:///data/x.db --profile out.txt

Generates a province of ``--size`` placements (bench/province.py) unless ``--database-url``
names a store that already holds one (``--keep`` leaves the generated store in place and
prints its URL), then measures, in this order and in this process: the raw ordered
read-and-decode rate (bench/raw.py), the full rebuild (what ``postledger projections
rebuild`` does), and the raw read again; prints the rebuild's rate over the better raw one.
``--profile FILE`` writes a cProfile of the rebuild. Speed is measured here, never in tests.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from uuid import uuid4

from province import generate
from raw import RawStore
from run import PG_URL, Location

from postledger.api.main import open_services
from postledger.api.rebuild import rebuild
from postledger.infrastructure.settings import Settings


def measure(settings: Settings, profile: Path | None, jobs: int = 1) -> dict[str, float]:
    services = open_services(settings)
    try:
        raw = RawStore(settings, services.ledger.recorder.events_table_name)
        before, rows = raw.ordered_read()
        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        events = rebuild(services, jobs)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
        after, _ = raw.ordered_read()
        library = library_read(services.ledger)
    finally:
        services.close()
    if profiler and profile:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(30)
        profile.write_text(out.getvalue())
    rate = events / seconds
    return {"jobs": jobs, "events": events, "rows": rows, "rebuild_seconds": seconds, "rebuild_rate": rate,
            "raw_rate": max(before, after), "ratio": rate / max(before, after),
            "library_read_rate": library, "library_to_raw": library / max(before, after)}


def library_read(app: Any, page: int = 5000) -> float:
    """Events/s reading the whole log in order through the recorder and decoding each event
    with the mapper, as the rebuild reads it, folding nothing."""
    start, events = 1, 0
    started = time.perf_counter()
    while True:
        notes = app.recorder.select_notifications(start=start, limit=page)
        if not notes:
            break
        for note in notes:
            app.mapper.to_domain_event(note)
        events += len(notes)
        start = notes[-1].id + 1
    return events / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--database-url")
    parser.add_argument("--keep", action="store_true", help="keep the generated store")
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--jobs", type=int, default=1,
                        help="rebuild processes (the profile covers this process only)")
    args = parser.parse_args()
    if args.database_url:
        print(json.dumps(measure(Settings(database_url=args.database_url), args.profile, args.jobs)))
        return 0
    scratch: Path | None = None
    if args.store == "sqlite":
        scratch = Path(tempfile.mkdtemp(prefix="postledger-rebuild-"))
        location = Location(Settings(database_url=f"sqlite:///{scratch}/{uuid4().hex[:8]}.db"))
    else:
        schema = f"bench_{uuid4().hex[:12]}"
        location = Location(Settings(database_url=f"{PG_URL}?schema={schema}"), schema)
    try:
        services = open_services(location.settings)
        try:
            province = generate(services.ledger, args.size)
        finally:
            services.close()
        print(f"generated {province.events:,} events", file=sys.stderr)
        print(json.dumps(measure(location.settings, args.profile, args.jobs)))
        if args.keep:
            print(location.settings.database_url, file=sys.stderr)
    finally:
        if not args.keep:
            location.drop()
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
