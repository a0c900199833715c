"""``postledger demo load``: a county with placements at every step, two years of attendance and
payments, claims of every type and planted frauds; loaded once."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from postledger.api.demo import DemoSize, load_demo
from postledger.api.deps import Services
from postledger.domain.actor import Actor, acting_as

TODAY = date(2026, 11, 15)


def test_the_demo_county_has_every_step_and_every_claim_type(services: Services) -> None:
    summary = load_demo(services.ledger, today=TODAY)
    assert summary.loaded and summary.placements == 72
    services.read_model.catch_up(services.ledger)
    rows = services.read_model.list_placements(within="520524")
    assert {row["state"] for row in rows} == {
        "applied", "village_approved", "township_approved", "in_publicity", "objection_pending",
        "approved", "trained", "active", "rejected", "exited", "withdrawn"}
    kinds = {row["kind"] for row in services.read_model.list_posts(within="520524")}
    assert len(kinds) == 10  # every R-POST-1 kind
    claim_rows = services.read_model.list_claims(within="520524")
    assert len({row["type"] for row in claim_rows}) == 9
    assert {row["state"] for row in claim_rows} >= {"submitted", "approved", "rejected", "paid"}
    assert set(summary.planted) == {f"R-FRAUD-{n}" for n in range(1, 10)}


def test_an_active_demo_placement_has_two_years_of_paid_attendance(services: Services) -> None:
    load_demo(services.ledger, today=TODAY)
    services.read_model.catch_up(services.ledger)
    active = services.read_model.list_placements(within="520524", state="active")
    with acting_as(Actor("inspector", "520524", "test")):
        placement = services.ledger.get_placement(UUID(active[0]["id"]))
    assert len(placement.attendance) >= 23
    assert len(placement.payments) >= 22


def test_loading_twice_loads_once(services: Services) -> None:
    first = load_demo(services.ledger, size=DemoSize(1, 1, 4), today=TODAY)
    events = services.ledger.recorder.max_notification_id()
    second = load_demo(services.ledger, size=DemoSize(1, 1, 4), today=TODAY)
    assert first.loaded and not second.loaded
    assert "already holds the demo" in str(second)
    assert services.ledger.recorder.max_notification_id() == events


def test_the_generator_scales_and_saves_in_batches(services: Services) -> None:
    seen: list[int] = []
    summary = load_demo(services.ledger, size=DemoSize(2, 2, 10), seed=7, county="520525",
                        today=TODAY, batch_events=500, progress=lambda done, _: seen.append(done))
    assert summary.placements == 40 and seen[-1] == 40
    assert summary.events == services.ledger.recorder.max_notification_id()
