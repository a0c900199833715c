"""The Subsidy claims part of API.md over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from postledger.api.deps import Services
from postledger.api.main import create_app
from postledger.api.routers import claims as claims_router
from postledger.domain.presets import ZHIJIN_ABSORPTION
from postledger.domain.resident_id import ResidentId
from postledger.domain.values import mask_resident_id
from tests.subsidy_tables import HUIZE_SUBSIDIES

COUNTY = "530326"
CLERK = {"Authorization": f"Bearer dev:clerk:{COUNTY}:li"}
REVIEWER = {"Authorization": f"Bearer dev:county:{COUNTY}:zhang"}
ADMIN = {"Authorization": "Bearer dev:admin::root"}
OTHER_COUNTY = {"Authorization": "Bearer dev:county:520524:wu"}
CO_OP = {"kind": "organisation", "name": "Huize Potato Co-op", "credit_code": "93530326MA6POTATO"}

WORKERS = [{"resident_id": rid, "category": "not_lifted", "months_stable": 13,
            "contract_months": 12, "relocated": False, "hired_on": "2023-03-01"}
           for rid in ("11010519491231002X", "440524188001010014", "370101190102039973")]


def _app(services: Services) -> FastAPI:
    app = create_app(services=services)
    if not any(getattr(r, "path", "").startswith("/claims") for r in app.routes):
        app.include_router(claims_router.router)
    return app


@pytest.fixture
def api(services: Services) -> Iterator[TestClient]:
    with TestClient(_app(services)) as test_client:
        yield test_client


def _transport(**facts: Any) -> dict[str, Any]:
    return {
        "type": "transport", "county": COUNTY, "date": "2024-06-01",
        "claimant": {"name": "Wang Fang", "resident_id": "34052419800101001X",
                     "category": "not_lifted", "township": "jinzhong"},
        "facts": {"destination": "other_county", "ticket_price_fen": 45_000,
                  "months_stable": 3, "real_name_ticket": True, **facts},
    }


def test_a_claim_from_submission_to_clawback(api: TestClient) -> None:
    created = api.post("/claims", json=_transport(), headers=CLERK)
    assert created.status_code == 201, created.text
    claim = created.json()
    assert (claim["amount_fen"], claim["state"], claim["rule"]) == (
        30_000, "submitted", "R-SUB-TRANSPORT")
    assert claim["type_label"]["label"] == "交通补助"
    assert claim["allowed_steps"] == ["review", "withdrawal"]
    cid = claim["id"]

    reviewed = api.post(f"/claims/{cid}/review", json={"date": "2024-06-03", "approve": True},
                        headers=REVIEWER)
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()["state"] == "approved"
    paid = api.post(f"/claims/{cid}/payment", json={"date": "2024-06-05"}, headers=REVIEWER)
    assert (paid.json()["state"], paid.json()["paid_fen"]) == ("paid", 30_000)

    too_much = api.post(f"/claims/{cid}/clawback",
                        json={"date": "2024-07-01", "reason": "no stable work",
                              "amount_fen": 30_001}, headers=REVIEWER)
    assert too_much.status_code == 422
    assert too_much.headers["content-type"].startswith("application/problem+json")
    assert (too_much.json()["rule"], too_much.json()["fact"]) == ("R-SUB-TRANSPORT",
                                                                  "amount_fen")
    back = api.post(f"/claims/{cid}/clawback",
                    json={"date": "2024-07-01", "reason": "no stable work",
                          "amount_fen": 30_000}, headers=REVIEWER)
    assert (back.json()["state"], back.json()["clawed_back_fen"]) == ("clawed_back", 30_000)

    got = api.get(f"/claims/{cid}", headers=REVIEWER).json()
    assert got["clawbacks"] == [{"date": "2024-07-01", "amount_fen": 30_000,
                                 "reason": "no stable work"}]
    history = api.get(f"/claims/{cid}/history", headers=REVIEWER).json()
    assert [h["type"] for h in history] == ["Submitted", "Reviewed", "Paid", "ClawedBack"]
    assert [h["date"] for h in history] == ["2024-06-01", "2024-06-03", "2024-06-05",
                                            "2024-07-01"]
    assert history[0]["actor"] == {"role": "clerk", "jurisdiction": COUNTY, "name": "li"}
    assert history[1]["previous_hash"] == history[0]["hash"]


def test_a_broken_condition_is_422_naming_rule_and_fact(api: TestClient) -> None:
    refused = api.post("/claims", json=_transport(months_stable=2), headers=CLERK)
    assert refused.status_code == 422
    body = refused.json()
    assert (body["rule"], body["fact"]) == ("R-SUB-TRANSPORT", "facts.months_stable")
    assert "facts.months_stable" in body["detail"]
    unknown = api.post("/claims", json={**_transport(), "type": "lottery"}, headers=CLERK)
    assert (unknown.status_code, unknown.json()["fact"]) == (422, "type")


def test_steps_out_of_order_are_409_and_a_claim_over_a_limit_422(api: TestClient) -> None:
    cid = api.post("/claims", json=_transport(), headers=CLERK).json()["id"]
    early = api.post(f"/claims/{cid}/payment", json={"date": "2024-06-05"}, headers=REVIEWER)
    assert early.status_code == 409
    assert (early.json()["rule"], early.json()["state"]) == ("R-FLOW-1", "submitted")
    api.post(f"/claims/{cid}/review", json={"date": "2024-06-03", "approve": True},
             headers=REVIEWER)
    # submitted while another is approved: the claim as stated cannot be granted (422)
    again = api.post("/claims", json=_transport(), headers=CLERK)
    assert again.status_code == 422
    assert (again.json()["rule"], again.json()["fact"]) == ("R-SUB-TRANSPORT",
                                                            "claimant.resident_id")
    # submitted before the first was approved: its approval is refused (409)
    late = api.post("/claims", json={**_transport(), "date": "2025-01-05"}, headers=CLERK)
    late2 = api.post("/claims", json={**_transport(), "date": "2025-01-06"}, headers=CLERK)
    for claim in (late, late2):
        assert claim.status_code == 201, claim.text
    api.post(f"/claims/{late.json()['id']}/review", json={"date": "2025-01-07", "approve": True},
             headers=REVIEWER).raise_for_status()
    refused = api.post(f"/claims/{late2.json()['id']}/review",
                       json={"date": "2025-01-07", "approve": True}, headers=REVIEWER)
    assert refused.status_code == 409
    assert refused.json()["rule"] == "R-SUB-TRANSPORT"


def test_who_may_take_each_step(api: TestClient) -> None:
    cid = api.post("/claims", json=_transport(), headers=CLERK).json()["id"]
    review = {"date": "2024-06-03", "approve": True}
    assert api.post(f"/claims/{cid}/review", json=review, headers=CLERK).status_code == 403
    assert api.post(f"/claims/{cid}/review", json=review,
                    headers=OTHER_COUNTY).status_code == 403
    assert api.get(f"/claims/{cid}", headers=OTHER_COUNTY).status_code == 403
    assert api.post("/claims", json=_transport(), headers=REVIEWER).status_code == 403
    # an admin who submitted a claim may not review it
    own = api.post("/claims", json={**_transport(), "type": "startup",
                                    "facts": {"registered_on": "2023-01-01", "running": True,
                                              "first_business": True}},
                   headers=ADMIN).json()["id"]
    selfreview = api.post(f"/claims/{own}/review", json=review, headers=ADMIN)
    assert (selfreview.status_code, selfreview.json()["rule"]) == (403, "R-SUB-STARTUP")
    assert api.get("/claims/00000000-0000-0000-0000-000000000000",
                   headers=REVIEWER).status_code == 404


def test_withdrawal_before_review(api: TestClient) -> None:
    cid = api.post("/claims", json=_transport(), headers=CLERK).json()["id"]
    gone = api.post(f"/claims/{cid}/withdrawal", json={"date": "2024-06-02"}, headers=CLERK)
    assert gone.json()["state"] == "withdrawn"
    late = api.post(f"/claims/{cid}/review", json={"date": "2024-06-03", "approve": True},
                    headers=REVIEWER)
    assert late.status_code == 409


def test_a_county_table_set_through_the_policy_endpoint(api: TestClient) -> None:
    claim = {"type": "absorption", "county": COUNTY, "date": "2024-06-01",
             "claimant": CO_OP, "facts": {"employer": "Huize Potato Co-op", "workers": WORKERS}}
    huize = api.post("/claims", json=claim, headers=CLERK)  # the default policy: Huize's tables
    assert huize.status_code == 201, huize.text
    assert huize.json()["amount_fen"] == 3 * 200_000
    assert huize.json()["table"]["per_worker_fen"] == 200_000
    put = api.put(f"/policies/{COUNTY}",
                  json={"effective_from": "2024-06-01",
                        "subsidies": {"absorption": ZHIJIN_ABSORPTION}},
                  headers=ADMIN)
    assert put.status_code == 200, put.text
    others = [dict(w, resident_id=r) for w, r in zip(WORKERS, _ids(300, 3), strict=True)]
    zhijin = api.post("/claims", json={**claim, "facts": {**claim["facts"], "workers": others}},
                      headers=CLERK)
    assert zhijin.status_code == 201, zhijin.text
    assert zhijin.json()["amount_fen"] == 3 * 50_000


def test_list_claims_by_county_type_and_state(api: TestClient) -> None:
    first = api.post("/claims", json=_transport(), headers=CLERK).json()["id"]
    startup = {**_transport(), "type": "startup",
               "facts": {"registered_on": "2023-01-01", "running": True, "first_business": True}}
    second = api.post("/claims", json=startup, headers=CLERK).json()["id"]
    api.post(f"/claims/{first}/review", json={"date": "2024-06-03", "approve": True},
             headers=REVIEWER)
    every = api.get("/claims", params={"county": COUNTY}, headers=REVIEWER).json()
    assert {c["id"] for c in every} == {first, second}
    approved = api.get("/claims", params={"state": "approved"}, headers=REVIEWER).json()
    assert [c["id"] for c in approved] == [first]
    startups = api.get("/claims", params={"type": "startup"}, headers=REVIEWER).json()
    assert [(c["id"], c["amount_fen"]) for c in startups] == [(second, 300_000)]
    assert api.get("/claims", headers=OTHER_COUNTY).json() == []


def test_idempotent_submission(api: TestClient) -> None:
    headers = {**CLERK, "Idempotency-Key": "claim-1"}
    first = api.post("/claims", json=_transport(), headers=headers)
    again = api.post("/claims", json=_transport(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]


def _ids(first: int, n: int) -> list[str]:
    return [ResidentId.compose(COUNTY, date(1985, 5, 5), first + i).value for i in range(n)]


def test_named_workshop_laborers_are_paid_once_over_http(api: TestClient) -> None:
    def workshop(workshop_id: str, laborers: list[str]) -> dict[str, Any]:
        return {"type": "workshop", "county": COUNTY, "date": "2024-06-01",
                "claimant": {"kind": "organisation", "name": "Hekou Bamboo Workshop"},
                "facts": {"workshop_id": workshop_id,
                          "poor_laborers": [{"resident_id": r, "category": "lifted"}
                                            for r in laborers],
                          "contract_months": 6, "wage_at_least_minimum": True}}

    crew = _ids(10, 6)
    first = api.post("/claims", json=workshop("HK-1", crew), headers=CLERK)
    assert first.status_code == 201, first.text
    assert first.json()["amount_fen"] == 600_000
    approved = api.post(f"/claims/{first.json()['id']}/review",
                        json={"date": "2024-06-02", "approve": True}, headers=REVIEWER)
    assert approved.status_code == 200, approved.text
    again = api.post("/claims", json=workshop("HK-2", [crew[0], *_ids(20, 4)]), headers=CLERK)
    assert again.status_code == 422
    assert (again.json()["rule"], again.json()["fact"]) == ("R-SUB-WORKSHOP",
                                                            "facts.poor_laborers[0]")
    # Named, masked (API.md v1.1: no error body holds a full resident id).
    assert mask_resident_id(crew[0]) in again.json()["detail"]
    assert crew[0] not in again.text


def test_a_split_huize_intake_is_priced_by_the_whole_year(api: TestClient) -> None:
    put = api.put(f"/policies/{COUNTY}",
                  json={"effective_from": "2024-01-01", "subsidies": HUIZE_SUBSIDIES},
                  headers=ADMIN)
    assert put.status_code == 200, put.text

    def absorption(first: int, n: int) -> dict[str, Any]:
        return {"type": "absorption", "county": COUNTY, "date": "2024-06-01",
                "claimant": CO_OP,
                "facts": {"employer": "Huize Potato Co-op", "workers": [
                    {"resident_id": r, "category": "lifted", "months_stable": 13,
                     "contract_months": 12, "relocated": False, "hired_on": "2023-03-01"}
                    for r in _ids(first, n)]}}

    ten = api.post("/claims", json=absorption(100, 10), headers=CLERK)
    assert ten.json()["amount_fen"] == 10 * 200_000
    api.post(f"/claims/{ten.json()['id']}/review", json={"date": "2024-06-02", "approve": True},
             headers=REVIEWER).raise_for_status()
    more = api.post("/claims", json=absorption(200, 10), headers=CLERK)
    assert more.status_code == 422
    assert (more.json()["rule"], more.json()["fact"]) == ("R-SUB-ABSORB", "facts.workers")


def test_a_claim_with_long_names_and_large_sums_is_listed(api: TestClient) -> None:
    # Every claim the domain accepts must reach the list: a failed projection would stop the
    # list for everyone.
    long_township = "x" * 64
    insured = {"type": "social_insurance", "county": COUNTY, "date": "2024-06-01",
               "claimant": {"name": "名" * 50, "resident_id": "34052419800101001X",
                            "category": "lifted", "township": long_township},
               "facts": {"months": [{"month": "2024-05", "premiums_paid_fen": 100_000_000}],
                         "graduate": False, "small_firm": False}}
    created = api.post("/claims", json=insured, headers=CLERK)
    assert created.status_code == 201, created.text
    assert created.json()["amount_fen"] == 100_000_000  # national: the premiums paid, no share
    listed = api.get(f"/claims?county={COUNTY}", headers=REVIEWER)
    assert listed.status_code == 200, listed.text
    assert [c["amount_fen"] for c in listed.json()] == [100_000_000]
    too_long = api.post("/claims", json={**insured, "claimant": {
        **insured["claimant"], "name": "名" * 51}}, headers=CLERK)
    assert (too_long.status_code, too_long.json()["fact"]) == (422, "claimant.name")
