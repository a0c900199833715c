"""The pages over HTTP on both stores: the front page without a token, sign-in and its cookie,
the language, and every page route failing closed (no session, wrong role, no CSRF token)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from postledger.api.demo import DemoSize, load_demo
from postledger.api.deps import Services
from postledger.api.main import create_app
from postledger.domain.resident_id import ResidentId

TODAY = date(2026, 11, 15)


@pytest.fixture
def demo(services: Services) -> Iterator[TestClient]:
    load_demo(services.ledger, size=DemoSize(1, 2, 6), today=TODAY)
    with TestClient(create_app(services=services), follow_redirects=False) as client:
        yield client


def csrf(client: TestClient, path: str = "/signin") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found
    return found.group(1)


def sign_in(client: TestClient, role: str, jurisdiction: str, name: str = "测试") -> str:
    token = csrf(client)
    answer = client.post("/signin", data={"csrf": token, "role": role,
                                          "jurisdiction": jurisdiction, "name": name})
    assert answer.status_code == 303, answer.text
    return token


def test_the_front_page_needs_no_token_and_is_chinese_unless_asked(demo: TestClient) -> None:
    chinese = demo.get("/")
    assert chinese.status_code == 200 and chinese.headers["content-type"].startswith("text/html")
    assert 'lang="zh-CN"' in chinese.text and "登录" in chinese.text
    english = demo.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert 'lang="en"' in english.text and "Sign in" in english.text
    assert 'lang="en"' in demo.get("/?lang=en").text
    assert 'lang="en"' in demo.get("/").text  # remembered in the session


def test_a_page_without_a_session_sends_the_browser_to_sign_in(demo: TestClient) -> None:
    answer = demo.get("/web/queue")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/signin?next=/web/queue"


def test_a_step_from_a_page_needs_the_forms_csrf_token(demo: TestClient) -> None:
    sign_in(demo, "township", "520524/chengguan")
    row = re.search(r'/web/placements/([0-9a-f-]{36})/township-review', demo.get("/web/queue").text)
    assert row
    answer = demo.post(f"/web/placements/{row.group(1)}/township-review",
                       data={"date": "2026-11-15", "approve": "true"})
    assert answer.status_code == 403 and "CSRF" in answer.text


def test_an_inspector_takes_no_step_and_has_no_work_queue(demo: TestClient,
                                                          services: Services) -> None:
    services.read_model.catch_up(services.ledger)
    pending = services.read_model.list_placements(within="520524", state="village_approved")[0]
    token = sign_in(demo, "inspector", "520524")
    events = services.ledger.recorder.max_notification_id()
    answer = demo.post(f"/web/placements/{pending['id']}/township-review",
                       data={"csrf": token, "date": "2026-11-15", "approve": "true"})
    assert answer.status_code == 403 and "inspector" in answer.text
    assert services.ledger.recorder.max_notification_id() == events
    assert demo.get("/web/queue").status_code == 403
    assert demo.get("/web/inspect").status_code == 200


def test_a_refused_step_is_a_page_naming_the_rule(demo: TestClient, services: Services) -> None:
    services.read_model.catch_up(services.ledger)
    applied = services.read_model.list_placements(within="520524", state="applied")[0]
    token = sign_in(demo, "township", "520524/chengguan")
    answer = demo.post(f"/web/placements/{applied['id']}/approval",
                       data={"csrf": token, "date": "2026-11-15"})
    assert answer.status_code == 409
    assert "R-FLOW-1" in answer.text and "各环节不得跳过或颠倒" in answer.text


def test_the_claim_form_quotes_the_amount_and_records_nothing(demo: TestClient,
                                                               services: Services) -> None:
    token = sign_in(demo, "clerk", "520524/chengguan")
    events = services.ledger.recorder.max_notification_id()
    quote = demo.post("/web/claims/quote", data={
        "csrf": token, "type": "training_days", "county": "520524", "date": "2025-06-01",
        "claimant.name": "罗大勇", "claimant.resident_id": "52052419900101123X",
        "claimant.category": "lifted", "claimant.township": "chengguan", "facts.days": "4",
        "facts.daily_cost_fen": "100",
        "facts.outside_home_township": "on", "facts.passed": "on"})
    assert quote.status_code == 200
    assert 'data-amount-fen="' in quote.text, quote.text
    assert services.ledger.recorder.max_notification_id() == events


def test_the_policy_form_saves_a_version_and_refuses_a_malformed_table(demo: TestClient) -> None:
    sign_in(demo, "admin", "520524")
    page = demo.get("/web/policy").text
    fields = dict(re.findall(r'<input name="([a-z_]+)" value="([^"]*)"', page))
    tables = {f"subsidies.{t}": body for t, body in re.findall(
        r'name="subsidies\.([a-z_]+)"[^>]*>([^<]*)</textarea>', page)}
    form = {"csrf": csrf(demo, "/web/policy"), "county": "520524", **fields,
            **{k: v.replace("&#34;", '"') for k, v in tables.items()},
            "effective_from": "2026-11-01", "publicity_days": "7"}
    saved = demo.post("/web/policy", data=form)
    assert saved.status_code == 303, saved.text
    assert 'name="publicity_days" value="7"' in demo.get("/web/policy").text
    broken = demo.post("/web/policy", data={**form, "subsidies.transport": "{not json"})
    assert broken.status_code == 422 and "subsidies.transport" in broken.text


def test_production_sign_in_refuses_a_development_token(services: Services) -> None:
    production = replace(services, settings=replace(services.settings, mode="production"))
    with TestClient(create_app(services=production), follow_redirects=False) as client:
        page = client.get("/signin").text
        assert 'name="token"' in page and 'name="role"' not in page
        answer = client.post("/signin", data={"csrf": csrf(client), "token": "dev:admin:520524:x"})
        assert answer.status_code == 401
        assert client.get("/web/queue").status_code == 303


def test_every_page_route_but_the_front_and_sign_in_checks_the_role(services: Services) -> None:
    """Fail closed: a page route without the pages' role dependency fails this test."""
    app = create_app(services=services)
    public = {"/", "/signin", "/signout"}
    checked: set[str] = set()
    for route in _flattened(app.routes):
        path = getattr(route, "path", "")
        if not path.startswith("/web"):
            continue
        dependant = route.dependant  # type: ignore[attr-defined]
        roles = [d.call.roles for d in dependant.dependencies if hasattr(d.call, "roles")]
        assert roles, f"{path} has no role check"
        assert "system" not in roles[0]
        checked.add(path)
    assert "/web/queue" in checked and "/web/inspect" in checked
    assert all(not p.startswith("/web") for p in public)


def _flattened(routes: list[Any]) -> Iterator[Any]:
    """Routes, with those of included routers in place (FastAPI keeps them per router)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        yield from _flattened(included.routes) if included is not None else [route]


def test_the_county_creates_a_post_and_publishes_its_notice(demo: TestClient) -> None:
    token = sign_in(demo, "county", "520524")
    created = demo.post("/web/posts", data={
        "csrf": token, "place": "chengguan/dongmen", "kind": "river", "title": "护河员（新）",
        "department": "水务局", "headcount": "2", "monthly_subsidy": "600"})
    assert created.status_code == 303
    listed = demo.get("/web/posts").text
    post = re.search(r'/web/posts/([0-9a-f-]{36})/notice', listed)
    assert post and "护河员（新）" in listed
    published = demo.post(f"/web/posts/{post.group(1)}/notice", data={
        "csrf": token, "date": "2026-11-01", "closes_on": "2026-11-03", "conditions": "脱贫劳动力",
        "duties": "河道巡查"})
    assert published.status_code == 422 and "R-POST-3" in published.text  # under 7 days


def _rid(n: int) -> str:
    return ResidentId.compose("520524", date(1980 + n % 15, 1 + n % 12, 1 + n % 28), 100 + n).value


PERSON = {"claimant.name": "罗大勇", "claimant.resident_id": _rid(0), "claimant.category": "lifted"}
FIRM = {"claimant.name": "织金县服装厂", "claimant.credit_code": "91520524MA6TEST001"}
FORMS_BY_TYPE: dict[str, dict[str, str]] = {
    "transport": {**PERSON, "facts.destination": "other_province",
                  "facts.ticket_price_fen": "450", "facts.months_stable": "4",
                  "facts.real_name_ticket": "on"},
    "certificate": {**PERSON, "facts.certificate": "excavator", "facts.self_paid": "on",
                    "facts.employed": "on"},
    "job_training": {**PERSON, "facts.certificate_level": "skill_level",
                     "facts.contract_signed_on": "2025-01-10", "facts.contract_months": "24",
                     "facts.trained_on": "2025-04-01"},
    "labour_export": {**FIRM, "facts.organiser.kind": "agency", "facts.organiser.name": "劳务公司",
                      "facts.organiser.registered": "on",
                      "facts.workers": f"{_rid(1)}, lifted, other_province, 8, 12\n"
                                       f"{_rid(2)}, 未脱贫, 省外, 8, 12"},
    "absorption": {**FIRM, "facts.employer": "织金县服装厂",
                   "facts.workers": "\n".join(f"{_rid(n)}, lifted, 13, 12, 否, 2024-05-01"
                                              for n in (3, 4, 5))},
    "social_insurance": {**PERSON, "facts.months": "2025-01, 450\n2025-02, 450.00"},
    "workshop": {**FIRM, "facts.workshop_id": "城关扶贫车间", "facts.contract_months": "12",
                 "facts.poor_laborers": "\n".join(f"{_rid(n)}, lifted" for n in range(6, 14)),
                 "facts.wage_at_least_minimum": "on"},
    "training_days": {**PERSON, "facts.days": "5", "facts.daily_cost_fen": "120",
                      "facts.outside_home_township": "on", "facts.passed": "on"},
    "startup": {**PERSON, "facts.registered_on": "2024-03-01", "facts.running": "on",
                "facts.first_business": "on"},
}


@pytest.mark.parametrize("claim_type", sorted(FORMS_BY_TYPE))
def test_every_claim_form_is_computed_by_the_domain(demo: TestClient, claim_type: str) -> None:
    token = sign_in(demo, "clerk", "520524/chengguan")
    assert demo.get(f"/web/claims/new?type={claim_type}").status_code == 200
    quote = demo.post("/web/claims/quote", data={
        "csrf": token, "type": claim_type, "county": "520524", "date": "2025-06-02",
        "claimant.township": "chengguan", **FORMS_BY_TYPE[claim_type]})
    amount = re.search(r'data-amount-fen="(\d+)"', quote.text)
    assert amount and int(amount.group(1)) > 0, quote.text


def test_what_people_type_is_shown_as_text_never_as_markup(demo: TestClient,
                                                           services: Services) -> None:
    token = sign_in(demo, "clerk", "520524/chengguan/dongmen")
    services.read_model.catch_up(services.ledger)
    post = next(p for p in services.read_model.list_posts(within="520524/chengguan/dongmen")
                if p["occupied"] < p["headcount"])
    answer = demo.post("/web/apply", data={
        "csrf": token, "post_id": post["id"], "date": "2026-11-15", "category": "lifted",
        "name": "<script>alert(1)</script>", "resident_id": _rid(20)})
    assert answer.status_code == 303, answer.text
    page = demo.get(answer.headers["location"]).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_audit_pages_are_for_inspectors_and_the_county(demo: TestClient) -> None:
    sign_in(demo, "clerk", "520524/chengguan")
    assert demo.get("/web/findings").status_code == 403
    assert demo.get("/web/ledger").status_code == 403
    token = sign_in(demo, "inspector", "520524/chengguan", "督查 赵")
    findings = demo.get("/web/findings")
    assert findings.status_code == 200 and "R-FRAUD-7" in findings.text
    assert "双堰街道" not in findings.text.split("<table", 1)[1]  # only its own township
    month = re.search(r'name="month" value="([0-9-]+)"', demo.get("/web/ledger").text)
    assert month
    workbook = demo.get(f"/web/ledger.xlsx?township=520524/chengguan&month={month.group(1)}")
    assert workbook.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert workbook.content[:2] == b"PK"
    assert demo.get(f"/web/ledger.xlsx?township=520524/shuangyan&month={month.group(1)}"
                    ).status_code == 403
    assert demo.post("/web/verify", data={"csrf": token}).status_code == 403  # the county's
    token = sign_in(demo, "inspector", "520524", "督查 钱")
    checked = demo.post("/web/verify", data={"csrf": token})
    # The demo plants one stored event changed after the load (R-FRAUD-8).
    assert checked.status_code == 200 and 'data-ok="false"' in checked.text
    assert "R-FRAUD-8" in checked.text and "changed" in checked.text
    refused = demo.post("/web/ledger/import", data={"csrf": token},
                        files={"file": ("x.xlsx", workbook.content)})
    assert refused.status_code == 403  # an inspector reads; the county imports
