"""Findings as of an instant (`GET /audit/findings?as_of=`, API.md v1.1 "Audit"): a finding later
cleared shows as it stood at that instant, one raised later does not; and the county as of now
is the county's findings — on both stores.

Cleared here: a month paid twice to one person (R-FRAUD-3, an imported ledger and a placement
of this service), then clawed back in full (R-PAY-3); identical attendance for twelve months
(R-FRAUD-7), then the annual review within R-REV-1's grace.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from postledger.api.deps import Services
from postledger.domain.actor import acting_as
from postledger.infrastructure.clock import BUSINESS_TZ
from tests.e2e.test_findings_api import MONTHS_2024, Clock, Town, ledger_file, legacy, someone
from tests.e2e.test_placements_api import COUNTY, INSPECTOR, TOWNSHIP
from tests.scenario import ADMIN as ADMIN_ACTOR


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The instant the store records each event (as in tests/e2e/test_findings_api.py)."""
    chosen = Clock()
    monkeypatch.setattr("eventsourcing.domain.datetime_now_with_tzinfo", lambda: chosen.now)
    return chosen


def at(day: date) -> str:
    return datetime.combine(day, time(12), tzinfo=BUSINESS_TZ).isoformat()


def findings(client: TestClient, as_of: str | None = None) -> list[dict[str, Any]]:
    params = {"county": "520524", **({"as_of": as_of} if as_of else {})}
    answer = client.get("/audit/findings", headers=INSPECTOR, params=params)
    assert answer.status_code == 200, answer.text
    return list(answer.json())


def citing(found: list[dict[str, Any]], rule: str, stream: str, words: str = "") -> list[str]:
    """The details of the ``rule`` findings citing ``stream`` (and saying ``words``)."""
    hexed = stream.replace("-", "")
    return [f["detail"] for f in found if f["rule"] == rule and words in f["detail"]
            and hexed in {e["stream_id"].replace("-", "") for e in f["events"]}]


def test_a_finding_later_cleared_shows_as_it_stood_at_each_instant(
    client: TestClient, clock: Clock, services: Services
) -> None:
    town = Town(client, clock)
    road = town.new_post()
    # Given a worker paid for 2024-02 here (recorded 2024-03-03) ...
    twice = town.placement(road, someone(41))
    town.work(twice, ["2024-02"], days=[20])
    # ... and for the same month in another village's ledger, imported on 2024-04-01
    clock.on(date(2024, 4, 1))
    answer = client.post("/ledger/import", headers=COUNTY, files={"file": (
        "beimen.xlsx", ledger_file([legacy(41, "2024-02", village="beimen",
                                           onboarded_on="2024-02-01")]))})
    assert answer.status_code == 200, answer.text
    # ... and the month clawed back here in full on 2024-05-10 (R-PAY-3)
    with acting_as(ADMIN_ACTOR):
        paid = services.ledger.get_placement(UUID(twice)).payments["2024-02"]["amount_fen"]
    town.post(f"/placements/{twice}/clawback", COUNTY, {
        "date": "2024-05-10", "month": "2024-02", "amount_fen": paid,
        "reason": "同月在两处领取，全额追回"})
    # And a worker with the same sheet every month of 2024 (the last signed 2025-01-02), then
    # reviewed on 2025-01-20, within R-REV-1's grace after the run
    ghost = town.placement(road, someone(42))
    town.work(ghost, MONTHS_2024, days=22, pay=False)
    town.post(f"/placements/{ghost}/annual-review", TOWNSHIP, {
        "date": "2025-01-20", "year": 2025, "passed": True, "worker_signed": True})

    # Then before the import nobody was paid twice
    before_import = findings(client, at(date(2024, 3, 20)))
    assert citing(before_import, "R-FRAUD-3", twice) == []
    # between the import and the clawback the month was paid twice, and the finding cites both
    # payments
    between = findings(client, at(date(2024, 4, 15)))
    assert citing(between, "R-FRAUD-3", twice, "paid twice for 2024-02")
    # after the clawback it is cleared; the overlap of the two placements stays
    now = findings(client)
    assert citing(now, "R-FRAUD-3", twice, "paid twice") == []
    assert citing(now, "R-FRAUD-3", twice, "two placements at once")
    assert citing(findings(client, at(date(2024, 6, 1))), "R-FRAUD-3", twice, "paid twice") == []
    # The unchanging sheet shows once twelve months were signed, until the review
    assert citing(findings(client, at(date(2024, 12, 20))), "R-FRAUD-7", ghost) == []
    assert citing(findings(client, at(date(2025, 1, 10))), "R-FRAUD-7", ghost)
    assert citing(now, "R-FRAUD-7", ghost) == []

    # And the county as of an instant after the last event is the county now
    assert _keys(findings(client, at(date(2030, 1, 1)))) == _keys(now)


def _keys(found: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return sorted((f["rule"], f["subject_id"], f["detail"]) for f in found)


def test_as_of_before_anything_was_recorded_finds_nothing(client: TestClient,
                                                          clock: Clock) -> None:
    town = Town(client, clock)
    road = town.new_post()
    town.placement(road, someone(51, phone="13900000001"), until="village-review")
    town.placement(road, someone(52, phone="13900000001"), until="village-review")
    assert {f["rule"] for f in findings(client)} == {"R-FRAUD-3"}  # one phone, two people
    assert findings(client, at(date(2023, 12, 31))) == []
    assert findings(client, at(date(2024, 1, 5) + timedelta(days=1)))  # both applied by then
