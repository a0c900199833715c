"""R-SUB-EXPORT 劳务输出: per worker exported, flat or by destination; "一次性": once per worker,
whoever organised it.

Zhijin (``000``): "对人力资源服务机构、劳务经纪人等市场主体开展有组织劳务输出，输出的建档立卡贫困劳动力
稳定就业6个月以上，且提供1年跟踪服务的…按每人400元" — agencies and brokers, no village committee.
Hekou (``002``): 300 other province, 200 other county, on a contract of at least a year and 3
months of stable work; the organiser is a registered agency (village committees and brokers
work "依托人力资源服务机构", through one). Yunnan, Huize (``004``): 300/200 (Huize 100 in the
county), a registered agency, village committee or rural broker.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal, Self

from pydantic import BeforeValidator, Field, model_validator

from postledger.domain.labels import alias_of, label_of
from postledger.domain.subsidies.base import (
    REGISTERED_POOR,
    Category,
    ClaimType,
    Computed,
    Context,
    Destination,
    Facts,
    Fen,
    Flag,
    Months,
    Refuse,
    Table,
    Text,
    Worker,
    checked_workers,
    months_zh,
)
from postledger.domain.subsidies.limits import CountLimit
from postledger.domain.subsidies.transport import DestinationCaps

RULE = "R-SUB-EXPORT"
OrganiserKind = Annotated[Literal["agency", "village_committee", "broker"],
                          BeforeValidator(alias_of("organiser_kind"))]


class LabourExportTable(Table):
    mode: Literal["flat", "by_destination"]
    flat_fen: Fen | None = None
    amounts_fen: DestinationCaps | None = None
    months_stable_min: Months
    follow_up_months_min: Months
    contract_months_min: Months = 0
    organiser_kinds: list[OrganiserKind] = Field(min_length=1)
    eligible_categories: list[Category] = Field(default=list(REGISTERED_POOR), min_length=1)

    @model_validator(mode="after")
    def _amounts_for_the_mode(self) -> Self:
        if self.mode == "flat" and self.flat_fen is None:
            raise ValueError("flat_fen is required when mode is flat")
        if self.mode == "by_destination" and self.amounts_fen is None:
            raise ValueError("amounts_fen is required when mode is by_destination")
        return self


class Organiser(Facts):
    kind: OrganiserKind
    name: Text
    registered: Flag


class ExportedWorker(Worker):
    destination: Destination
    follow_up_months: Months
    contract_months: Months | None = None


class LabourExportFacts(Facts):
    organiser: Organiser
    workers: list[ExportedWorker] = Field(min_length=1, max_length=1000)


def calculate(f: LabourExportFacts, table: LabourExportTable, ctx: Context) -> Computed:
    refuse = Refuse(RULE)
    kind = f.organiser.kind
    refuse.unless(kind in table.organiser_kinds, "organiser.kind",
                  f"the county's plan pays {', '.join(table.organiser_kinds)} for organised "
                  f"export, not a {kind}",
                  zh=f"本县只补贴“{_organisers_zh(table.organiser_kinds)}”组织的劳务输出，"
                     f"不补贴“{_organisers_zh([kind])}”")
    refuse.unless(f.organiser.registered, "organiser.registered",
                  f"the organising {kind} must be registered",
                  zh=f"组织输出的“{_organisers_zh([kind])}”须已登记注册")
    ids = [w.resident_id for w in f.workers]
    lines: list[dict[str, object]] = []
    for at, w in checked_workers(f.workers, rule=RULE, categories=table.eligible_categories,
                                 months_stable_min=table.months_stable_min):
        at.unless(w.follow_up_months >= table.follow_up_months_min, "follow_up_months",
                  f"{w.resident_id}: at least {table.follow_up_months_min} months of "
                  f"follow-up, got {w.follow_up_months}",
                  zh=f"{w.resident_id}：跟踪服务须满 {table.follow_up_months_min} 个月，实为 "
                     f"{w.follow_up_months} 个月")
        if table.contract_months_min:  # Yunnan, Hekou (002): a contract of at least a year
            contract = w.contract_months or 0
            at.unless(contract >= table.contract_months_min, "contract_months",
                      f"{w.resident_id}: a contract of at least {table.contract_months_min} "
                      f"months, got {w.contract_months}",
                      zh=f"{w.resident_id}：劳动合同须不少于 {table.contract_months_min} 个月，"
                         f"实为 {months_zh(w.contract_months)}")
        if table.mode == "flat":
            amount = table.flat_fen
        else:
            assert table.amounts_fen is not None
            amount = getattr(table.amounts_fen, w.destination)
        at.unless(amount is not None, "destination",
                  f"{w.resident_id}: the county pays no labour-export subsidy for work "
                  f"{w.destination}",
                  zh=f"{w.resident_id}：本县不补贴到“{label_of('destination', w.destination)}”"
                     "务工的劳务输出")
        lines.append({"item": f"{w.resident_id} to {w.destination}", "amount_fen": amount})
    return Computed(
        amount_fen=sum(int(str(line["amount_fen"])) for line in lines),
        facts=f.model_dump(mode="json", exclude_none=True),
        breakdown=lines,
        limits=[CountLimit(key=f"labour_export/{rid}", what=f"labour_export subsidy for {rid} "
                           "(one-off)", fact=f"facts.workers[{i}].resident_id")
                for i, rid in enumerate(ids)],
    )


def _organisers_zh(kinds: Sequence[str]) -> str:
    return "、".join(label_of("organiser_kind", k) or k for k in kinds)


CLAIM_TYPE = ClaimType(
    name="labour_export", rule=RULE, title_zh="劳务输出补贴", title_en="organised labour export subsidy",
    table=LabourExportTable, facts=LabourExportFacts, calculate=calculate,
)
