"""Subsidy-claim refusals over HTTP in Chinese for a reader who prefers it (issue 11): the
rule's catalogue statement first, then the particulars in Chinese; without the header the
English is as it was. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from postledger.api.deps import Services
from postledger.domain.rules import rule_statement
from postledger.domain.values import mask_resident_id
from tests.e2e.test_claims_api import ADMIN, CLERK, CO_OP, COUNTY, REVIEWER, _app, _ids, _transport
from tests.subsidy_tables import HUIZE_SUBSIDIES

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
HAN = re.compile(r"[\u4e00-\u9fff]")
WANG = "34052419800101001X"  # the claimant of _transport()


@pytest.fixture
def api(services: Services) -> Iterator[TestClient]:
    with TestClient(_app(services)) as test_client:
        yield test_client


def refused(response: Any, status: int, rule: str | None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["rule"] == rule
    return body


def in_chinese(body: dict[str, Any], particulars: str) -> None:
    """The catalogue's statement of the rule, then the particulars, all in Chinese."""
    statement = rule_statement(body["rule"], "zh")
    if statement is not None:
        assert body["detail"].startswith(f"{statement}（{body['rule']}）：")
    assert particulars in body["detail"], body["detail"]


def test_a_bad_fact_is_refused_in_chinese(api: TestClient) -> None:
    """R-SUB-TRANSPORT: a fact of the wrong type, and a fact that breaks the condition."""
    as_text = _transport(months_stable="3")
    chinese = refused(api.post("/claims", json=as_text, headers={**CLERK, **ZH}), 422,
                      "R-SUB-TRANSPORT")
    in_chinese(chinese, "facts.months_stable：须为整数")
    assert chinese["errors"][0]["problem_zh"] == "须为整数"
    english = refused(api.post("/claims", json=as_text, headers=CLERK), 422, "R-SUB-TRANSPORT")
    assert english["detail"] == "facts.months_stable: Input should be a valid integer"

    short = _transport(months_stable=2)
    chinese = refused(api.post("/claims", json=short, headers={**CLERK, **ZH}), 422,
                      "R-SUB-TRANSPORT")
    in_chinese(chinese, "facts.months_stable：稳定就业须满 3 个月，实为 2 个月")
    assert chinese["fact"] == "facts.months_stable"
    english = refused(api.post("/claims", json=short, headers=CLERK), 422, "R-SUB-TRANSPORT")
    assert english["detail"] == ("facts.months_stable: stable work of at least 3 months is "
                                 "required, got 2")
    assert not HAN.search(english["detail"])


def test_a_claimant_not_eligible_is_refused_in_chinese(api: TestClient) -> None:
    """RULES.md §6: an edge household where the county's table admits registered poor only."""
    claim = _transport()
    claim["claimant"] = {**claim["claimant"], "category": "边缘户"}  # its Chinese label
    chinese = refused(api.post("/claims", json=claim, headers={**CLERK, **ZH}), 422,
                      "R-SUB-TRANSPORT")
    in_chinese(chinese, "claimant.category：只有“已脱贫、未脱贫”的劳动力可以享受")
    assert "此人为“边缘户”" in chinese["detail"]
    english = refused(api.post("/claims", json=claim, headers=CLERK), 422, "R-SUB-TRANSPORT")
    assert english["detail"].startswith("claimant.category: only lifted, not_lifted laborers "
                                        "qualify")
    assert "got 'edge'" in english["detail"]


def test_a_step_out_of_order_is_refused_in_chinese(api: TestClient) -> None:
    """R-FLOW-1: the claim's state and the step by their Chinese names."""
    cid = api.post("/claims", json=_transport(), headers=CLERK).json()["id"]
    early = {"date": "2024-06-05"}
    chinese = refused(api.post(f"/claims/{cid}/payment", json=early, headers={**REVIEWER, **ZH}),
                      409, "R-FLOW-1")
    in_chinese(chinese, "补贴申请当前为“已提交”，不能进行“发放”")
    assert chinese["state"] == "submitted"
    english = refused(api.post(f"/claims/{cid}/payment", json=early, headers=REVIEWER), 409,
                      "R-FLOW-1")
    assert english["detail"] == "step 'pay' is not allowed while the claim is submitted"


def test_a_limit_reached_is_refused_in_chinese(api: TestClient) -> None:
    """R-SUB-TRANSPORT, once a person a year: at submission (422) and at approval (409), the
    person named masked in Chinese as in English."""
    first = api.post("/claims", json={**_transport(), "date": "2024-06-01"}, headers=CLERK)
    second = api.post("/claims", json={**_transport(), "date": "2024-06-02"}, headers=CLERK)
    for claim in (first, second):
        assert claim.status_code == 201, claim.text
    api.post(f"/claims/{first.json()['id']}/review", json={"date": "2024-06-03", "approve": True},
             headers=REVIEWER).raise_for_status()
    masked = mask_resident_id(WANG)

    at_approval = api.post(f"/claims/{second.json()['id']}/review",
                           json={"date": "2024-06-03", "approve": True},
                           headers={**REVIEWER, **ZH})
    chinese = refused(at_approval, 409, "R-SUB-TRANSPORT")
    in_chinese(chinese, f"{masked} 在 2024 年的交通补助：至多批准 1 次，已批准 1 次")
    assert WANG not in at_approval.text

    again = _transport()
    at_submission = api.post("/claims", json=again, headers={**CLERK, **ZH})
    chinese = refused(at_submission, 422, "R-SUB-TRANSPORT")
    in_chinese(chinese, f"claimant.resident_id：{masked} 在 2024 年的交通补助：至多批准 1 次")
    assert WANG not in at_submission.text
    english = refused(api.post("/claims", json=again, headers=CLERK), 422, "R-SUB-TRANSPORT")
    assert english["detail"].startswith(
        f"claimant.resident_id: transport subsidy of {masked} in 2024: 1 of 1 already approved")


def test_an_intake_too_large_is_refused_in_chinese(api: TestClient) -> None:
    """R-SUB-ABSORB (Huize): 10 ordinary workers a year at most, counted across claims."""
    put = api.put(f"/policies/{COUNTY}", json={"effective_from": "2024-01-01",
                                               "subsidies": HUIZE_SUBSIDIES}, headers=ADMIN)
    assert put.status_code == 200, put.text

    def absorption(first: int, n: int) -> dict[str, Any]:
        return {"type": "absorption", "county": COUNTY, "date": "2024-06-01", "claimant": CO_OP,
                "facts": {"employer": "Huize Potato Co-op", "workers": [
                    {"resident_id": r, "category": "已脱贫", "months_stable": 13,
                     "contract_months": 12, "relocated": False, "hired_on": "2023-03-01"}
                    for r in _ids(first, n)]}}

    ten = api.post("/claims", json=absorption(100, 10), headers=CLERK)
    assert ten.status_code == 201, ten.text
    api.post(f"/claims/{ten.json()['id']}/review", json={"date": "2024-06-02", "approve": True},
             headers=REVIEWER).raise_for_status()
    chinese = refused(api.post("/claims", json=absorption(200, 1), headers={**CLERK, **ZH}),
                      422, "R-SUB-ABSORB")
    in_chinese(chinese, "facts.workers：Huize Potato Co-op 2023 年吸纳 11 人（已批准 10 人，本申请 "
                        "1 人；搬迁群众 0 人）：按普通标准计的劳动力 11 人；每年至多 10 人")
    english = refused(api.post("/claims", json=absorption(200, 1), headers=CLERK), 422,
                      "R-SUB-ABSORB")
    assert "Huize Potato Co-op's intake of 2023: 11 workers" in english["detail"]
    assert not HAN.search(english["detail"])


def test_review_and_clawback_refusals_in_chinese(api: TestClient) -> None:
    """A reviewer is never the submitter; a rejection and a clawback state their reasons; a
    clawback never exceeds what remains to recover."""
    own = api.post("/claims", json={**_transport(), "type": "startup", "facts": {
        "registered_on": "2023-01-01", "running": True, "first_business": True}}, headers=ADMIN)
    selfreview = api.post(f"/claims/{own.json()['id']}/review",
                          json={"date": "2024-06-03", "approve": True}, headers={**ADMIN, **ZH})
    in_chinese(refused(selfreview, 403, "R-SUB-STARTUP"), "root 提交了本申请，不得审核")

    cid = api.post("/claims", json=_transport(), headers=CLERK).json()["id"]
    unreasoned = api.post(f"/claims/{cid}/review", json={"date": "2024-06-03", "approve": False,
                                                         "reason": " "}, headers={**REVIEWER, **ZH})
    in_chinese(refused(unreasoned, 422, "R-SUB-TRANSPORT"), "不予通过须写明理由")
    api.post(f"/claims/{cid}/review", json={"date": "2024-06-03", "approve": True},
             headers=REVIEWER).raise_for_status()
    api.post(f"/claims/{cid}/payment", json={"date": "2024-06-05"},
             headers=REVIEWER).raise_for_status()
    too_much = api.post(f"/claims/{cid}/clawback", json={
        "date": "2024-07-01", "reason": "no stable work", "amount_fen": 30_001},
        headers={**REVIEWER, **ZH})
    in_chinese(refused(too_much, 422, "R-SUB-TRANSPORT"),
               "amount_fen：30001 分超过尚待追回的金额：已发放 30000 分，已追回 0 分，尚待追回 30000 分")
