"""The ``postledger`` command (API.md, "Command line")."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace

from postledger.workflows.settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="postledger", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the API and web pages")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="accept development tokens")

    demo = commands.add_parser("demo", help="demo data")
    demo_commands = demo.add_subparsers(dest="demo_command", required=True)
    load = demo_commands.add_parser("load", help="load a demo county")
    load.add_argument("--if-empty", action="store_true", help="only when the store is empty")

    projections = commands.add_parser("projections", help="read models")
    projection_commands = projections.add_subparsers(dest="projection_command", required=True)
    projection_commands.add_parser("rebuild", help="rebuild every read model from the event log")

    args = parser.parse_args(argv)
    settings = Settings.from_env()

    if args.command == "serve":
        import uvicorn
        from postledger.api.main import create_app

        if args.demo:
            settings = replace(settings, mode="demo")
        print(f"postledger: {settings.store} store, {settings.mode} mode, "
              f"http://{args.host}:{args.port}/docs", flush=True)
        uvicorn.run(create_app(settings), host=args.host, port=args.port)
        return 0

    from postledger.api.main import open_services

    services = open_services(settings)
    try:
        if args.command == "demo":
            from postledger.api.demo import load_demo

            if args.if_empty and services.ledger.recorder.max_notification_id():
                print("postledger: the store already holds events; demo not loaded")
                return 0
            summary = load_demo(services.ledger)
            services.read_model.catch_up(services.ledger)
            print(f"postledger: demo county loaded: {summary}")
            return 0
        if args.command == "projections":
            def progress(done: int) -> None:
                print(f"\rrebuilding read models: {done} events", end="", file=sys.stderr,
                      flush=True)

            total = services.read_model.rebuild(services.ledger, progress)
            print(f"\npostledger: read models rebuilt from {total} events")
            return 0
    finally:
        services.close()
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
