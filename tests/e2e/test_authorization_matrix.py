"""Function- and object-level authorization: every route of the OpenAPI document × every role
× four jurisdictions, compared with the table below (API.md, "Who may take a step").

The subjects (a post, a placement, a claim) live in 520524/chengguan/dongmen. An actor passes
when its role may take the route's step and its jurisdiction covers the subject: then the answer
is whatever the step's own rules say (2xx, 409, 422), never 401/403/404; otherwise it is 403.
Lists answer 200 to everyone, holding the subject only for those whose jurisdiction covers it.
Routes whose subject is named by query parameters (findings, the tamper check, work queues,
officials, the ledger and its import: ``BY_QUERY``) name county 520524 or its township
chengguan, and answer 2xx to those who pass. On both stores."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.e2e.test_findings_api import ledger_file, legacy
from tests.e2e.test_placements_api import SIGNED, a_post, an_application, ok
from tests.scenario import person

ROLES = ("clerk", "village", "township", "county", "inspector", "admin")
JURISDICTIONS = {
    "own county": "520524",
    "other county": "520525",
    "own township": "520524/chengguan",
    "other township": "520524/shuangyan",
}
READ = frozenset(ROLES)
LIST = "list"
ANYONE = "anyone"  # no sign-in at all
SIGNED_IN = "signed in"  # every role, anywhere: reference data with no subject
TOWNSHIP_STEP = frozenset({"township", "county", "admin"})  # county may take township steps
COUNTY_STEP = frozenset({"county", "admin"})

# (method, path) -> who may: the roles, LIST (everyone, filtered) or ANYONE.
TABLE: dict[tuple[str, str], frozenset[str] | str] = {
    ("GET", "/health"): ANYONE,
    ("PUT", "/policies/{county}"): frozenset({"admin"}),
    ("GET", "/policies/{county}"): READ,
    ("GET", "/policies/{county}/schema"): READ,
    ("GET", "/rules"): SIGNED_IN,
    ("GET", "/labels"): SIGNED_IN,
    ("POST", "/placements/{placement_id}/selection"): TOWNSHIP_STEP,
    ("POST", "/placements/{placement_id}/clawback"): COUNTY_STEP,
    ("POST", "/posts"): COUNTY_STEP,
    ("GET", "/posts"): LIST,
    ("POST", "/posts/{post_id}/notice"): COUNTY_STEP,
    ("GET", "/posts/{post_id}"): READ,
    ("POST", "/placements"): frozenset({"clerk", "admin"}),
    ("GET", "/placements"): LIST,
    ("GET", "/placements/{placement_id}"): READ,
    ("GET", "/placements/{placement_id}/history"): READ,
    ("POST", "/placements/{placement_id}/village-review"): frozenset({"village", "admin"}),
    ("POST", "/placements/{placement_id}/township-review"): TOWNSHIP_STEP,
    ("POST", "/placements/{placement_id}/publicity"): TOWNSHIP_STEP,
    ("POST", "/placements/{placement_id}/objections"): frozenset({"clerk", "admin"}),
    ("POST", "/placements/{placement_id}/objections/{objection_id}/resolution"): TOWNSHIP_STEP,
    ("POST", "/placements/{placement_id}/approval"): TOWNSHIP_STEP,
    ("POST", "/placements/{placement_id}/training"): TOWNSHIP_STEP,
    ("POST", "/placements/{placement_id}/onboarding"): TOWNSHIP_STEP,
    ("POST", "/placements/{placement_id}/attendance"): frozenset({"clerk", "village", "admin"}),
    ("POST", "/placements/{placement_id}/payments"): COUNTY_STEP,
    ("POST", "/placements/{placement_id}/warnings"): TOWNSHIP_STEP,
    ("POST", "/placements/{placement_id}/annual-review"): TOWNSHIP_STEP,
    ("POST", "/placements/{placement_id}/extension"): COUNTY_STEP,  # API.md v1.1: county
    ("POST", "/placements/{placement_id}/exit"): TOWNSHIP_STEP,
    ("POST", "/placements/{placement_id}/withdrawal"): TOWNSHIP_STEP,
    ("POST", "/scheduler/run"): frozenset({"admin"}),
    ("POST", "/claims"): frozenset({"clerk", "admin"}),
    ("GET", "/claims"): LIST,
    ("GET", "/claims/{claim_id}"): READ,
    ("GET", "/claims/{claim_id}/history"): READ,
    ("POST", "/claims/{claim_id}/review"): COUNTY_STEP,
    ("POST", "/claims/{claim_id}/payment"): COUNTY_STEP,
    ("POST", "/claims/{claim_id}/clawback"): COUNTY_STEP,
    ("POST", "/claims/{claim_id}/withdrawal"): frozenset({"clerk", "admin"}),
    ("GET", "/audit/access"): frozenset({"inspector", "admin"}),
}

# Routes whose subject is a county, a township or a township-month named by query parameters
# (or, registering an official, by the body): the parameters that name the subject — county
# 520524 or its township chengguan — and the files they take.
AUDIT = frozenset({"county", "inspector", "admin"})  # read_audit (API.md: inspector, county)
BY_QUERY: dict[tuple[str, str], dict[str, str]] = {
    ("GET", "/audit/findings"): {"county": "520524", "township": "chengguan"},
    ("GET", "/audit/verify"): {"county": "520524"},
    ("GET", "/work-queue"): {"within": "520524/chengguan"},
    ("GET", "/officials"): {"county": "520524"},
    ("POST", "/officials"): {},
    ("GET", "/ledger"): {"county": "520524", "township": "chengguan", "month": "2024-01"},
    ("POST", "/ledger/import"): {"county": "520524"},
}
TABLE.update({
    ("GET", "/audit/findings"): AUDIT,
    ("GET", "/audit/verify"): AUDIT,
    ("GET", "/work-queue"): READ,
    ("GET", "/officials"): READ,
    ("POST", "/officials"): COUNTY_STEP,  # register_official
    ("GET", "/ledger"): READ,
    ("POST", "/ledger/import"): COUNTY_STEP,  # import_ledger
})
# Whose subject is the county as a whole: only an actor of the whole county reaches it (a
# township's staff do not read the county's register or verify its chains).
COUNTY_SUBJECTS = frozenset({("GET", "/audit/verify"), ("GET", "/officials"),
                             ("POST", "/ledger/import")})

D = "2024-02-01"
BODIES: dict[str, dict[str, Any]] = {
    "/policies/{county}": {"effective_from": "2024-01-01"},
    "/posts": {"county": "520524", "township": "chengguan", "village": "dongmen",
               "department": "交通局", "kind": "road", "title": "护路员", "headcount": 1,
               "full_time": False},
    "/posts/{post_id}/notice": {"date": "2024-01-01", "closes_on": "2024-01-10",
                                "conditions": "脱贫劳动力", "duties": "道路养护"},
    "village-review": {"date": D, "approve": True},
    "township-review": {"date": D, "approve": True},
    "publicity": {"date": D},
    "objections": {"date": D, "raised_by": "村民", "text": "不符合条件"},
    "resolution": {"date": D, "upheld": False, "reason": "查无实据"},
    "approval": {"date": D}, "withdrawal": {"date": D}, "payment": {"date": D},
    "training": {"date": D, "hours": 8},
    "onboarding": {"date": D},
    "attendance": {"date": D, "month": "2024-01", "days_worked": 20, "signatures": SIGNED},
    "payments": {"date": D, "month": "2024-01"},
    "warnings": {"date": D, "reason": "缺勤"},
    "annual-review": {"date": D, "year": 2024, "passed": True, "worker_signed": True},
    "extension": {"date": D, "basis": "disabled", "until": "2026-06-01", "evidence": "残疾证",
                  "hardship": True, "still_unemployed": True,
                  "publicity_started_on": "2024-01-20", "publicity_ended_on": "2024-01-26"},
    "exit": {"date": D, "reason": "resigned"},
    "review": {"date": D, "approve": True},
    "selection": {"date": D, "method": "interview", "passed": True},
    "/placements/{placement_id}/clawback": {"date": D, "month": "2024-01", "amount_fen": 100,
                                            "reason": "冒领"},
    "clawback": {"date": D, "reason": "车票非实名", "amount_fen": 100},
    "/scheduler/run": {"as_of": "2024-01-01"},
    "/claims": {"type": "transport", "county": "520524", "date": "2024-06-01",
                "claimant": {"name": "王芳", "resident_id": "34052419800101001X",
                             "category": "lifted", "township": "chengguan"},
                "facts": {"destination": "other_province", "ticket_price_fen": 80000,
                          "months_stable": 4, "real_name_ticket": True}},
}


def header(role: str, jurisdiction: str) -> dict[str, str]:
    return {"Authorization": f"Bearer dev:{role}:{jurisdiction}:{role}-{jurisdiction}"}


def covers(jurisdiction: str, template: str, method: str = "GET") -> bool:
    """Whether an actor of ``jurisdiction`` reaches the route's subject: a county's policy is
    the county's (a township's staff do not read it), everything else lies in chengguan."""
    if template.startswith("/policies") or (method, template) in COUNTY_SUBJECTS:
        return jurisdiction == JURISDICTIONS["own county"]
    return jurisdiction in (JURISDICTIONS["own county"], JURISDICTIONS["own township"])


OFFICIALS = itertools.count()


def body_for(path: str, subjects: dict[str, str]) -> dict[str, Any] | None:
    if path == "/placements":
        return {"post_id": subjects["post_id"], "date": "2024-01-05", "applicant": person(10)}
    if path == "/officials":  # a village secretary of dongmen, in chengguan: another each time
        n = next(OFFICIALS)
        return {"county": "520524", "name": f"罗书记{n}", "role": "village",
                "jurisdiction": "520524/chengguan/dongmen",
                "resident_id": person(100 + n)["resident_id"]}
    if path == "/ledger/import":
        return None
    return BODIES.get(path) or BODIES.get(path.split("/")[-1])


def request_for(method: str, template: str, subjects: dict[str, str]) -> dict[str, Any]:
    """What a call carries beyond its token: body, query parameters, files."""
    if (method, template) in BY_QUERY:
        files = ({"file": ("chengguan.xlsx", ledger_file([legacy(12, "2024-01")]))}
                 if template == "/ledger/import" else None)
        return {"json": body_for(template, subjects), "files": files,
                "params": BY_QUERY[(method, template)]}
    return {"json": body_for(template, subjects),
            "params": {"subject": subjects["placement_id"]} if "access" in template else None}


@pytest.fixture
def subjects(client: TestClient) -> dict[str, str]:
    post_id = a_post(client)
    placement_id = an_application(client, post_id, n=9)
    claim = ok(client.post("/claims", json=BODIES["/claims"],
                           headers=header("clerk", "520524/chengguan")), 201)
    return {"post_id": post_id, "placement_id": placement_id, "claim_id": claim["id"],
            "county": "520524", "objection_id": "o-1"}


def test_every_route_is_in_the_table(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    routes = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    missing = routes - TABLE.keys()
    assert not missing, f"add a row for each of {sorted(missing)} to TABLE in {__file__}"
    assert not TABLE.keys() - routes, "the table names routes the service no longer has"


def test_every_route_role_and_jurisdiction(client: TestClient, subjects: dict[str, str]) -> None:
    wrong: list[str] = []
    for (method, template), who in TABLE.items():
        path = template.format(**subjects)
        if who == ANYONE:
            assert client.request(method, path).status_code == 200
            continue
        assert client.request(method, path).status_code == 401, f"{method} {path} without token"
        for role in ROLES:
            for place, jurisdiction in JURISDICTIONS.items():
                response = client.request(method, path, headers=header(role, jurisdiction),
                                          **request_for(method, template, subjects))
                got = response.status_code
                if who == SIGNED_IN:
                    if got != 200:
                        wrong.append(f"{method} {template} {role}@{place}: {got}, expected 200")
                    continue
                if who == LIST:
                    ids = {row["id"] for row in response.json()} if got == 200 else set()
                    shown = bool(ids & {subjects["post_id"], subjects["placement_id"],
                                        subjects["claim_id"]})
                    if got != 200 or shown != covers(jurisdiction, template):
                        wrong.append(f"{method} {template} {role}@{place}: {got}, "
                                     f"subject shown: {shown}")
                    continue
                passes = role in who and (covers(jurisdiction, template, method) or template in (
                    "/scheduler/run", "/audit/access"))  # act in the actor's own jurisdiction
                if passes and got in (401, 403, 404):
                    wrong.append(f"{method} {template} {role}@{place}: {got}, expected to pass "
                                 f"({response.json().get('detail')})")
                if passes and (method, template) in BY_QUERY and not 200 <= got < 300:
                    # well-formed parameters: nothing but the actor could refuse them
                    wrong.append(f"{method} {template} {role}@{place}: {got}, expected 2xx "
                                 f"({response.text[:200]})")
                if not passes and got != 403:
                    wrong.append(f"{method} {template} {role}@{place}: {got}, expected 403")
    assert not wrong, "\n".join(wrong)


def test_a_claims_reviewer_is_never_its_submitter(client: TestClient) -> None:
    admin = header("admin", "520524")
    claim = ok(client.post("/claims", json=BODIES["/claims"], headers=admin), 201)
    review = {"date": "2024-06-02", "approve": True}
    refused = client.post(f"/claims/{claim['id']}/review", json=review, headers=admin)
    assert refused.status_code == 403, refused.text
    assert "submitted" in refused.json()["detail"]
    other_admin = {"Authorization": "Bearer dev:admin:520524:another"}
    ok(client.post(f"/claims/{claim['id']}/review", json=review, headers=other_admin))
