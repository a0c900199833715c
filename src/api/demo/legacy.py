"""The demo's old ledger (实名台账): months kept on spreadsheets before the county used the
service, imported through the ledger import (API.md "The monthly ledger file") as an inspector
would meet them. Imported rows are recorded as reported, rule-breaking ones included, so the
frauds the service would refuse to record as steps are planted here: a month paid without three
signatures (R-FRAUD-1), months paid after the exit (R-FRAUD-2) and an invalid resident id
(R-FRAUD-6), among workers whose months are in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from random import Random
from typing import Any

from postledger.domain.actor import Actor, acting_as
from postledger.domain.dates import add_months, month_of
from postledger.domain.legacy_ledger import legacy_placement_id
from postledger.domain.post import jurisdiction_path
from postledger.workflows.ledger_file import write_ledger
from postledger.workflows.ledger_io import import_ledger

MONTHS = 10  # under R-FRAUD-7's twelve, and within the three-year term (R-EXIT-1)
AMOUNT_FEN = 50_000


@dataclass(frozen=True)
class Worker:
    name: str
    resident_id: str
    phone: str
    post: str
    kind: str
    plant: str | None = None


def legacy_rows(workers: list[Worker], township: str, village: str, first_month: date,
                rng: Random) -> list[dict[str, Any]]:
    onboarded_on = first_month + timedelta(days=rng.randint(0, 9))
    rows: list[dict[str, Any]] = []
    for worker in workers:
        exited_on = add_months(first_month, 5) + timedelta(days=9) if worker.plant == "R-FRAUD-2" \
            else None
        for n in range(MONTHS):
            month = add_months(first_month, n)
            signatures = {"secretary": "村支书 罗", "member": "村委 潘", "worker": worker.name}
            if worker.plant == "R-FRAUD-1" and n in (3, 4):
                signatures["member"] = ""  # two signatures of the three (R-ATT-1)
            rows.append({
                "township": township, "village": village, "name": worker.name,
                "resident_id": worker.resident_id, "phone": worker.phone, "post": worker.post,
                "kind": worker.kind, "onboarded_on": onboarded_on, "month": month_of(month),
                "days_worked": rng.randint(18, 23), **signatures, "amount_fen": AMOUNT_FEN,
                "exited_on": exited_on,
            })
    return rows


def import_old_ledger(ledger: Any, county: str, township: str, village: str,
                      first_month: date, workers: list[Worker], rng: Random,
                      recorded_on: date) -> dict[str, list[str]]:
    """Import the old ledger of ``workers`` (as the county's staff would, on ``recorded_on``);
    returns the planted rule of each planted worker with the id of their imported history."""
    rows = legacy_rows(workers, township, village, first_month, rng)
    data = write_ledger(rows)
    with acting_as(Actor("county", county, "县人社局 李")), ledger.recording_on(recorded_on):
        report = import_ledger(ledger, data, file_name=f"{township}-{village}-实名台账.xlsx",
                               county=county)
    if report.unreadable:
        raise ValueError(f"the demo's old ledger has unreadable rows: {report.as_dict()}")
    path = jurisdiction_path(county, township, village)
    planted: dict[str, list[str]] = {}
    onboarded_on = rows[0]["onboarded_on"]
    for worker in workers:
        if worker.plant:
            key = legacy_placement_id(path, worker.resident_id.upper(), worker.post, onboarded_on)
            planted.setdefault(worker.plant, []).append(str(key))
    return planted


def invalid(resident_id: str) -> str:
    """The same number with a wrong check digit (R-ELIG-2)."""
    last = resident_id[-1]
    return resident_id[:-1] + ("0" if last != "0" else "1")


def old_workers(name: Callable[[], str], rid: Callable[[], str],
                phone: Callable[[], str]) -> list[Worker]:
    plants = [None, None, "R-FRAUD-1", "R-FRAUD-2", "R-FRAUD-6", None]
    posts = [("护路员", "road"), ("护林员", "forest")]
    workers = []
    for n, plant in enumerate(plants):
        title, kind = posts[n % 2]
        number = rid()
        workers.append(Worker(name=name(), resident_id=invalid(number) if plant == "R-FRAUD-6"
                              else number, phone=phone(), post=title, kind=kind, plant=plant))
    return workers
