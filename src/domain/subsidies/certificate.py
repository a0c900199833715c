"""R-SUB-CERT 培训补贴直补 (Zhijin, ``000``): by certificate, for self-paid training, once the
certificate is obtained and the person employed ("自费培训后取得相应技能水平证书并实现就业的").

"B2及以上准驾大型货车（客车）驾驶证": B2 and every class above it (B1, A3, A2, A1) is one
subsidy, so ``limit_groups`` counts them together: once per person and group (a certificate
outside any group is its own group). Claimants: 县内建档立卡贫困家庭劳动力.
"""

from __future__ import annotations

from pydantic import Field

from postledger.domain.subsidies.base import (
    REGISTERED_POOR,
    Category,
    ClaimType,
    Computed,
    Context,
    Facts,
    Fen,
    Flag,
    Refuse,
    Table,
    Text,
    eligible,
    person,
)
from postledger.domain.subsidies.limits import CountLimit

RULE = "R-SUB-CERT"


class CertificateTable(Table):
    amounts_fen: dict[str, Fen] = Field(min_length=1)
    employed_required_for: list[str]
    limit_groups: dict[str, str] = Field(default_factory=dict)
    eligible_categories: list[Category] = Field(default=list(REGISTERED_POOR), min_length=1)


class CertificateFacts(Facts):
    certificate: Text
    self_paid: Flag
    employed: Flag


def calculate(f: CertificateFacts, table: CertificateTable, ctx: Context) -> Computed:
    rid = person(ctx.claimant, RULE)
    eligible(ctx.claimant.category, table.eligible_categories, RULE, "claimant.category")
    refuse = Refuse(RULE)
    refuse.unless(f.certificate in table.amounts_fen, "certificate",
                  f"must be one of {', '.join(table.amounts_fen)}, got {f.certificate!r}",
                  zh=f"须为 {'、'.join(table.amounts_fen)} 之一，实为“{f.certificate}”")
    refuse.unless(f.self_paid, "self_paid", "the subsidy repays self-paid training only",
                  zh="此项补贴只补自费参加的培训")
    if f.certificate in table.employed_required_for:
        refuse.unless(f.employed, "employed",
                      f"a {f.certificate} certificate is subsidised once employed",
                      zh=f"“{f.certificate}”证书须在实现就业后才予补贴")
    amount = table.amounts_fen[f.certificate]
    # One subsidy per group: a B2 licence and a later A2 are one "B2 or higher" licence.
    group = table.limit_groups.get(f.certificate, f.certificate)
    return Computed(
        amount_fen=amount,
        facts=f.model_dump(mode="json"),
        breakdown=[{"item": f"{f.certificate} certificate", "amount_fen": amount}],
        limits=[CountLimit(key=f"certificate/{rid}/{group}",
                           what=f"{group} certificate subsidy of {rid}", fact="facts.certificate")],
    )


CLAIM_TYPE = ClaimType(
    name="certificate", rule=RULE, title_zh="培训补贴直补", title_en="training certificate subsidy",
    table=CertificateTable, facts=CertificateFacts, calculate=calculate,
)
