"""Run in a child process by the bench: rebuild the read models as ``postledger projections
rebuild`` does, and print how many events it folded and how long it took (JSON), so that the
parent can read this process's own peak memory."""

from __future__ import annotations

import json
import sys
import time

from postledger.api.main import open_services
from postledger.infrastructure.settings import Settings


def main(database_url: str) -> None:
    services = open_services(Settings(database_url=database_url))
    try:
        started = time.perf_counter()
        events = services.read_model.rebuild(services.ledger)
        seconds = time.perf_counter() - started
    finally:
        services.close()
    print(json.dumps({"events": events, "seconds": seconds}))


if __name__ == "__main__":
    main(sys.argv[1])
