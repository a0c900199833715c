"""API.md v1.1 for issue 11 over HTTP, on both stores: county policies from presets, checked
when PUT and published as JSON Schema; the rule catalogue; Chinese labels and wording; the new
and changed placement steps (extension by county, selection, clawback)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from postledger.api.cli import main as cli
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


def put_policy(client: TestClient, body: dict[str, Any]) -> Any:
    return client.put("/policies/520524", headers=ADMIN,
                      json={"effective_from": "2020-01-01", **body})


# ------------------------------------------------------------------ policies
def test_a_county_starts_from_a_preset_and_overrides_beside_it(client: TestClient) -> None:
    body = ok(put_policy(client, {"preset": "zhijin", "monthly_subsidy_fen": 60_000}))
    terms = body["terms"]
    assert terms["eligible_categories"] == ["not_lifted"]  # Zhijin (R-ELIG-3)
    assert terms["monthly_subsidy_fen"] == 60_000  # given beside the preset
    assert terms["subsidies"]["transport"] is None  # Zhijin pays none
    assert terms["subsidies"]["labour_export"]["organiser_kinds"] == ["agency", "broker"]
    got = ok(client.get("/policies/520524", headers=COUNTY, params={"as_of": "2024-01-01"}))
    assert got["terms"] == terms


def test_a_county_that_never_put_a_policy_has_the_default(client: TestClient) -> None:
    terms = ok(client.get("/policies/520524", headers=COUNTY))["terms"]
    assert terms["subsidies"]["absorption"]["relocated_per_worker_fen"] == 300_000  # Huize
    assert terms["subsidies"]["certificate"] is None
    assert (terms["review_grace_days"], terms["retirement_age_female"]) == (30, 50)


def test_a_malformed_or_incomplete_table_is_refused_when_put(client: TestClient) -> None:
    malformed = problem(put_policy(client, {"subsidies": {
        "transport": {"caps_fen": {"other_province": "lots"}}}}), 422, "R-SUB-TRANSPORT")
    assert malformed["fact"] == "subsidies.transport.caps_fen.other_province"
    # Zhijin has no transport table: one given beside the preset must be complete.
    incomplete = problem(put_policy(client, {"preset": "zhijin", "subsidies": {
        "transport": {"caps_fen": {"other_province": 50_000, "other_county": None,
                                   "in_county": None}}}}), 422, "R-SUB-TRANSPORT")
    assert incomplete["fact"] == "subsidies.transport.months_stable_min"
    ages = problem(put_policy(client, {"age_min": 70}), 422, "R-ELIG-1")
    assert ages["fact"] == "age_max"
    problem(put_policy(client, {"preset": "atlantis"}), 422, None)


def test_the_policy_schema_is_published(client: TestClient) -> None:
    schema = ok(client.get("/policies/520524/schema", headers=COUNTY))
    assert "subsidies" in schema["properties"]
    assert schema["properties"]["minimum_wage_fen"]["x-rule"] == "R-POST-2"
    tables = schema["$defs"]["SubsidyTables"]["properties"]
    assert {"transport", "absorption", "startup"} <= tables.keys()
    openapi = ok(client.get("/openapi.json"))
    facts = openapi["components"]["schemas"]["ClaimCreate"]["properties"]["facts"]
    assert len(facts["oneOf"]) == 9  # each claim type's facts, typed


# ------------------------------------------------------------------ the catalogue
def test_the_rule_catalogue_over_http_and_on_the_command_line(
    client: TestClient, capsys: Any
) -> None:
    rules = ok(client.get("/rules", headers=CLERK))
    assert len(rules) == 45
    elig = next(r for r in rules if r["id"] == "R-ELIG-1")
    assert elig["parameters"] == ["age_min", "age_max"] and "周岁" in elig["zh"]
    assert cli(["rules"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 45 and printed[0].startswith("R-POST-1\t")


def test_errors_are_worded_in_chinese_when_asked(client: TestClient) -> None:
    post_id = a_post(client)
    old = person(1, birth=date(1950, 1, 1))
    body = {"post_id": post_id, "date": "2024-01-05", "applicant": old}
    english = problem(client.post("/placements", headers=CLERK, json=body), 422, "R-ELIG-1")
    assert english["rule_text"].startswith("age is completed years")
    chinese = problem(client.post("/placements", json=body, headers={
        **CLERK, "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}), 422, "R-ELIG-1")
    assert chinese["detail"].startswith("年龄按周岁计")
    assert chinese["rule_text"].startswith("年龄按周岁计")
    assert "申请：此人于 2024-01-05 为 74 周岁；本县接受 16 至 65 周岁" in chinese["detail"]


def test_an_attendance_sheet_short_of_a_signature_is_refused_in_chinese(
    client: TestClient,
) -> None:
    pid = an_application(client, a_post(client))
    to_active(client, pid)
    body = problem(client.post(f"/placements/{pid}/attendance", headers={**VILLAGE, **ZH}, json={
        "date": "2024-03-01", "month": "2024-02", "days_worked": 20,
        "signatures": {**SIGNED, "member": SIGNED["worker"]}}), 422, "R-ATT-1")
    assert "考勤须由三个不同的人签字" in body["detail"]


ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def test_a_step_out_of_order_is_refused_in_chinese_words(client: TestClient) -> None:
    """R-FLOW-1 in Chinese: the state and the step by their Chinese names, not codes."""
    pid = an_application(client, a_post(client))
    english = problem(client.post(f"/placements/{pid}/approval", headers=TOWNSHIP,
                                  json={"date": "2024-01-13"}), 409, "R-FLOW-1")
    assert "not allowed while the placement is applied" in english["detail"]
    chinese = problem(client.post(f"/placements/{pid}/approval", headers={**TOWNSHIP, **ZH},
                                  json={"date": "2024-01-13"}), 409, "R-FLOW-1")
    assert "当前为“已申请”，不能进行“审批”" in chinese["detail"]
    assert "村审核（通过）" in chinese["detail"]  # what may happen now
    assert "not allowed" not in chinese["detail"]


def test_a_month_paid_twice_is_refused_in_chinese_words(client: TestClient) -> None:
    pid = an_application(client, a_post(client))
    to_active(client, pid)
    ok(client.post(f"/placements/{pid}/attendance", headers=VILLAGE, json={
        "date": "2024-03-01", "month": "2024-02", "days_worked": 20, "signatures": SIGNED}))
    ok(client.post(f"/placements/{pid}/payments", headers=COUNTY,
                   json={"date": "2024-03-05", "month": "2024-02"}))
    again = problem(client.post(f"/placements/{pid}/payments", headers={**COUNTY, **ZH},
                                json={"date": "2024-03-06", "month": "2024-02"}), 409, "R-PAY-2")
    assert "2024-02 的补贴已于 2024-03-05 发放" in again["detail"]
    assert again["detail"].startswith(again["rule_text"])


def test_bad_input_is_described_in_chinese_field_by_field(client: TestClient) -> None:
    """R-INPUT-1 and R-ELIG-2 in Chinese: each field's problem, and the detail, in Chinese."""
    post_id = a_post(client)
    applicant = {**person(2), "resident_id": "１１０１０５１９４９１２３１００２Ｘ"}
    body = problem(client.post("/placements", headers={**CLERK, **ZH}, json={
        "post_id": post_id, "date": "2024-01-05", "applicant": applicant}), 422, "R-INPUT-1")
    [field] = body["errors"]
    assert field["field"] == "applicant.resident_id"
    assert field["problem_zh"].startswith("数字须为半角 0-9")
    assert "applicant.resident_id：数字须为半角 0-9" in body["detail"]
    wrong_check = {**person(2), "resident_id": "110105194912310021"}
    body = problem(client.post("/placements", headers={**CLERK, **ZH}, json={
        "post_id": post_id, "date": "2024-01-05", "applicant": wrong_check}), 422, "R-ELIG-2")
    assert "身份证号校验码为 1，按 GB 11643-1999 应为 X" in body["detail"]
    missing = problem(client.post("/placements", headers={**CLERK, **ZH}, json={
        "post_id": post_id, "date": "2024-01-05"}), 422, None)
    assert missing["errors"][0]["problem_zh"] == "缺少此项"
    english = problem(client.post("/placements", headers=CLERK, json={
        "post_id": post_id, "date": "2024-01-05"}), 422, None)
    assert "缺少" not in english["detail"]


def test_a_refused_actor_and_a_future_date_are_told_in_chinese(client: TestClient) -> None:
    pid = an_application(client, a_post(client))
    other = {"Authorization": "Bearer dev:village:520524/shuangyan/xiba:li", **ZH}
    outside = problem(client.post(f"/placements/{pid}/village-review", headers=other,
                                  json={"date": "2024-01-06", "approve": True}), 403, None)
    assert outside["detail"] == "520524/chengguan/dongmen 不在 li 的辖区（520524/shuangyan/xiba）内"
    role = problem(client.post(f"/placements/{pid}/village-review", headers={**CLERK, **ZH},
                               json={"date": "2024-01-06", "approve": True}), 403, None)
    assert role["detail"].startswith("“村（社区）文书”不能进行此操作；只限")
    future = problem(client.post(f"/placements/{pid}/village-review", headers={**VILLAGE, **ZH},
                                 json={"date": "2099-01-06", "approve": True}), 422, "R-INPUT-2")
    assert "2099-01-06 晚于今天" in future["detail"]


# ------------------------------------------------------------------ Chinese labels
def test_enumerations_accept_their_chinese_labels(client: TestClient) -> None:
    post = ok(client.post("/posts", headers=COUNTY, json={
        "county": "520524", "township": "chengguan", "village": "dongmen",
        "department": "交通局", "kind": "护路", "title": "护路员", "headcount": 2}), 201)
    assert post["kind"] == "road"
    assert post["kind_label"] == {"code": "road", "label": "护路", "label_en": "road care"}
    applicant = {**person(1, male=False), "gender": "女", "category": "已脱贫"}
    ok(client.post(f"/posts/{post['id']}/notice", headers=COUNTY, json={
        "date": "2024-01-01", "closes_on": "2024-01-10", "conditions": "脱贫劳动力",
        "duties": "道路养护"}))
    placed = ok(client.post("/placements", headers=CLERK, json={
        "post_id": post["id"], "date": "2024-01-05", "applicant": applicant}), 201)
    assert (placed["applicant"]["gender"], placed["applicant"]["category"]) == (
        "female", "lifted")
    assert placed["labels"]["gender"]["label"] == "女"
    assert placed["labels"]["category"] == {"code": "lifted", "label": "已脱贫",
                                            "label_en": "lifted out of poverty"}
    labels = ok(client.get("/labels", headers=CLERK))
    assert {"code": "other_province", "label": "省外", "label_en": "another province"} in (
        labels["destination"])


# ------------------------------------------------------------------ the new steps
def test_extension_is_the_county_centres_with_its_conditions(client: TestClient) -> None:
    pid = an_application(client, a_post(client))
    to_active(client, pid)  # agreement ends 2027-01-15
    body = {"date": "2026-12-01", "basis": "残疾人", "until": "2029-01-15",
            "evidence": "残疾人证 5205241980", "hardship": True, "still_unemployed": True,
            "publicity_started_on": "2026-11-20", "publicity_ended_on": "2026-11-25"}
    problem(client.post(f"/placements/{pid}/extension", headers=TOWNSHIP, json=body), 403, None)
    refused = problem(client.post(f"/placements/{pid}/extension", headers=COUNTY,
                                  json={**body, "still_unemployed": False}), 422, "R-EXIT-2")
    assert "still_unemployed" in refused["detail"]
    done = ok(client.post(f"/placements/{pid}/extension", headers=COUNTY, json=body))
    assert done["agreement_end"] == "2029-01-15"
    assert done["extensions"][0]["basis"] == "disabled"


def test_selection_and_clawback_over_http(client: TestClient) -> None:
    ok(put_policy(client, {"selection_required": True}))
    post_id = a_post(client)
    pid = an_application(client, post_id)
    ok(client.post(f"/placements/{pid}/village-review", headers=ADMIN,
                   json={"date": "2024-01-06", "approve": True}))
    ok(client.post(f"/placements/{pid}/township-review", headers=TOWNSHIP,
                   json={"date": "2024-01-07", "approve": True}))
    problem(client.post(f"/placements/{pid}/publicity", headers=TOWNSHIP,
                        json={"date": "2024-01-08"}), 409, "R-FLOW-4")
    selected = ok(client.post(f"/placements/{pid}/selection", headers=TOWNSHIP, json={
        "date": "2024-01-08", "method": "面试", "passed": True, "score": 80}))
    assert selected["state"] == "selected" and selected["selection"]["method"] == "interview"
    for step, body in (("publicity", {"date": "2024-01-08"}), ("approval", {"date": "2024-01-13"}),
                       ("training", {"date": "2024-01-14"}), ("onboarding", {"date": "2024-01-15"})):
        ok(client.post(f"/placements/{pid}/{step}", headers=TOWNSHIP, json=body))
    ok(client.post(f"/placements/{pid}/attendance", headers=CLERK, json={
        "date": "2024-02-01", "month": "2024-01", "days_worked": 20, "signatures": SIGNED}))
    ok(client.post(f"/placements/{pid}/payments", headers=COUNTY,
                   json={"date": "2024-02-05", "month": "2024-01"}))
    claw = {"date": "2024-03-01", "month": "2024-01", "amount_fen": 50_001, "reason": "挂岗"}
    problem(client.post(f"/placements/{pid}/clawback", headers=COUNTY, json=claw), 422,
            "R-PAY-3")
    problem(client.post(f"/placements/{pid}/clawback", headers=TOWNSHIP,
                        json={**claw, "amount_fen": 100}), 403, None)
    done = ok(client.post(f"/placements/{pid}/clawback", headers=COUNTY, json={
        **claw, "amount_fen": 50_000, "ground": "R-FRAUD-7", "evidence": "督查记录"}))
    assert done["clawbacks"][0]["amount_fen"] == 50_000
    assert done["payments"]["2024-01"]["amount_fen"] == 50_000


def test_a_township_clerk_submits_a_claim_of_the_township(client: TestClient) -> None:
    claim = {"type": "transport", "county": "520524", "township": "chengguan",
             "date": "2024-06-01",
             "claimant": {"name": "王芳", "resident_id": "34052419800101001X", "category": "已脱贫"},
             "facts": {"destination": "省外", "ticket_price_fen": 45_000, "months_stable": 3,
                       "real_name_ticket": True}}
    township_clerk = {"Authorization": "Bearer dev:clerk:520524/chengguan:qian"}
    created = ok(client.post("/claims", headers=township_clerk, json=claim), 201)
    assert (created["township"], created["amount_fen"]) == ("chengguan", 45_000)
    assert created["facts"]["destination"] == "other_province"
    elsewhere = {**claim, "township": "shuangyan"}
    problem(client.post("/claims", headers=township_clerk, json=elsewhere), 403, None)
