"""The demo county (``postledger demo load``) plants frauds among ordinary placements: the
findings read model finds each planted one, citing its events, and flags nothing else."""

from __future__ import annotations

from datetime import date

from postledger.api.demo import load_demo
from postledger.api.deps import Services
from postledger.workflows.verify import verify_chains


def test_the_demo_county_s_planted_frauds_are_found_and_nothing_else(services: Services) -> None:
    summary = load_demo(services.ledger, today=date(2026, 11, 15))
    assert summary.planted, "the demo plants frauds"
    services.read_model.catch_up(services.ledger)
    report = verify_chains(services.ledger, "520524")  # R-FRAUD-8, as GET /audit/verify does
    services.read_model.record_tamper_links("520524", report.broken)
    findings = services.read_model.findings(county="520524")
    assert {f["rule"] for f in findings} == {f"R-FRAUD-{n}" for n in range(1, 10)}

    def cites(finding: dict[str, object], stream: str) -> bool:
        events = finding["events"]
        assert isinstance(events, list)
        return any(e["stream_id"] == stream for e in events)

    missed = [(rule, pid) for rule, ids in summary.planted.items() for pid in ids
              if not any(f["rule"] == rule and cites(f, pid) for f in findings)]
    assert missed == []
    planted = {pid for ids in summary.planted.values() for pid in ids}
    unplanted = [f["detail"] for f in findings if not any(cites(f, pid) for pid in planted)]
    assert unplanted == []
