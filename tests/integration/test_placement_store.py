"""The placement lifecycle on the real stores (SQLite file and PostgreSQL): what is saved is
what is read back, hashes chain, and concurrent commands never lose or double an event."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from itertools import pairwise
from typing import Any

import pytest

from postledger.api.deps import Services
from postledger.api.main import open_services
from postledger.domain.actor import acting_as
from postledger.domain.errors import LimitReached, PostLedgerError, StepNotAllowed
from postledger.domain.placement import Placement
from postledger.infrastructure.settings import Settings
from postledger.projections.readmodel import ReadModel
from postledger.workflows.store import ConcurrentChange
from tests.scenario import ADMIN, SIGNED, County, person


def race(*commands: Callable[[], Any]) -> list[Any]:
    """Run the commands at once, each in its own thread; return each result or error."""
    barrier = threading.Barrier(len(commands))
    results: list[Any] = [None] * len(commands)

    def run(i: int, command: Callable[[], Any]) -> None:
        with acting_as(ADMIN):
            barrier.wait()
            try:
                results[i] = command()
            except PostLedgerError as error:
                results[i] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(commands)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_a_placement_reads_back_the_same_after_the_service_restarts(
    services: Services, settings: Settings
) -> None:
    county = County(services.ledger)
    p = county.placement_in("active")
    with acting_as(ADMIN):
        services.ledger.record_attendance(p.id, date=date(2024, 2, 1), month="2024-01",
                                          days_worked=20, signatures=SIGNED)
        services.ledger.pay(p.id, date=date(2024, 2, 5), month="2024-01", amount_fen=None)
    before = services.ledger.history(p.id)

    reopened = open_services(settings)
    try:
        with acting_as(ADMIN):
            again = reopened.ledger.get_placement(p.id)
        after = reopened.ledger.history(p.id)
    finally:
        reopened.close()
    assert again.state.value == "active"
    assert again.payments["2024-01"]["amount_fen"] == 50_000
    assert again.attendance["2024-01"]["signatures"] == SIGNED
    assert [e.hash for e in after] == [e.hash for e in before]
    assert after[0].previous_hash == ""
    assert all(b.previous_hash == a.hash for a, b in pairwise(after))
    assert after[-1].date == date(2024, 2, 5)


def test_two_commands_from_the_same_version_one_wins_the_other_is_refused(
    services: Services,
) -> None:
    county = County(services.ledger)
    p = county.placement_in("applied")
    ledger = services.ledger
    with acting_as(ADMIN):
        first = ledger.repository.get(p.id)
        second = ledger.repository.get(p.id)
        assert isinstance(first, Placement) and isinstance(second, Placement)
        first.village_review(date=date(2024, 1, 6), approve=True, reason=None)
        second.village_review(date=date(2024, 1, 6), approve=False, reason="重复")
        ledger._save(first)
        with pytest.raises(ConcurrentChange):
            ledger._save(second)
    assert county.get(p.id).state.value == "village_approved"
    assert county.event_types(p.id) == ["Applied", "VillageReviewed"]


def test_concurrent_requests_on_one_placement_record_exactly_one_step(
    services: Services,
) -> None:
    county = County(services.ledger)
    p = county.placement_in("applied")
    outcomes = race(*[
        (lambda: services.ledger.village_review(p.id, date=date(2024, 1, 6), approve=True,
                                                reason=None))
        for _ in range(4)
    ])
    wins = [o for o in outcomes if isinstance(o, Placement)]
    losses = [o for o in outcomes if isinstance(o, (ConcurrentChange, StepNotAllowed))]
    assert len(wins) == 1 and len(losses) == 3
    assert county.event_types(p.id) == ["Applied", "VillageReviewed"]


def test_one_person_cannot_slip_into_two_posts_at_once(services: Services) -> None:
    county = County(services.ledger)
    other = county.new_post(township="shuangyan", village="hongqi")
    outcomes = race(
        lambda: services.ledger.apply(county.post_id, date=date(2024, 1, 5),
                                      applicant=person(7)),
        lambda: services.ledger.apply(other, date=date(2024, 1, 5), applicant=person(7)),
    )
    wins = [o for o in outcomes if isinstance(o, Placement)]
    assert len(wins) == 1, outcomes
    loss = next(o for o in outcomes if not isinstance(o, Placement))
    assert isinstance(loss, (ConcurrentChange, LimitReached))
    if isinstance(loss, LimitReached):
        assert loss.rule == "R-ELIG-4"


def test_two_onboardings_cannot_both_take_the_last_seat(services: Services) -> None:
    county = County(services.ledger)
    post = county.new_post(headcount=1)
    a = county.placement_in("trained", n=1, post_id=post)
    b = county.placement_in("trained", n=2, post_id=post)
    race(
        lambda: services.ledger.onboard(a.id, date=date(2024, 1, 15), agreement_end=None),
        lambda: services.ledger.onboard(b.id, date=date(2024, 1, 15), agreement_end=None),
    )
    states = sorted([county.get(a.id).state.value, county.get(b.id).state.value])
    assert states == ["active", "trained"]
    with acting_as(ADMIN):
        assert len(services.ledger.get_post(post).occupants) == 1


def test_the_read_model_lists_what_the_log_says_and_applies_each_batch_once(
    services: Services,
) -> None:
    county = County(services.ledger)
    active = county.placement_in("active", n=1)
    county.placement_in("in_publicity", n=2)
    second_reader = ReadModel(services.read_model.engine, services.read_model.keys)
    race(lambda: services.read_model.catch_up(services.ledger),
         lambda: second_reader.catch_up(services.ledger))
    rows = services.read_model.list_placements(within="520524", state="active")
    assert [r["id"] for r in rows] == [str(active.id)]
    assert rows[0]["agreement_end"] == date(2027, 1, 15)
    everyone = services.read_model.list_placements(within="520524/chengguan")
    assert len(everyone) == 2
    assert services.read_model.list_placements(within="520524/shuangyan") == []
    assert services.read_model.catch_up(services.ledger) == 0

    rebuilt = services.read_model.rebuild(services.ledger)
    assert rebuilt > 0
    assert services.read_model.list_placements(within="520524", state="active") == rows
