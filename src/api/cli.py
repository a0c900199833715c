"""The ``postledger`` command (API.md, "Command line")."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from postledger.api.following import EVERY_SECONDS, FOLLOWERS, FollowerProcess, follow
from postledger.domain.errors import InvalidInput
from postledger.domain.values import BusinessDate, JurisdictionPath, mask_resident_id, read
from postledger.infrastructure.keys import ConfigurationError, new_key, new_secret
from postledger.infrastructure.settings import Settings

if TYPE_CHECKING:
    from postledger.api.deps import Services


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="postledger", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the API and web pages")
    serve.add_argument("--host", default=os.environ.get("POSTLEDGER_HOST") or "127.0.0.1",
                       help="default: $POSTLEDGER_HOST or 127.0.0.1")
    serve.add_argument("--port", type=int, default=int(os.environ.get("POSTLEDGER_PORT") or 8000),
                       help="default: $POSTLEDGER_PORT or 8000")
    serve.add_argument("--demo", action="store_true", help="accept development tokens")
    serve.add_argument("--workers", type=int,
                       default=int(os.environ.get("POSTLEDGER_WORKERS") or 1),
                       help="server processes on the one port (default $POSTLEDGER_WORKERS or "
                            "1); every process of every server shares the one store safely")
    serve.add_argument("--follower", choices=FOLLOWERS,
                       default=os.environ.get("POSTLEDGER_FOLLOWER") or "process",
                       help="who keeps the read models caught up: a child process (default, "
                            "$POSTLEDGER_FOLLOWER), a thread of the server, or nobody here "
                            "(run `postledger projections follow` beside it)")

    demo = commands.add_parser("demo", help="demo data")
    demo_commands = demo.add_subparsers(dest="demo_command", required=True)
    load = demo_commands.add_parser("load", help="load a demo county")
    load.add_argument("--if-empty", action="store_true", help="only when the store is empty")
    load.add_argument("--townships", type=int, default=3)
    load.add_argument("--villages", type=int, default=3, help="villages per township")
    load.add_argument("--placements", type=int, default=8, help="placements per village")
    load.add_argument("--seed", type=int, default=520524)

    scheduler = commands.add_parser("scheduler", help="the automatic process (R-EXIT-1)")
    scheduler_commands = scheduler.add_subparsers(dest="scheduler_command", required=True)
    run = scheduler_commands.add_parser("run", help="end agreements due on or before a date")
    run.add_argument("--as-of", required=True, type=_argument(BusinessDate, "--as-of"),
                     metavar="YYYY-MM-DD")
    run.add_argument("--within", default=None, type=_argument(JurisdictionPath, "--within"),
                     help="county[/township] (default: everywhere)")
    run.add_argument("--dry-run", action="store_true",
                     help="report what a run would end, record nothing (any date, R-INPUT-2)")

    projections = commands.add_parser("projections", help="read models")
    projection_commands = projections.add_subparsers(dest="projection_command", required=True)
    rebuilding = projection_commands.add_parser(
        "rebuild", help="rebuild every read model from the event log")
    rebuilding.add_argument("--jobs", type=int, default=None,
                            help="processes (default: 1 on SQLite, the CPUs up to 4 on "
                                 "PostgreSQL; the read models are grouped by cost)")
    following = projection_commands.add_parser(
        "follow", help="keep the read models caught up until stopped (SIGTERM or Ctrl-C)")
    following.add_argument("--every", type=float, default=EVERY_SECONDS, help="seconds between")
    following.add_argument("--parent", type=int, default=None, help=argparse.SUPPRESS)

    commands.add_parser("verify", help="the tamper check: recompute every hash chain (R-FRAUD-8)"
                        ).add_argument("--county", default=None)
    audit = commands.add_parser("audit", help="audit upkeep (admin)")
    audit.add_subparsers(dest="audit_command", required=True).add_parser(
        "adopt-chain-heads", help="anchor a head for each stream written before chain heads, "
        "once its chain is intact (R-FRAUD-8)")
    ledger = commands.add_parser("ledger", help="the monthly real-name ledger file (.xlsx)")
    ledger_commands = ledger.add_subparsers(dest="ledger_command", required=True)
    ledger_import = ledger_commands.add_parser("import", help="record a ledger file as reported")
    ledger_import.add_argument("file")
    ledger_import.add_argument("--county", required=True)
    ledger_export = ledger_commands.add_parser("export", help="write a township-month ledger")
    ledger_export.add_argument("--township", required=True, help="county/township")
    ledger_export.add_argument("--month", required=True, metavar="YYYY-MM")
    ledger_export.add_argument("--as-of", default=None, type=datetime.fromisoformat)
    ledger_export.add_argument(
        "--role", default="inspector", choices=("inspector", "township", "county", "admin"),
        help="read as (default inspector): county and admin get resident ids and phones in "
             "full, the others masked; the export is access-logged either way")
    ledger_export.add_argument("--name", default=None,
                               help="who exports, for the access log (default: the OS user)")
    ledger_export.add_argument("file")
    commands.add_parser("rules", help="the rule catalogue: each rule in Chinese and English")
    _add_security_commands(commands)

    args = parser.parse_args(argv)
    if args.command == "rules":
        from postledger.domain.rules import RULES

        for rule in RULES:
            reads = f"  [{', '.join(rule.parameters)}]" if rule.parameters else ""
            print(f"{rule.id}\t{rule.zh}\t{rule.en}{reads}")
        return 0
    settings = Settings.from_env()
    if args.command in ("token", "keys"):
        return _security_command(args, settings)
    if args.command == "serve" and args.demo:
        settings = replace(settings, mode="demo")
    if settings.mode == "production":
        try:
            settings.security.check_production(serving=args.command == "serve")
        except ConfigurationError as missing:
            print(f"postledger: {missing}", file=sys.stderr)
            return 2

    if args.command == "serve":
        return _serve(settings, args)

    from postledger.api.main import open_services

    services = open_services(settings)
    try:
        if args.command == "demo":
            return _load_demo(services, args)
        if args.command == "scheduler":
            return _run_scheduler(services, args.as_of, args.within or "", args.dry_run)
        if args.command == "projections" and args.projection_command == "follow":
            return follow(services, args.every, args.parent)
        if args.command == "projections":
            return _rebuild(services, args.jobs)
        if args.command in ("verify", "ledger", "audit"):
            from postledger.api.cli_audit import run_audit_command

            return run_audit_command(services, args)
    finally:
        services.close()
    return 2


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from postledger.api.main import create_app

    print(f"postledger: {settings.store} store, {settings.mode} mode, pages at "
          f"http://{args.host}:{args.port}/ and the API at /docs", flush=True)
    if args.workers <= 1:
        uvicorn.run(create_app(settings, follower=args.follower), host=args.host, port=args.port)
        return 0
    # Each worker builds its app from the environment (src/api/main.py, app_from_env): this
    # process's store and mode; one follower process, started here, serves them all.
    os.environ.update(POSTLEDGER_DATABASE_URL=settings.database_url, POSTLEDGER_MODE=settings.mode,
                      POSTLEDGER_FOLLOWER="off" if args.follower == "process" else args.follower)
    following = FollowerProcess(settings) if args.follower == "process" else None
    try:
        uvicorn.run("postledger.api.main:app_from_env", factory=True, workers=args.workers,
                    host=args.host, port=args.port)
    finally:
        if following is not None:
            following.stop()
    return 0


def _argument(kind: Any, option: str) -> Callable[[str], Any]:
    """An argparse type reading ``option`` as one of the value types (src/domain/values.py)."""

    def parse(text: str) -> Any:
        try:
            return read(kind, text, option)
        except InvalidInput as refused:
            raise argparse.ArgumentTypeError(refused.detail) from None

    return parse


def _progress_bar(what: str) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {what}",
              end="", file=sys.stderr, flush=True)
    return show


def _load_demo(services: Services, args: argparse.Namespace) -> int:
    from postledger.api.demo import DemoSize, load_demo

    if args.if_empty and services.ledger.recorder.max_notification_id():
        print("postledger: the store already holds events; demo not loaded")
        return 0
    size = DemoSize(args.townships, args.villages, args.placements)
    summary = load_demo(services.ledger, size=size, seed=args.seed,
                        progress=_progress_bar("placements"))
    if summary.loaded:
        print(file=sys.stderr)
        services.read_model.catch_up(services.ledger)
        print(f"postledger: demo county loaded: {summary}")
    else:
        print(f"postledger: {summary}")
    return 0


def _rebuild(services: Services, jobs: int | None) -> int:
    import time

    from postledger.api.rebuild import default_jobs, rebuild

    total = services.ledger.recorder.max_notification_id() or 0
    started = time.perf_counter()
    bar = _progress_bar("events")
    jobs = jobs or default_jobs(services.settings)
    read = rebuild(services, jobs, lambda done: bar(min(done, total), total))
    seconds = max(time.perf_counter() - started, 1e-9)
    names = ", ".join(m.name for m in services.read_model.follower.read_models)
    print(f"\npostledger: read models rebuilt ({names}) from {read} events in {seconds:.1f} s "
          f"({read / seconds:.0f} events/s, {jobs} process{'es' if jobs > 1 else ''})")
    return 0


def _run_scheduler(services: Services, as_of: date, within: str, dry_run: bool) -> int:
    from postledger.domain.actor import Actor, acting_as
    from postledger.workflows.scheduler import Scheduler

    try:
        with acting_as(Actor("admin", within, "cli")):  # the command line acts as an admin
            report = Scheduler(services.ledger, services.read_model).run(
                as_of, within, _progress_bar("active placements"), dry_run=dry_run)
    except InvalidInput as refused:
        print(f"postledger: {refused.detail}", file=sys.stderr)
        return 2
    print(file=sys.stderr)
    verb = "would exit" if dry_run else "exited"
    for row in report.exited:
        print(f"{verb}  {row['date']}  {row['reason']:<12}  {row['name']}  "
              f"{mask_resident_id(row['resident_id'])}  {row['placement_id']}")
    for row in report.reviews_due:
        print(f"review due since {row['due_on']}  {row['name']}  {row['placement_id']}")
    for row in report.ending_soon:
        print(f"ends on {row['ends_on']} ({row['reason']})  {row['name']}  {row['placement_id']}")
    print(f"postledger: as of {as_of}{' (dry run: nothing recorded)' if dry_run else ''}: "
          f"{len(report.exited)} {'would end' if dry_run else 'ended'}, {len(report.reviews_due)} "
          f"reviews due, {len(report.ending_soon)} ending within 30 days, "
          f"{report.checked} active checked")
    return 0


def _add_security_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    token = commands.add_parser("token", help="sign-in tokens for a small site (HS256)")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    issue = token_commands.add_parser("issue", help="print a token signed with "
                                                    "POSTLEDGER_JWT_SECRET")
    issue.add_argument("--role", required=True)
    issue.add_argument("--jurisdiction", required=True, help="county[/township[/village]]")
    issue.add_argument("--name", required=True)
    issue.add_argument("--days", type=float, default=1.0, help="valid for (default 1)")

    keys = commands.add_parser("keys", help="keys for production mode")
    keys_commands = keys.add_subparsers(dest="keys_command", required=True)
    keys_commands.add_parser("generate", help="print fresh keys as environment variables")


def _security_command(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "keys":
        print(f"POSTLEDGER_DATA_KEY={new_key()}")
        print(f"POSTLEDGER_CHAIN_KEY={new_key()}")
        print(f"POSTLEDGER_INDEX_KEY={new_key()}")
        print(f"POSTLEDGER_JWT_SECRET={new_secret()}")
        return 0
    from postledger.api.auth import Unauthenticated, issue_token

    try:
        print(issue_token(settings.security, role=args.role, jurisdiction=args.jurisdiction,
                          name=args.name, days=args.days))
    except Unauthenticated as refused:
        print(f"postledger: {refused.detail}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
