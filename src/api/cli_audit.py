"""``postledger verify``, ``postledger audit adopt-chain-heads`` and ``postledger ledger
import|export`` (API.md "Command line")."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from postledger.domain.actor import Actor, acting_as

if TYPE_CHECKING:
    from postledger.api.deps import Services

CLI_NAME = "cli"


def run_audit_command(services: Services, args: argparse.Namespace) -> int:
    if args.command == "verify":
        return _verify(services, args.county)
    if args.command == "audit":
        return _adopt_chain_heads(services)
    if args.ledger_command == "import":
        return _import(services, Path(args.file), args.county)
    return _export(services, args)


def _verify(services: Services, county: str | None) -> int:
    from postledger.workflows.verify import verify_chains

    def progress(done: int) -> None:
        print(f"\rverifying: {done} events", end="", file=sys.stderr, flush=True)

    report = verify_chains(services.ledger, county, progress)
    print(file=sys.stderr)
    services.read_model.record_tamper_links(county or "", report.broken)
    print(json.dumps({"ok": report.ok, "checked_streams": report.checked_streams,
                      "checked_events": report.checked_events,
                      "broken": [{"stream_id": b.stream_id, "version": b.version,
                                  "problem": b.problem} for b in report.broken]},
                     ensure_ascii=False, indent=2))
    return 0 if report.ok else 1


def _adopt_chain_heads(services: Services) -> int:
    """Heads for the streams of a store written before chain heads existed (R-FRAUD-8). The
    command line acts as an admin; the adoption is logged and recorded. Exit 1 when a stream
    was refused for a broken chain."""
    from postledger.workflows.verify import adopt_chain_heads

    with acting_as(Actor("admin", "", CLI_NAME)):
        report = adopt_chain_heads(services.ledger)
    print(json.dumps({"ok": report.ok, "adopted": len(report.adopted),
                      "anchored_already": report.anchored,
                      "refused": [{"stream_id": b.stream_id, "version": b.version,
                                   "problem": b.problem} for b in report.refused]},
                     ensure_ascii=False, indent=2))
    return 0 if report.ok else 1


def _import(services: Services, file: Path, county: str) -> int:
    from postledger.workflows.ledger_io import import_ledger

    with acting_as(Actor("county", county, CLI_NAME)):
        report = import_ledger(services.ledger, file.read_bytes(), file_name=file.name,
                               county=county)
    services.read_model.catch_up(services.ledger)
    print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    return 0


def _export(services: Services, args: argparse.Namespace) -> int:
    """Written as ``GET /ledger`` gives it (src/api/ledger_export.py): access-logged with
    ``cli`` as where from, masked unless the role needs the full numbers."""
    import getpass
    from datetime import datetime

    from postledger.api.access_log import AccessLog, Reads
    from postledger.api.ledger_export import ledger_file, sees_full_ids
    from postledger.domain.values import parse_month

    township, month = args.township.strip("/"), args.month
    parse_month(month)
    when = args.as_of if isinstance(args.as_of, datetime) else None
    reader = Actor(args.role, township if args.role == "township" else township.split("/")[0],
                   args.name or f"{CLI_NAME}:{getpass.getuser()}")
    services.read_model.catch_up(services.ledger)
    rows = services.read_model.ledger(township_path=township, month=month, as_of=when)
    reads = Reads(AccessLog(services.read_model.engine, services.read_model.keys), reader,
                  CLI_NAME)
    with acting_as(reader):
        data = ledger_file(services.ledger, rows, reads)
    Path(args.file).write_bytes(data)
    print(f"postledger: {len(rows)} rows of {township} {month} written to {args.file} "
          f"({'full' if sees_full_ids(reader) else 'masked'} resident ids and "
          f"phones; read logged as {reader.role} {reader.name})")
    return 0
