"""The one registry of claim types (RULES.md §6). Adding a type is one module (its table, its
facts, its calculation, its ``CLAIM_TYPE``) and one line here."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, create_model

from postledger.domain.subsidies import (
    absorption,
    certificate,
    job_training,
    labour_export,
    social_insurance,
    startup,
    training_days,
    transport,
    workshop,
)
from postledger.domain.subsidies.base import (
    Claimant,
    ClaimType,
    Computed,
    Context,
    Table,
    parse_claimant,
    read_model,
    refused,
)

CLAIM_TYPES: dict[str, ClaimType] = {t.name: t for t in (
    transport.CLAIM_TYPE,
    certificate.CLAIM_TYPE,
    job_training.CLAIM_TYPE,
    labour_export.CLAIM_TYPE,
    absorption.CLAIM_TYPE,
    social_insurance.CLAIM_TYPE,
    workshop.CLAIM_TYPE,
    training_days.CLAIM_TYPE,
    startup.CLAIM_TYPE,
)}


class _Tables(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def table(self, claim_type: str) -> Table | None:
        found = getattr(self, claim_type, None)
        return found if isinstance(found, Table) else None


# A county's subsidy tables: one per claim type, ``null`` where the county pays no such subsidy.
if TYPE_CHECKING:
    SubsidyTables = _Tables
else:
    SubsidyTables = create_model(
        "SubsidyTables",
        __base__=_Tables,
        **{name: (t.table | None, None) for name, t in CLAIM_TYPES.items()},
    )


def find_claim_type(name: Any) -> ClaimType:
    found = CLAIM_TYPES.get(name) if isinstance(name, str) else None
    if found is None:
        raise refused(None, "type", f"must be one of {', '.join(CLAIM_TYPES)}, got {name!r}",
                      zh=f"须为 {'、'.join(CLAIM_TYPES)} 之一，实为“{name}”")
    return found


def calculate(
    kind: ClaimType, *, on: date, county: str, claimant: Any, facts: Any, tables: _Tables,
    context: dict[str, Any],
) -> tuple[Claimant, Table, Computed]:
    """The claimant, the county's table and the computed claim; refused (422, the type's
    rule) when the county pays no such subsidy or a fact breaks a condition."""
    table = tables.table(kind.name)
    if table is None:
        raise refused(kind.rule, "type", f"county {county} pays no {kind.name} subsidy "
                                         f"({kind.title_zh}): its policy has no table for it",
                      zh=f"本县（{county}）不发放{kind.title_zh}：其政策没有此项补贴表")
    who = parse_claimant(claimant, kind.rule)
    given = read_model(kind.facts, facts, rule=kind.rule, prefix="facts")
    ctx = Context(on=on, county=county, claimant=who, **context)
    return who, table, kind.calculate(given, table, ctx)
