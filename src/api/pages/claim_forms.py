"""The claim form of each type (API.md "Subsidy claims", facts by type): which fields a clerk
fills in, read into the claimant and facts that ``POST /claims`` takes. Money is typed in yuan
and sent in fen; list facts are typed one entry a line, columns separated by commas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from postledger.api.pages.forms import Form
from postledger.domain.errors import InvalidInput

YES = ("yes", "y", "1", "true", "是")
NO = ("no", "n", "0", "false", "否")
DESTINATIONS = ("other_province", "other_county", "in_county")


@dataclass(frozen=True)
class Field:
    name: str  # the fact's name; "a.b" for a nested fact
    kind: str  # choice, fen, whole, flag, day, month, text, lines, rows
    label: tuple[str, str]
    options: tuple[str, ...] = ()  # choices, or the columns of a row ("name:kind")
    example: str = ""  # shown in an empty list field


CLAIM_FORMS: dict[str, list[Field]] = {
    "transport": [
        Field("destination", "choice", ("务工地", "Destination"), DESTINATIONS),
        Field("ticket_price_fen", "fen", ("车票金额（元）", "Ticket price (yuan)")),
        Field("months_stable", "whole", ("稳定就业月数", "Months in stable work")),
        Field("real_name_ticket", "flag", ("实名制车票", "Real-name ticket")),
    ],
    "certificate": [
        Field("certificate", "choice", ("证书", "Certificate"),
              ("excavator", "driving_b2", "driving_c", "security_guard", "beauty", "chef",
               "electrician", "welder")),
        Field("self_paid", "flag", ("自费参加培训", "Self-paid training")),
        Field("employed", "flag", ("已实现就业", "Employed")),
    ],
    "job_training": [
        Field("certificate_level", "choice", ("证书等级", "Certificate level"),
              ("vocational_qualification", "skill_level", "special_ability", "training_pass")),
        Field("contract_signed_on", "day", ("劳动合同签订日期", "Contract signed on")),
        Field("contract_months", "whole", ("合同期限（月）", "Contract months")),
        Field("trained_on", "day", ("培训日期", "Trained on")),
    ],
    "labour_export": [
        Field("organiser.kind", "choice", ("组织者类型", "Organiser kind"),
              ("agency", "broker", "village_committee")),
        Field("organiser.name", "text", ("组织者名称", "Organiser name")),
        Field("organiser.registered", "flag", ("已登记注册", "Registered")),
        Field("workers", "rows", ("输出人员：身份证号, 人员类别, 务工地, 稳定月数, 跟踪月数",
                                  "Workers: resident id, category, destination, months stable, "
                                  "months followed"),
              ("resident_id:text", "category:text", "destination:text", "months_stable:whole",
               "follow_up_months:whole"),
              "520524198001010013, lifted, other_province, 8, 12"),
    ],
    "absorption": [
        Field("employer", "text", ("用人单位", "Employer")),
        Field("workers", "rows", ("吸纳人员：身份证号, 人员类别, 稳定月数, 合同月数, 是否易地搬迁, 入职日期",
                                  "Workers: resident id, category, months stable, contract months, "
                                  "relocated, hired on"),
              ("resident_id:text", "category:text", "months_stable:whole",
               "contract_months:whole", "relocated:flag", "hired_on:text"),
              "520524198001010013, lifted, 13, 12, 否, 2024-05-01"),
    ],
    "social_insurance": [
        Field("months", "rows", ("缴费月份：月份, 实缴金额（元）", "Months: month, premiums paid (yuan)"),
              ("month:text", "premiums_paid_fen:fen"), "2025-01, 450"),
        Field("graduate", "flag", ("高校毕业生", "Graduate")),
        Field("small_firm", "flag", ("小微企业", "Small firm")),
    ],
    "workshop": [
        Field("workshop_id", "text", ("扶贫车间", "Workshop")),
        Field("poor_laborers", "rows", ("吸纳贫困劳动力：身份证号, 人员类别（每行一人）",
                                        "Poor laborers: resident id, category, one a line"),
              ("resident_id:text", "category:text"), "520524198001010013, lifted"),
        Field("contract_months", "whole", ("合同期限（月）", "Contract months")),
        Field("wage_at_least_minimum", "flag", ("工资不低于最低工资", "Wage at least the minimum")),
    ],
    "training_days": [
        Field("days", "whole", ("培训天数", "Days")),
        Field("daily_cost_fen", "fen", ("每天费用（元）", "Daily cost (yuan)")),
        Field("outside_home_township", "flag", ("在户籍乡镇以外培训", "Outside the home township")),
        Field("passed", "flag", ("培训合格", "Passed")),
    ],
    "startup": [
        Field("registered_on", "day", ("注册登记日期", "Registered on")),
        Field("running", "flag", ("正常经营", "Running")),
        Field("first_business", "flag", ("首次创业", "First business")),
    ],
}


def claimant_of(form: Form) -> dict[str, Any]:
    claimant: dict[str, Any] = {"name": form.text("claimant.name")}
    for name in ("resident_id", "category", "township", "village", "credit_code"):
        value = form.optional_text(f"claimant.{name}")
        if value:
            claimant[name] = value
    if not form.optional_text("claimant.resident_id"):
        claimant["kind"] = "organisation"
    return claimant


def facts_of(claim_type: str, form: Form) -> dict[str, Any]:
    fields = CLAIM_FORMS.get(claim_type)
    if fields is None:
        raise InvalidInput(f"type: one of {', '.join(CLAIM_FORMS)}, got {claim_type!r}", fact="type")
    facts: dict[str, Any] = {}
    for field in fields:
        key = f"facts.{field.name}"
        value = _value(field, form, key)
        target = facts
        *outer, last = field.name.split(".")
        for part in outer:
            target = target.setdefault(part, {})
        target[last] = value
    return facts


def _value(field: Field, form: Form, key: str) -> Any:
    if field.kind == "flag":
        return form.flag(key)
    if field.kind == "choice":
        return form.choice(key, field.options)
    if field.kind == "fen":
        return form.fen(key)
    if field.kind == "whole":
        return form.whole(key)
    if field.kind == "day":
        return form.day(key).isoformat()
    if field.kind == "lines":
        return [line.strip() for line in form.text(key).splitlines() if line.strip()]
    if field.kind == "rows":
        return [_row(field, line, key, n)
                for n, line in enumerate(form.text(key).splitlines(), start=1) if line.strip()]
    return form.text(key)


def _row(field: Field, line: str, key: str, n: int) -> dict[str, Any]:
    cells = [c.strip() for c in line.replace("，", ",").split(",")]
    if len(cells) != len(field.options):
        raise InvalidInput(f"{key} line {n}: {len(field.options)} values separated by commas, "
                           f"got {len(cells)}", fact=key)
    row: dict[str, Any] = {}
    for cell, column in zip(cells, field.options, strict=True):
        name, kind = column.split(":")
        row[name] = _cell(cell, kind, f"{key} line {n} {name}")
    return row


def _cell(cell: str, kind: str, where: str) -> Any:
    if kind == "whole":
        if not (cell.isascii() and cell.isdigit()):
            raise InvalidInput(f"{where}: a whole number, got {cell!r}", fact=where)
        return int(cell)
    if kind == "fen":
        return Form.yuan_to_fen(cell, where)
    if kind == "flag":
        if cell.lower() in YES:
            return True
        if cell.lower() in NO:
            return False
        raise InvalidInput(f"{where}: yes or no (是/否), got {cell!r}", fact=where)
    return cell
