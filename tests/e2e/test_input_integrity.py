"""Issue 10, "Input integrity", through HTTP on both stores: each defect found, refused now.

API.md v1.1 "Input, for every endpoint" and "Automatic process"; R-INPUT-1, R-INPUT-2.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from postledger.infrastructure.clock import BusinessClock
from tests.e2e.test_placements_api import (
    ADMIN,
    CLERK,
    COUNTY,
    SIGNED,
    TOWNSHIP,
    VILLAGE,
    a_post,
    an_application,
    ok,
    problem,
    to_active,
)
from tests.scenario import person

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def field_problem(response: Any, field: str, rule: str | None) -> dict[str, Any]:
    """A 422 naming ``field`` in ``errors`` and, when given, the rule at the top."""
    body = problem(response, 422, rule)
    assert field in [e["field"] for e in body["errors"]], body
    return body


def active_placement(client: TestClient) -> str:
    pid = an_application(client, a_post(client))
    to_active(client, pid)
    return pid


def test_a_full_width_month_is_not_a_second_month(client: TestClient) -> None:
    pid = active_placement(client)
    ok(client.post(f"/placements/{pid}/attendance", headers=VILLAGE, json={
        "date": "2024-03-01", "month": "2024-02", "days_worked": 20, "signatures": SIGNED}))
    ok(client.post(f"/placements/{pid}/payments", headers=COUNTY,
                   json={"date": "2024-03-05", "month": "2024-02"}))
    again = client.post(f"/placements/{pid}/payments", headers=COUNTY,
                        json={"date": "2024-03-06", "month": "2024-02".translate(FULL_WIDTH)})
    field_problem(again, "month", "R-INPUT-1")
    paid = ok(client.get(f"/placements/{pid}", headers=COUNTY))["payments"]
    assert list(paid) == ["2024-02"]


def test_a_full_width_resident_id_is_not_a_second_person(client: TestClient) -> None:
    post = a_post(client, headcount=3)
    applicant = person(7)
    ok(client.post("/placements", headers=CLERK,
                   json={"post_id": post, "date": "2024-01-05", "applicant": applicant}), 201)
    twin = {**applicant, "resident_id": applicant["resident_id"].translate(FULL_WIDTH)}
    second = client.post("/placements", headers=CLERK,
                         json={"post_id": post, "date": "2024-01-05", "applicant": twin})
    field_problem(second, "applicant.resident_id", "R-INPUT-1")
    assert applicant["resident_id"] not in second.text  # error bodies mask ids
    wrong_check_digit = {**applicant, "resident_id": applicant["resident_id"][:17] + "X"}
    field_problem(client.post("/placements", headers=CLERK, json={
        "post_id": post, "date": "2024-01-05", "applicant": wrong_check_digit}),
        "applicant.resident_id", "R-ELIG-2")


def test_a_full_width_resident_id_cannot_claim_transport_twice(client: TestClient) -> None:
    number = "34052419800101001X"
    claim = {"type": "transport", "county": "520524", "date": "2024-06-01",
             "claimant": {"name": "王秀英", "resident_id": number, "category": "lifted"},
             "facts": {"destination": "other_province", "ticket_price_fen": 80000,
                       "months_stable": 4, "real_name_ticket": True}}
    clerk = {"Authorization": "Bearer dev:clerk:520524:qian"}
    ok(client.post("/claims", headers=clerk, json=claim), 201)
    twin = {**claim, "claimant": {**claim["claimant"], "resident_id": number.translate(FULL_WIDTH)}}
    refused = client.post("/claims", headers=clerk, json=twin)
    assert refused.status_code == 422, refused.text
    assert refused.json()["rule"] == "R-INPUT-1"


def test_a_nul_byte_or_a_zero_width_space_in_a_name_is_refused_and_lists_still_work(
    client: TestClient,
) -> None:
    post = a_post(client)
    for name in ("王\x00秀英", "王\u200b秀英", "王\u202e秀英"):
        refused = client.post("/placements", headers=CLERK, json={
            "post_id": post, "date": "2024-01-05", "applicant": {**person(2), "name": name}})
        field_problem(refused, "applicant.name", None)
    an_application(client, post)
    assert len(ok(client.get("/placements", headers=TOWNSHIP))) == 1
    assert ok(client.post("/scheduler/run", headers=ADMIN, json={"as_of": "2024-02-01"}))


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/posts", {"headcount": 2**31}, "headcount"),
    ("/posts", {"headcount": "5"}, "headcount"),
    ("/posts", {"headcount": True}, "headcount"),
    ("/posts", {"full_time": "no"}, "full_time"),
    ("/posts", {"monthly_subsidy_fen": 10**19}, "monthly_subsidy_fen"),
    ("/posts", {"township": "%"}, "township"),
    ("/posts", {"title": "护路员\u200b"}, "title"),
])
def test_numbers_flags_and_places_are_strict_and_bounded(
    client: TestClient, path: str, body: dict[str, Any], field: str
) -> None:
    post = {"county": "520524", "township": "chengguan", "department": "交通局", "kind": "road",
            "title": "护路员", "headcount": 2, "full_time": False}
    field_problem(client.post(path, headers=COUNTY, json={**post, **body}), field, None)
    assert ok(client.get("/posts", headers=COUNTY)) == []


def test_amounts_counts_and_the_superscript_two_are_refused_on_steps(client: TestClient) -> None:
    pid = active_placement(client)
    step = f"/placements/{pid}"
    field_problem(client.post(f"{step}/payments", headers=COUNTY, json={
        "date": "2024-03-05", "month": "2024-02", "amount_fen": 10**19}), "amount_fen", None)
    field_problem(client.post(f"{step}/payments", headers=COUNTY, json={
        "date": "2024-03-05", "month": "2024-0²"}), "month", "R-INPUT-1")
    field_problem(client.post(f"{step}/attendance", headers=VILLAGE, json={
        "date": "2024-03-01", "month": "2024-02", "days_worked": True, "signatures": SIGNED}),
        "days_worked", None)
    field_problem(client.post(f"{step}/annual-review", headers=TOWNSHIP, json={
        "date": "2024-03-01", "year": "2024", "passed": True, "worker_signed": True}),
        "year", None)
    field_problem(client.post(f"{step}/warnings", headers=TOWNSHIP, json={
        "date": "9999-12-31", "reason": "迟到"}), "date", None)
    assert ok(client.get(step, headers=COUNTY))["payments"] == {}


def test_a_missing_attendance_signature_names_r_att_1(client: TestClient) -> None:
    pid = active_placement(client)
    unsigned = {"secretary": "罗书记", "member": "潘委员"}
    body = field_problem(client.post(f"/placements/{pid}/attendance", headers=VILLAGE, json={
        "date": "2024-03-01", "month": "2024-02", "days_worked": 20, "signatures": unsigned}),
        "signatures.worker", "R-ATT-1")
    assert body["errors"][0]["rule"] == "R-ATT-1"
    field_problem(client.post(f"/placements/{pid}/attendance", headers=VILLAGE, json={
        "date": "2024-03-01", "month": "2024-02", "days_worked": 20,
        "signatures": {**unsigned, "worker": " "}}), "signatures.worker", "R-ATT-1")


def test_an_800_deep_policy_is_a_422_not_a_500(client: TestClient) -> None:
    deep: Any = 1
    for _ in range(800):
        deep = {"x": deep}
    refused = client.put("/policies/520524", headers=ADMIN,
                         json={"effective_from": "2024-01-01", "subsidies": deep})
    problem(refused, 422, None)
    assert "32" in refused.json()["detail"]


def test_no_step_is_dated_after_today(client: TestClient) -> None:
    client.app.state.services.ledger.clock = BusinessClock.fixed(date(2024, 3, 1))  # type: ignore[attr-defined]
    pid = active_placement(client)
    tomorrow = client.post(f"/placements/{pid}/warnings", headers=TOWNSHIP,
                           json={"date": "2024-03-02", "reason": "迟到"})
    field_problem(tomorrow, "date", "R-INPUT-2")
    ok(client.post(f"/placements/{pid}/warnings", headers=TOWNSHIP,
                   json={"date": "2024-03-01", "reason": "迟到"}))
    future_application = client.post("/placements", headers=CLERK, json={
        "post_id": a_post(client), "date": "2025-01-05", "applicant": person(5)})
    field_problem(future_application, "date", "R-INPUT-2")


def test_the_scheduler_refuses_a_future_as_of_unless_it_is_a_dry_run(client: TestClient) -> None:
    services = client.app.state.services  # type: ignore[attr-defined]
    services.ledger.clock = BusinessClock.fixed(date(2026, 12, 1))
    pid = active_placement(client)  # agreement ends 2027-01-15
    events = len(ok(client.get(f"/placements/{pid}/history", headers=ADMIN)))
    field_problem(client.post("/scheduler/run", headers=ADMIN, json={"as_of": "2099-01-01"}),
                  "as_of", "R-INPUT-2")
    dry = ok(client.post("/scheduler/run", headers=ADMIN,
                         json={"as_of": "2099-01-01", "dry_run": True}))
    assert dry["dry_run"] is True
    assert [(r["placement_id"], r["date"]) for r in dry["exited"]] == [(pid, "2027-01-15")]
    assert ok(client.get(f"/placements/{pid}", headers=ADMIN))["state"] == "active"
    assert len(ok(client.get(f"/placements/{pid}/history", headers=ADMIN))) == events
    field_problem(client.post("/scheduler/run", headers=ADMIN, json={"as_of": "9999-12-31"}),
                  "as_of", None)
    real = ok(client.post("/scheduler/run", headers=ADMIN, json={"as_of": "2026-12-01"}))
    assert (real["dry_run"], real["exited"]) == (False, [])


def test_a_six_megabyte_field_gets_413_before_anything_runs(client: TestClient) -> None:
    post = a_post(client)
    huge = {"post_id": post, "date": "2024-01-05",
            "applicant": {**person(1), "address": "x" * (6 << 20)}}
    problem(client.post("/placements", headers=CLERK, json=huge), 413, None)
    problem(client.post("/placements", json=huge), 413, None)  # no token: still 413, not 401
    assert ok(client.get("/placements", headers=TOWNSHIP)) == []
    an_application(client, post)  # the store is not held


@pytest.mark.parametrize("jurisdiction", ["*", "%", "_", "5205%", "52052_"])
def test_a_wildcard_jurisdiction_lists_nothing_of_other_counties(
    client: TestClient, jurisdiction: str
) -> None:
    an_application(client, a_post(client))
    wildcard = {"Authorization": f"Bearer dev:county:{jurisdiction}:mallory"}
    for path in ("/placements", "/posts", "/claims"):
        answer = client.get(path, headers=wildcard)
        # Refused at sign-in (src/api/auth.py), or signed in and matching nothing.
        assert answer.status_code == 401 or answer.json() == [], (path, answer.text)
