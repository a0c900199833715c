"""Subsidy-claim refusals carry their particulars in Chinese too (issue 11; RULES.md §6), with
the English as it was: every condition of every claim type, and every limit a claim falls
under, named from its key (src/domain/subsidies/limits_zh.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from postledger.domain.actor import acting_as
from postledger.domain.errors import InvalidInput, LimitReached
from postledger.domain.subsidies.limits_zh import what_zh
from postledger.domain.subsidies.registry import CLAIM_TYPES
from postledger.infrastructure.clock import BusinessClock
from postledger.workflows.application import PostLedger
from postledger.workflows.claims import ClaimsService
from tests.subsidy_tables import ALL_TYPES
from tests.unit.test_subsidy_claims import (
    ADMIN,
    COUNTY,
    DAY,
    REFUSALS,
    REVIEWER,
    rid,
    submit,
)

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def app() -> Iterator[PostLedger]:
    ledger = PostLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    with acting_as(ADMIN):
        ledger.set_policy(COUNTY, date(2000, 1, 1), {"subsidies": ALL_TYPES})
    ledger.clock = BusinessClock.fixed(date(2028, 1, 1))
    yield ledger
    ledger.close()


@pytest.fixture
def claims(app: PostLedger) -> ClaimsService:
    return ClaimsService(app)


@pytest.mark.parametrize(("claim_type", "changes", "claimant", "rule", "fact"), REFUSALS)
def test_each_condition_is_refused_in_chinese_too(
    claims: ClaimsService, claim_type: str, changes: dict[str, Any],
    claimant: dict[str, Any] | None, rule: str, fact: str,
) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, claim_type, claimant=claimant, **changes)
    refusal = excinfo.value
    assert (refusal.rule, refusal.fact) == (rule, fact)
    assert refusal.detail.startswith(f"{fact}: ")
    assert refusal.detail_zh is not None and HAN.search(refusal.detail_zh), refusal.detail
    assert not refusal.detail_zh.startswith(fact)  # the 422 puts the fact before it


def test_a_claimant_outside_the_table_is_named_by_chinese_category(
    claims: ClaimsService,
) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "transport", claimant={"name": "Wang Fang", "resident_id": rid(),
                                              "category": "edge"})
    assert excinfo.value.rule == "R-SUB-TRANSPORT"
    assert "只有“已脱贫、未脱贫”的劳动力可以享受" in str(excinfo.value.detail_zh)
    assert "此人为“边缘户”" in str(excinfo.value.detail_zh)
    assert "got 'edge'" in excinfo.value.detail


def test_a_bad_fact_is_refused_in_the_value_types_own_chinese(claims: ClaimsService) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "social_insurance",
               months=[{"month": "2024-13", "premiums_paid_fen": 100}])
    assert excinfo.value.detail_zh == "须为月份 YYYY-MM"
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "transport", months_stable="4")  # pydantic's own: a number as text
    assert excinfo.value.detail_zh == "须为整数"
    with pytest.raises(InvalidInput) as excinfo:  # pydantic's own, naming what it allows
        submit(claims, "transport", destination="abroad")
    assert excinfo.value.detail_zh == "须为 other_province、other_county、in_county 之一"
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "transport", ticket_price_fen=0)
    assert excinfo.value.detail_zh == "须不小于 1"


# One claim of each type approved, then the same claim again: every limit refuses in Chinese.
SECOND: dict[str, dict[str, Any]] = {
    "workshop": {"poor_laborers": [{"resident_id": rid(seq=80 + i), "category": "lifted"}
                                   for i in range(6)]},
    "training_days": {"course": "Sewing 1", "trained_from": "2024-05-01"},
}


@pytest.mark.parametrize("claim_type", sorted(CLAIM_TYPES))
def test_a_limit_reached_is_refused_in_chinese_naming_what_it_limits(
    claims: ClaimsService, claim_type: str,
) -> None:
    changes = SECOND.get(claim_type, {})
    first = submit(claims, claim_type, **changes)
    for limit in first.typed_limits:
        assert not what_zh(limit.key, limit.fact).startswith("限额"), limit.key
    with acting_as(REVIEWER):
        claims.review(first.id, date=DAY, approve=True, reason=None)
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, claim_type, **changes)
    refusal = excinfo.value
    assert refusal.rule == CLAIM_TYPES[claim_type].rule
    assert refusal.detail_zh is not None, refusal.detail
    limit = next(x for x in first.typed_limits if refusal.detail.startswith(
        f"{refusal.fact}: {x.what}"))
    assert refusal.detail_zh.startswith(what_zh(limit.key, limit.fact))


def test_an_approval_over_a_limit_is_refused_in_chinese(claims: ClaimsService) -> None:
    one, two = submit(claims, "startup"), submit(claims, "startup")
    with acting_as(REVIEWER):
        claims.review(one.id, date=DAY, approve=True, reason=None)
        with pytest.raises(LimitReached) as excinfo:
            claims.review(two.id, date=DAY, approve=True, reason=None)
    assert excinfo.value.detail.startswith(f"start-up subsidy of {rid()}: 1 of 1")
    assert excinfo.value.detail_zh == (f"{rid()} 的创业补贴：至多批准 1 次，已批准 1 次"
                                       f"（申请 {one.id}）")


@pytest.mark.parametrize(("key", "fact", "words"), [
    ("transport/X/2024", "claimant.resident_id", "X 在 2024 年的交通补助"),
    ("certificate/X/driving_b2", "facts.certificate", "X 的“driving_b2”证书培训补贴直补"),
    ("job_training/X/skill_level", "facts.certificate_level", "X 的“skill_level”岗位技能培训补贴"),
    ("job_training/X/2024-01-10", "facts.contract_signed_on",
     "X 就 2024-01-10 签订的劳动合同的岗位技能培训补贴"),
    ("labour_export/X", "facts.workers[0].resident_id", "X 的劳务输出补贴（一次性）"),
    ("absorption/X", "facts.workers[0].resident_id", "X 的吸纳就业补贴（一次性）"),
    ("absorption-employer/520524/A/B CO/2023", "facts.workers", "A/B CO 在 2023 年新吸纳的劳动力"),
    ("social_insurance/X", "facts.months", "X 的社会保险补贴"),
    ("workshop/520524/WS/1", "facts.workshop_id", "520524 的就业扶贫车间奖补 WS/1"),
    ("workshop-laborer/X", "facts.poor_laborers[0]", "劳动力 X 的就业扶贫车间奖补"),
    ("training_days/X/unnamed-2024", "facts.course", "X 2024 年未写明课程的培训食宿交通补贴"),
    ("training_days/X/SEWING", "facts.course", "X 参加课程“SEWING”的培训食宿交通补贴"),
    ("training_days/X", "facts.trained_from", "X 的培训食宿交通补贴"),
    ("startup/X", "claimant.resident_id", "X 的创业补贴"),
    ("lottery/X", "facts.ticket", "限额“lottery/X”"),
])
def test_limits_are_named_in_chinese_from_their_keys(key: str, fact: str, words: str) -> None:
    assert what_zh(key, fact) == words
