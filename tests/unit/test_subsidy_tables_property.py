"""Property: every county table the schema accepts computes, for every fact set its facts model
accepts, either an amount or a refusal naming the type's rule — never an error that blames the
table at a clerk's claim (issue 11, "Done when")."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from pydantic import ValidationError

from postledger.domain.errors import InvalidInput
from postledger.domain.resident_id import ResidentId
from postledger.domain.subsidies.base import Claimant, ClaimType, Context, Retirement
from postledger.domain.subsidies.registry import CLAIM_TYPES

RESIDENT_ID_PATTERN = "^[0-9]{17}[0-9Xx]$"
DAYS = st.dates(min_value=date(1950, 1, 1), max_value=date(2030, 12, 31))
FORMATS = {
    "iso-day": DAYS.map(date.isoformat),
    "year-month": DAYS.map(lambda d: f"{d.year:04d}-{d.month:02d}"),
    "resident-id": st.builds(
        lambda birth, seq: ResidentId.compose("520524", birth, seq).value,
        st.dates(min_value=date(1940, 1, 1), max_value=date(2010, 12, 31)),
        st.integers(0, 999),
    ),
}


def _schema(model: Any) -> dict[str, Any]:
    # "date" and the resident id's pattern are for clients; generation draws business days
    # from a working life and resident ids with their check digit.
    text = json.dumps(model.model_json_schema()).replace(
        '"format": "date"', '"format": "iso-day"').replace(
        f'"pattern": {json.dumps(RESIDENT_ID_PATTERN)}', '"format": "resident-id"')
    schema: dict[str, Any] = json.loads(text)
    return schema


def _claimants() -> st.SearchStrategy[Claimant]:
    return st.builds(
        Claimant, kind=st.sampled_from(["person", "organisation"]), name=st.just("王"),
        resident_id=st.one_of(st.none(), FORMATS["resident-id"]),
        category=st.sampled_from([None, "lifted", "not_lifted", "edge"]),
        household_id=st.none(), township=st.none(), village=st.none(),
        credit_code=st.one_of(st.none(), st.just("91520524MA6")),
    )


@pytest.mark.parametrize("kind", list(CLAIM_TYPES.values()), ids=list(CLAIM_TYPES))
def test_every_accepted_table_computes_every_accepted_fact_set(kind: ClaimType) -> None:
    @settings(max_examples=20, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(table=from_schema(_schema(kind.table), custom_formats=FORMATS),
           facts=from_schema(_schema(kind.facts), custom_formats=FORMATS),
           claimant=_claimants(), on=DAYS)
    def check(table: Any, facts: Any, claimant: Claimant, on: date) -> None:
        try:  # the property is about what the models accept
            typed_table = kind.table.model_validate(table)
            typed_facts = kind.facts.model_validate(facts)
        except ValidationError:
            assume(False)
        ctx = Context(on=on, county="520524", claimant=claimant,
                      retirement=Retirement(male=60, female=50), approved_workers=lambda _: [])
        try:
            computed = kind.calculate(typed_facts, typed_table, ctx)
        except InvalidInput as refusal:
            assert refusal.rule == kind.rule
            assert refusal.fact and not refusal.fact.startswith("policy")
            return
        assert computed.amount_fen >= 0
        json.dumps(computed.facts)  # what the event stores is plain JSON

    check()
