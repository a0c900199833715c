"""Run in a child process by the bench: rebuild the read models as ``postledger projections
rebuild`` does (in as many processes as it takes by default, or ``--jobs``), and print how many
events it folded, how long it took and how many processes (JSON), so that the parent can read
this process's own peak memory and its children's."""

from __future__ import annotations

import json
import resource
import sys
import time

from postledger.api.main import open_services
from postledger.api.rebuild import default_jobs, rebuild
from postledger.infrastructure.settings import Settings


def main(database_url: str, jobs: int | None) -> None:
    services = open_services(Settings(database_url=database_url))
    try:
        jobs = jobs or default_jobs(services.settings)
        started = time.perf_counter()
        events = rebuild(services, jobs)
        seconds = time.perf_counter() - started
    finally:
        services.close()
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"events": events, "seconds": seconds, "jobs": jobs,
                      "children_peak_mb": children}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else None)
