"""A county's policy, typed: the placement parameters (RULES.md §2–§4) and one subsidy table per
claim type (§6). Checked whole when it is PUT, so no table that is accepted can fail at a
clerk's claim; published as JSON Schema (``policy_schema``).

Defaults are those of RULES.md; where the seeds leave a figure to the county (the minimum wage)
0 means "not set". Each parameter names the rule that reads it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from postledger.domain.subsidies.registry import SubsidyTables

Category = Literal["lifted", "not_lifted", "edge"]
ALL_CATEGORIES: list[Category] = ["lifted", "not_lifted", "edge"]


def _rule(rule: str, text: str) -> Any:
    return {"description": f"{rule}: {text}", "x-rule": rule}


class PlacementTerms(BaseModel):
    """The placement parameters of one county (RULES.md §2–§4)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    age_min: int = Field(default=16, ge=0, le=150, json_schema_extra=_rule("R-ELIG-1", "youngest age"))
    age_max: int = Field(default=65, ge=1, le=150, json_schema_extra=_rule(
        "R-ELIG-1", "oldest age, included; the age exit is on the day after it ends"))
    publicity_days: int = Field(default=5, ge=1, le=365, json_schema_extra=_rule(
        "R-PUB-1", "shortest publicity, also of an extension (R-EXIT-2)"))
    notice_days: int = Field(default=7, ge=0, le=365, json_schema_extra=_rule(
        "R-POST-3", "shortest run of a recruitment notice"))
    term_years: int = Field(default=3, ge=1, le=50, json_schema_extra=_rule("R-EXIT-1", "longest term"))
    extension_years_max: int = Field(default=5, ge=0, le=50, json_schema_extra=_rule(
        "R-EXIT-2", "longest extension, in all"))
    monthly_subsidy_fen: int = Field(default=50_000, ge=1, le=100_000_000, json_schema_extra=_rule(
        "R-PAY-1", "monthly post subsidy, unless the post states its own"))
    minimum_wage_fen: int = Field(default=0, ge=0, le=100_000_000, json_schema_extra=_rule(
        "R-POST-2", "local monthly minimum wage a full-time post pays at least; 0: not set"))
    eligible_categories: list[Category] = Field(
        default_factory=lambda: list(ALL_CATEGORIES), min_length=1, json_schema_extra=_rule(
            "R-ELIG-3", "categories of laborers a post may go to"))
    edge_cap_per_township: int = Field(default=5, ge=0, le=10_000, json_schema_extra=_rule(
        "R-ELIG-3", "edge households (边缘户) with a placement, per township"))
    backdating_days: int = Field(default=60, ge=0, le=3650, json_schema_extra=_rule(
        "R-FRAUD-9", "recording this long after a step's date is backdating"))
    near_retirement_past_age_max: bool = Field(default=False, json_schema_extra=_rule(
        "R-EXIT-2", "may a near-retirement extension run past age_max"))
    retirement_age_male: int = Field(default=60, ge=40, le=80, json_schema_extra=_rule(
        "R-EXIT-2", "statutory retirement age, men"))
    retirement_age_female: int = Field(default=50, ge=40, le=80, json_schema_extra=_rule(
        "R-EXIT-2", "statutory retirement age, women"))
    retirement_age_female_cadre: int = Field(default=55, ge=40, le=80, json_schema_extra=_rule(
        "R-EXIT-2", "statutory retirement age, women in cadre posts"))
    review_grace_days: int = Field(default=30, ge=0, le=365, json_schema_extra=_rule(
        "R-REV-1", "days after an anniversary of onboarding a review may still be missing"))
    pay_pro_rata: bool = Field(default=False, json_schema_extra=_rule(
        "R-PAY-2", "pay by days worked over the month's working days"))
    selection_required: bool = Field(default=False, json_schema_extra=_rule(
        "R-FLOW-4", "a selection step between township review and publicity"))

    @field_validator("age_max")
    @classmethod
    def _above_age_min(cls, age_max: int, info: ValidationInfo) -> int:
        if age_max <= info.data.get("age_min", 0):
            raise ValueError(f"must be above age_min {info.data.get('age_min')} (R-ELIG-1)")
        return age_max

    def retirement_age(self, gender: str, cadre: bool = False) -> int:
        """R-EXIT-2: the statutory retirement age for a gender (and a cadre post)."""
        if gender == "male":
            return self.retirement_age_male
        return self.retirement_age_female_cadre if cadre else self.retirement_age_female


class PolicyTerms(PlacementTerms):
    """The whole policy of one county: placement parameters and subsidy tables."""

    subsidies: SubsidyTables = Field(default_factory=SubsidyTables, json_schema_extra={
        "description": "RULES.md §6: one table per claim type; null where the county pays none"})

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def parameter_rule(name: str) -> str | None:
    """The rule a placement parameter serves (its ``x-rule``), or None."""
    found = PlacementTerms.model_fields.get(name)
    extra = found.json_schema_extra if found is not None else None
    rule = extra.get("x-rule") if isinstance(extra, dict) else None
    return rule if isinstance(rule, str) else None


def policy_schema() -> dict[str, Any]:
    """The JSON Schema of a whole county policy (``GET /policies/{county}/schema``)."""
    return PolicyTerms.model_json_schema()
