"""``postledger demo load``: a county with placements at every step and claims of every type."""

from __future__ import annotations

from postledger.api.demo import load_demo
from postledger.api.deps import Services


def test_the_demo_county_has_every_step_and_every_claim_type(services: Services) -> None:
    summary = load_demo(services.ledger)
    assert summary == "9 posts, 10 placements, 9 claims in county 520524"
    services.read_model.catch_up(services.ledger)
    states = {row["state"] for row in services.read_model.list_placements(within="520524")}
    assert states == {"applied", "village_approved", "township_approved", "in_publicity",
                      "objection_pending", "approved", "trained", "active", "rejected"}
    rows = services.read_model.list_claims(within="520524")
    assert len({row["type"] for row in rows}) == 9
    assert {row["state"] for row in rows} >= {"submitted", "approved", "rejected", "paid"}
