"""The demo county plants every R-FRAUD kind of RULES.md §5 (R-FRAUD-1…9) and an inspector finds
each one through the API — ``GET /audit/verify`` then ``GET /audit/findings`` — while the demo's
clean placements are never flagged; the placement whose stored event was changed (R-FRAUD-8)
still reads."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from postledger.api.demo import DemoSize, load_demo
from postledger.api.deps import Services

TODAY = date(2026, 11, 15)
INSPECTOR = {"Authorization": "Bearer dev:inspector:520524:zhou"}
EVERY_RULE = {f"R-FRAUD-{n}" for n in range(1, 10)}


def test_a_small_demo_shows_every_fraud_kind_and_flags_no_clean_placement(
        services: Services, client: TestClient) -> None:
    summary = load_demo(services.ledger, size=DemoSize(1, 2, 6), today=TODAY)
    assert set(summary.planted) == EVERY_RULE

    verify = client.get("/audit/verify", headers=INSPECTOR)
    assert verify.status_code == 200, verify.text
    report = verify.json()
    assert not report["ok"]
    assert {b["stream_id"] for b in report["broken"]} == set(summary.planted["R-FRAUD-8"])

    answer = client.get("/audit/findings", headers=INSPECTOR)
    assert answer.status_code == 200, answer.text
    findings = answer.json()
    assert {f["rule"] for f in findings} == EVERY_RULE

    planted = {pid for ids in summary.planted.values() for pid in ids}

    def cited(finding: dict[str, object]) -> set[str]:
        events = finding["events"]
        assert isinstance(events, list)
        return {e["stream_id"] for e in events}

    for rule, ids in summary.planted.items():
        for pid in ids:
            assert any(f["rule"] == rule and pid in cited(f) for f in findings), (rule, pid)
    clean_flagged = [f["detail"] for f in findings if not cited(f) & planted]
    assert clean_flagged == []

    tampered = summary.planted["R-FRAUD-8"][0]
    read = client.get(f"/placements/{tampered}", headers=INSPECTOR)
    assert read.status_code == 200, read.text


def test_the_demo_s_history_is_recorded_on_its_days_and_the_county_keeps_60_days(
        services: Services, client: TestClient) -> None:
    """R-FRAUD-9 is planted, not caused by loading two years at once: the county keeps the
    default backdating_days and only the planted placement is flagged for it."""
    summary = load_demo(services.ledger, size=DemoSize(1, 2, 6), today=TODAY)
    policy = client.get("/policies/520524", headers=INSPECTOR)
    assert policy.status_code == 200, policy.text
    assert policy.json()["terms"]["backdating_days"] == 60
    late = client.get("/audit/findings", params={"rule": "R-FRAUD-9"}, headers=INSPECTOR).json()
    assert {f["subject_id"] for f in late} == set(summary.planted["R-FRAUD-9"])
