"""The register of officials, the work queues of each role, and list filters that match whole
path segments — through HTTP, on both stores."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.e2e.test_placements_api import (
    ADMIN,
    CLERK,
    COUNTY,
    INSPECTOR,
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

SECRETARY = {"county": "520524", "name": "罗书记", "role": "secretary",
             "jurisdiction": "520524/chengguan/dongmen",
             "resident_id": person(40)["resident_id"], "address": "东门村一组1号"}


def test_the_county_registers_officials_and_anyone_in_it_lists_them_masked(
    client: TestClient,
) -> None:
    registered = ok(client.post("/officials", headers=COUNTY, json=SECRETARY), 201)
    assert registered["resident_id"].count("*") == 8
    listed = ok(client.get("/officials?county=520524", headers=INSPECTOR))
    assert [(o["name"], o["role"], o["jurisdiction"]) for o in listed] == [
        ("罗书记", "secretary", "520524/chengguan/dongmen")]
    assert SECRETARY["resident_id"] not in str(listed)
    problem(client.post("/officials", headers=ADMIN, json=SECRETARY), 409, "R-FRAUD-5")
    problem(client.post("/officials", headers=TOWNSHIP, json=SECRETARY), 403, None)
    problem(client.post("/officials", headers=COUNTY, json={**SECRETARY, "role": "king"}),
            422, "R-FRAUD-5")
    problem(client.post("/officials", headers=COUNTY,
                        json={**SECRETARY, "jurisdiction": "520525/other"}), 403, None)


def test_only_inspectors_the_county_and_admins_read_the_audit(client: TestClient) -> None:
    for headers in (INSPECTOR, COUNTY, ADMIN):
        assert client.get("/audit/findings?county=520524", headers=headers).status_code == 200
        assert ok(client.get("/audit/verify?county=520524", headers=headers))["ok"] is True
    for headers in (TOWNSHIP, VILLAGE, CLERK):
        assert client.get("/audit/findings", headers=headers).status_code == 403
        assert client.get("/audit/verify", headers=headers).status_code == 403
    other = {"Authorization": "Bearer dev:inspector:520525:zhou"}
    assert client.get("/audit/findings?county=520524", headers=other).status_code == 403


def tasks(client: TestClient, headers: dict[str, str]) -> set[tuple[str, str]]:
    return {(t["task"], t["subject_id"]) for t in ok(client.get("/work-queue", headers=headers))}


def test_each_role_sees_what_it_must_act_on_next(client: TestClient) -> None:
    post = a_post(client, headcount=3)
    waiting = an_application(client, post, n=1)
    assert ("village_review", waiting) in tasks(client, VILLAGE)
    assert ("village_review", waiting) not in tasks(client, TOWNSHIP)
    ok(client.post(f"/placements/{waiting}/village-review", headers=VILLAGE,
                   json={"date": "2024-01-06", "approve": True}))
    assert ("township_review", waiting) in tasks(client, TOWNSHIP)
    assert ("township_review", waiting) in tasks(client, COUNTY)
    assert ("village_review", waiting) not in tasks(client, VILLAGE)

    working = an_application(client, post, n=2)
    to_active(client, working)
    assert ("attendance", working) in tasks(client, VILLAGE)  # January 2024 has ended
    ok(client.post(f"/placements/{working}/attendance", headers=VILLAGE, json={
        "date": "2024-02-02", "month": "2024-01", "days_worked": 20, "signatures": SIGNED}))
    assert ("payment", working) in tasks(client, COUNTY)
    assert ("payment", working) not in tasks(client, TOWNSHIP)
    ok(client.post(f"/placements/{working}/payments", headers=COUNTY,
                   json={"date": "2024-02-03", "month": "2024-01"}))
    assert ("payment", working) not in tasks(client, COUNTY)
    assert ("annual_review", working) in tasks(client, TOWNSHIP)  # due 2025-01-15, long past
    assert tasks(client, {"Authorization": "Bearer dev:township:520524/shuangyan:sun"}) == set()


def test_the_review_task_falls_due_on_the_anniversary_the_rule_reads(client: TestClient) -> None:
    """R-REV-1 read once: after a year-end review held before the anniversary it closes, the
    next review falls due on the next anniversary of onboarding, as pay reads it."""
    working = an_application(client, a_post(client))
    to_active(client, working)  # onboarded 2024-01-15
    ok(client.post(f"/placements/{working}/annual-review", headers=TOWNSHIP, json={
        "date": "2024-12-20", "year": 2025, "passed": True, "worker_signed": True}))
    [due] = [t["due_on"] for t in ok(client.get("/work-queue", headers=TOWNSHIP))
             if t["task"] == "annual_review" and t["subject_id"] == working]
    assert due == "2026-01-15"


def test_list_filters_match_whole_path_segments_never_patterns(client: TestClient) -> None:
    to_active(client, an_application(client, a_post(client)))
    assert len(ok(client.get("/placements", headers=TOWNSHIP))) == 1
    for prefix in ("520524/cheng", "520524/chengg_an"):
        headers = {"Authorization": f"Bearer dev:township:{prefix}:wang"}
        assert ok(client.get("/placements", headers=headers)) == []
        assert ok(client.get("/posts", headers=headers)) == []
