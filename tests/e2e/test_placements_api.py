"""The Policy, Posts and Placements parts of API.md through HTTP, on both stores."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from typing import Any

import pytest
from fastapi.testclient import TestClient

from postledger.infrastructure.clock import BusinessClock
from tests.scenario import person

COUNTY = {"Authorization": "Bearer dev:county:520524:li"}
TOWNSHIP = {"Authorization": "Bearer dev:township:520524/chengguan:wang"}
OTHER_TOWNSHIP = {"Authorization": "Bearer dev:township:520524/shuangyan:sun"}
VILLAGE = {"Authorization": "Bearer dev:village:520524/chengguan/dongmen:zhao"}
CLERK = {"Authorization": "Bearer dev:clerk:520524/chengguan/dongmen:qian"}
INSPECTOR = {"Authorization": "Bearer dev:inspector:520524:audit"}
ADMIN = {"Authorization": "Bearer dev:admin:520524:root"}
SIGNED = {"secretary": "罗书记", "member": "潘委员", "worker": "本人"}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def problem(response: Any, status: int, rule: str | None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail", "rule"} <= body.keys()
    assert body["status"] == status
    assert body["rule"] == rule, body
    return body


def a_post(client: TestClient, headcount: int = 2) -> str:
    post = ok(client.post("/posts", headers=COUNTY, json={
        "county": "520524", "township": "chengguan", "village": "dongmen",
        "department": "交通局", "kind": "road", "title": "护路员", "headcount": headcount,
        "full_time": False,
    }), 201)
    ok(client.post(f"/posts/{post['id']}/notice", headers=COUNTY, json={
        "date": "2024-01-01", "closes_on": "2024-01-10", "conditions": "脱贫劳动力",
        "duties": "道路养护"}))
    return str(post["id"])


def an_application(client: TestClient, post_id: str, n: int = 1) -> str:
    body = ok(client.post("/placements", headers=CLERK, json={
        "post_id": post_id, "date": "2024-01-05", "applicant": person(n)}), 201)
    assert body["state"] == "applied"
    return str(body["id"])


def to_active(client: TestClient, pid: str) -> None:
    steps = [
        (VILLAGE, "village-review", {"date": "2024-01-06", "approve": True}, "village_approved"),
        (TOWNSHIP, "township-review", {"date": "2024-01-07", "approve": True},
         "township_approved"),
        (TOWNSHIP, "publicity", {"date": "2024-01-08"}, "in_publicity"),
        (TOWNSHIP, "approval", {"date": "2024-01-13"}, "approved"),
        (TOWNSHIP, "training", {"date": "2024-01-14", "hours": 8, "topic": "安全"}, "trained"),
        (TOWNSHIP, "onboarding", {"date": "2024-01-15"}, "active"),
    ]
    for headers, step, body, state in steps:
        assert ok(client.post(f"/placements/{pid}/{step}", headers=headers,
                              json=body))["state"] == state


def test_health_names_the_store(client: TestClient) -> None:
    body = ok(client.get("/health"))
    assert body["status"] == "ok"
    assert body["store"] in ("sqlite", "postgresql")


def test_from_application_to_a_paid_month(client: TestClient) -> None:
    pid = an_application(client, a_post(client))
    to_active(client, pid)
    ok(client.post(f"/placements/{pid}/attendance", headers=VILLAGE, json={
        "date": "2024-02-01", "month": "2024-01", "days_worked": 16, "signatures": SIGNED}))
    paid = ok(client.post(f"/placements/{pid}/payments", headers=COUNTY,
                          json={"date": "2024-02-05", "month": "2024-01"}))
    assert paid["state"] == "active"
    assert paid["payments"]["2024-01"] == {"date": "2024-02-05", "amount_fen": 50000}
    assert paid["agreement_end"] == "2027-01-15"

    history = ok(client.get(f"/placements/{pid}/history", headers=INSPECTOR))
    assert [h["type"] for h in history][-2:] == ["AttendanceRecorded", "Paid"]
    assert history[-1]["actor"] == {"role": "county", "jurisdiction": "520524", "name": "li"}
    assert history[-1]["date"] == "2024-02-05"
    assert all(b["previous_hash"] == a["hash"] for a, b in pairwise(history))

    listed = ok(client.get("/placements?township=chengguan&state=active", headers=INSPECTOR))
    assert [row["id"] for row in listed] == [pid]
    by_person = ok(client.get(f"/placements?person={person(1)['resident_id']}",
                              headers=TOWNSHIP))
    assert [row["id"] for row in by_person] == [pid]


def test_state_as_it_was_at_an_instant(client: TestClient) -> None:
    pid = an_application(client, a_post(client))
    to_active(client, pid)
    history = ok(client.get(f"/placements/{pid}/history", headers=TOWNSHIP))
    then = history[2]["recorded_at"]  # TownshipReviewed
    past = ok(client.get(f"/placements/{pid}", params={"as_of": then}, headers=TOWNSHIP))
    assert past["state"] == "township_approved"
    assert past["version"] == 3
    problem(client.get(f"/placements/{pid}", params={"as_of": "2000-01-01T00:00:00+08:00"},
                       headers=TOWNSHIP), 404, None)


def test_a_step_out_of_order_is_409_with_rule_and_state(client: TestClient) -> None:
    pid = an_application(client, a_post(client))
    body = problem(client.post(f"/placements/{pid}/approval", headers=TOWNSHIP,
                               json={"date": "2024-01-13"}), 409, "R-FLOW-1")
    assert body["state"] == "applied"
    assert "village-review" in body["detail"]


def test_refusals_name_their_rules(client: TestClient) -> None:
    post = a_post(client)
    bad_id = {**person(1), "resident_id": "34052419800101001Y"}
    problem(client.post("/placements", headers=CLERK, json={
        "post_id": post, "date": "2024-01-05", "applicant": bad_id}), 422, "R-ELIG-2")
    pid = an_application(client, post)
    problem(client.post(f"/placements/{pid}/village-review", headers=VILLAGE,
                        json={"date": "2024-01-06", "approve": False}), 422, "R-FLOW-2")
    to_active(client, pid)
    problem(client.post(f"/placements/{pid}/attendance", headers=VILLAGE, json={
        "date": "2024-02-01", "month": "2024-01", "days_worked": 16,
        "signatures": {**SIGNED, "member": SIGNED["secretary"]}}), 422, "R-ATT-1")
    problem(client.post(f"/placements/{pid}/payments", headers=COUNTY,
                        json={"date": "2024-02-05", "month": "2024-01"}), 409, "R-PAY-2")
    problem(client.post(f"/placements/{pid}/exit", headers=TOWNSHIP,
                        json={"date": "2024-03-01", "reason": "dismissed"}), 422, "R-EXIT-3")


def test_an_objection_blocks_approval_until_dismissed(client: TestClient) -> None:
    pid = an_application(client, a_post(client))
    for headers, step, body in [
        (VILLAGE, "village-review", {"date": "2024-01-06", "approve": True}),
        (TOWNSHIP, "township-review", {"date": "2024-01-07", "approve": True}),
        (TOWNSHIP, "publicity", {"date": "2024-01-08"}),
    ]:
        ok(client.post(f"/placements/{pid}/{step}", headers=headers, json=body))
    raised = ok(client.post(f"/placements/{pid}/objections", headers=CLERK, json={
        "date": "2024-01-09", "raised_by": "村民", "text": "家有轿车"}))
    assert raised["state"] == "objection_pending"
    problem(client.post(f"/placements/{pid}/approval", headers=TOWNSHIP,
                        json={"date": "2024-01-13"}), 409, "R-PUB-2")
    resumed = ok(client.post(
        f"/placements/{pid}/objections/{raised['objection_id']}/resolution", headers=TOWNSHIP,
        json={"date": "2024-01-10", "upheld": False, "reason": "车辆属亲属"}))
    assert resumed["state"] == "in_publicity"
    problem(client.post(f"/placements/{pid}/approval", headers=TOWNSHIP,
                        json={"date": "2024-01-12"}), 409, "R-PUB-1")
    assert ok(client.post(f"/placements/{pid}/approval", headers=TOWNSHIP,
                          json={"date": "2024-01-13"}))["state"] == "approved"


@pytest.mark.parametrize(
    "headers, step, body",
    [
        (CLERK, "village-review", {"date": "2024-01-06", "approve": True}),
        (INSPECTOR, "village-review", {"date": "2024-01-06", "approve": True}),
        (OTHER_TOWNSHIP, "withdrawal", {"date": "2024-01-06"}),
        ({"Authorization": "Bearer dev:village:520524/chengguan/ximen:x"}, "village-review",
         {"date": "2024-01-06", "approve": True}),
    ],
)
def test_forbidden_actors_and_jurisdictions_get_403(
    client: TestClient, headers: dict[str, str], step: str, body: dict[str, Any]
) -> None:
    pid = an_application(client, a_post(client))
    problem(client.post(f"/placements/{pid}/{step}", headers=headers, json=body), 403, None)
    assert ok(client.get(f"/placements/{pid}", headers=TOWNSHIP))["version"] == 1


def test_a_township_sees_only_its_own_placements(client: TestClient) -> None:
    pid = an_application(client, a_post(client))
    problem(client.get(f"/placements/{pid}", headers=OTHER_TOWNSHIP), 403, None)
    assert ok(client.get("/placements", headers=OTHER_TOWNSHIP)) == []
    assert len(ok(client.get("/placements", headers=TOWNSHIP))) == 1


def test_county_staff_may_take_township_steps_in_their_county(client: TestClient) -> None:
    pid = an_application(client, a_post(client))
    ok(client.post(f"/placements/{pid}/village-review", headers=VILLAGE,
                   json={"date": "2024-01-06", "approve": True}))
    assert ok(client.post(f"/placements/{pid}/township-review", headers=COUNTY,
                          json={"date": "2024-01-07", "approve": True}))["state"] == \
        "township_approved"


def test_missing_or_bad_tokens_get_401(client: TestClient) -> None:
    problem(client.get("/placements"), 401, None)
    problem(client.get("/placements", headers={"Authorization": "Bearer dev:king:x:y"}), 401,
            None)


def test_unknown_ids_are_404_and_bad_bodies_422(client: TestClient) -> None:
    problem(client.get("/placements/6f1c1a8e-7d1f-4c0e-9a53-0a0d3f6f2b11", headers=ADMIN),
            404, None)
    problem(client.post("/placements", headers=CLERK, json={"date": "2024-01-05"}), 422, None)
    problem(client.post("/posts", headers=COUNTY, json={
        "county": "520524", "township": "chengguan", "department": "x", "kind": "castle",
        "title": "x", "headcount": 1}), 422, "R-POST-1")


def test_the_same_idempotency_key_replays_the_first_answer(client: TestClient) -> None:
    post = a_post(client)
    body = {"post_id": post, "date": "2024-01-05", "applicant": person(3)}
    keyed = {**CLERK, "Idempotency-Key": "apply-3"}
    first = client.post("/placements", headers=keyed, json=body)
    second = client.post("/placements", headers=keyed, json=body)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert len(ok(client.get("/placements", headers=TOWNSHIP))) == 1
    problem(client.post("/placements", headers=keyed, json={**body, "date": "2024-01-06"}),
            422, None)


def test_policy_versions_apply_from_their_effective_date(client: TestClient) -> None:
    ok(client.put("/policies/520524", headers=ADMIN,
                  json={"effective_from": "2025-01-01", "monthly_subsidy_fen": 40000}))
    before = ok(client.get("/policies/520524?as_of=2024-12-31", headers=INSPECTOR))
    after = ok(client.get("/policies/520524?as_of=2025-01-01", headers=INSPECTOR))
    assert before["terms"]["monthly_subsidy_fen"] == 50000
    assert before["effective_from"] is None
    assert after["terms"]["monthly_subsidy_fen"] == 40000
    assert after["effective_from"] == "2025-01-01"
    problem(client.put("/policies/520524", headers=COUNTY,
                       json={"effective_from": "2025-01-01"}), 403, None)
    problem(client.put("/policies/520524", headers=ADMIN,
                       json={"effective_from": "2025-01-01", "age_min": 70}), 422, "R-ELIG-1")


def test_posts_are_listed_by_kind_and_township(client: TestClient) -> None:
    post = a_post(client)
    listed = ok(client.get("/posts?kind=road&township=chengguan", headers=INSPECTOR))
    assert [p["id"] for p in listed] == [post]
    assert ok(client.get("/posts?kind=forest", headers=INSPECTOR)) == []
    shown = ok(client.get(f"/posts/{post}", headers=INSPECTOR))
    assert shown["notices"][0]["closes_on"] == "2024-01-10"


def test_the_scheduler_ends_expired_agreements_once_over_http(client: TestClient) -> None:
    client.app.state.services.ledger.clock = BusinessClock.fixed(date(2027, 3, 1))  # type: ignore[attr-defined]
    pid = an_application(client, a_post(client))
    to_active(client, pid)
    problem(client.post("/scheduler/run", headers=COUNTY, json={"as_of": "2027-02-01"}), 403,
            None)
    first = ok(client.post("/scheduler/run", headers=ADMIN, json={"as_of": "2027-02-01"}))
    assert [(r["placement_id"], r["date"], r["reason"]) for r in first["exited"]] == [
        (pid, "2027-01-15", "term_expired")]
    assert ok(client.get(f"/placements/{pid}", headers=TOWNSHIP))["state"] == "exited"
    second = ok(client.post("/scheduler/run", headers=ADMIN, json={"as_of": "2027-02-01"}))
    assert second["exited"] == []
    problem(client.post(f"/placements/{pid}/payments", headers=COUNTY,
                        json={"date": "2027-02-05", "month": "2027-01"}), 409, "R-FLOW-1")


def test_concurrent_requests_for_one_step_give_one_200_and_409s(client: TestClient) -> None:
    import threading

    pid = an_application(client, a_post(client))
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def review() -> None:
        barrier.wait()
        response = client.post(f"/placements/{pid}/village-review", headers=VILLAGE,
                               json={"date": "2024-01-06", "approve": True})
        statuses.append(response.status_code)
        if response.status_code == 409:
            assert response.json()["status"] == 409

    threads = [threading.Thread(target=review) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 409, 409, 409]
    history = ok(client.get(f"/placements/{pid}/history", headers=VILLAGE))
    assert [h["type"] for h in history] == ["Applied", "VillageReviewed"]
