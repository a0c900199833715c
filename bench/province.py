"""A synthetic province for the benchmark, made of demo counties.

Each county is the demo generator's (``postledger.api.demo.load_demo``): the application
service's own commands run in memory and saved in batches, posts of every kind, placements at
every step (60% active, with 26 months of attendance, payments and annual reviews), claims of
every type and planted frauds. A province of ``size`` placements is ``size / 960`` counties of
8 townships × 10 villages × 12 placements, the last one smaller: any count works, rounded up
so that each village of the last county holds as many.

The counties' "today" is fixed (DEMO_TODAY), so that their last recorded month is 2026-10 and
the bench's monthly ledger records LEDGER_MONTH on top of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from postledger.api.demo import DemoSize, load_demo
from postledger.workflows.application import PostLedger

COUNTY = DemoSize(townships=8, villages_per_township=10, placements_per_village=12)
DEMO_TODAY = date(2026, 11, 30)
LEDGER_MONTH = "2026-11"  # recorded by the bench's service commands, not by the generator
FILE_MONTH = "2026-12"  # recorded by the bench's ledger files, after LEDGER_MONTH
# Events a save() holds while generating. One save of ~20,000 events (~20 MB) once hung on
# PostgreSQL in psycopg's pipeline (server in ClientRead, client in Pipeline.sync) for minutes.
BATCH_EVENTS = 4_000


@dataclass
class Province:
    counties: int = 0
    placements: int = 0
    events: int = 0


def county_code(n: int) -> str:
    """A six-digit region code in Guizhou (52): prefecture ``n // 30``, county ``n % 30``."""
    return f"52{n // 30 + 1:02d}{n % 30 + 1:02d}"


def county_sizes(size: int) -> list[DemoSize]:
    full, rest = divmod(size, COUNTY.placements)
    sizes = [COUNTY] * full
    villages = COUNTY.townships * COUNTY.villages_per_township
    if rest >= villages:
        sizes.append(DemoSize(COUNTY.townships, COUNTY.villages_per_township,
                              math.ceil(rest / villages)))
    elif rest:
        sizes.append(DemoSize(1, 1, rest))
    return sizes


def generate(ledger: PostLedger, size: int, seed: int = 15) -> Province:
    province = Province()
    for n, county_size in enumerate(county_sizes(size)):
        summary = load_demo(ledger, size=county_size, seed=seed + n, county=county_code(n),
                            today=DEMO_TODAY, batch_events=BATCH_EVENTS)
        province.counties += 1
        province.placements += summary.placements
        province.events += summary.events
    return province
