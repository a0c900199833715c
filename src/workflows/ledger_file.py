"""The monthly ledger file (API.md "The monthly ledger file"): one sheet, headers in the first
row (Chinese as county staff write them, English accepted), one row per placement-month; money
in yuan with up to 2 decimals. Read and written with openpyxl.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from postledger.domain.errors import InvalidInput
from postledger.domain.values import (
    BusinessDate,
    Count,
    Label,
    Name,
    Phone,
    PlaceSegment,
    read,
    read_month,
)

# (field, Chinese header, English header), in the order of the file.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("township", "乡镇", "township"),
    ("village", "村", "village"),
    ("name", "姓名", "name"),
    ("resident_id", "身份证号", "resident_id"),
    ("phone", "联系电话", "phone"),
    ("post", "岗位", "post"),
    ("kind", "岗位类别", "kind"),
    ("onboarded_on", "上岗日期", "onboarded_on"),
    ("month", "月份", "month"),
    ("days_worked", "出勤天数", "days_worked"),
    ("secretary", "村支书签字", "secretary"),
    ("member", "村委签字", "member"),
    ("worker", "本人签字", "worker"),
    ("amount_yuan", "发放金额", "amount_yuan"),
    ("exited_on", "退出日期", "exited_on"),
)
REQUIRED = ("township", "name", "resident_id", "month")
# A field as county staff name it: its header in the file.
HEADER_ZH = {field_name: chinese for field_name, chinese, _ in COLUMNS}
SHEET_TITLE = "实名台账"
_AMOUNT = re.compile(r"[0-9]+(\.[0-9]{1,2})?", re.ASCII)


@dataclass(frozen=True)
class LedgerLine:
    """One readable row of a ledger file, as reported."""

    row: int
    township: str
    village: str | None
    name: str
    resident_id: str
    phone: str
    post: str
    kind: str
    onboarded_on: date | None
    month: str
    days_worked: int | None
    secretary: str
    member: str
    worker: str
    amount_fen: int | None
    exited_on: date | None


@dataclass(frozen=True)
class Unreadable:
    """A row not recorded: why, in English (``reason``, as clients read it) and in Chinese for
    the county staff who keep the file (``reason_zh``, the same particulars)."""

    row: int
    reason: str
    reason_zh: str


@dataclass(frozen=True)
class LedgerSheet:
    sheet: str
    lines: list[LedgerLine]
    unreadable: list[Unreadable]
    rows: int


def read_ledger(data: bytes) -> LedgerSheet:
    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as error:
        raise InvalidInput(f"not a readable .xlsx file: {type(error).__name__}",
                           fact="file", zh=f"不是可读取的 .xlsx 文件：{type(error).__name__}"
                           ) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns = _columns(header)
    lines: list[LedgerLine] = []
    unreadable: list[Unreadable] = []
    count = 0
    for number, values in enumerate(rows, start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue  # a blank line is no row
        count += 1
        cells = {name: values[i] if i < len(values) else None for name, i in columns.items()}
        try:
            lines.append(_line(number, cells))
        except InvalidInput as refused:
            unreadable.append(Unreadable(row=number, reason=refused.detail,
                                         reason_zh=_reason_zh(refused)))
    book.close()
    return LedgerSheet(sheet=sheet.title, lines=lines, unreadable=unreadable, rows=count)


def _columns(header: tuple[Any, ...]) -> dict[str, int]:
    known = {}
    for field_name, chinese, english in COLUMNS:
        known.update({chinese: field_name, english: field_name,
                      f"{chinese} {english}": field_name})
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        label = " ".join(_text(cell).split())
        if label in known:
            columns.setdefault(known[label], index)
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        names = ", ".join(f"{c} ({e})" for f, c, e in COLUMNS if f in missing)
        names_zh = "、".join(HEADER_ZH[f] for f in REQUIRED if f in missing)
        raise InvalidInput(f"the first row lacks the headers {names}", fact="file",
                           zh=f"第一行缺少表头 {names_zh}")
    return columns


def _line(row: int, cells: dict[str, Any]) -> LedgerLine:
    """One row read through the value types every input goes through (src/domain/values.py):
    ``２０２４-01`` is never read as a month, nor a control character kept in a name. A cell
    refused is an ``InvalidInput`` naming its field (``fact``) and saying it in Chinese too."""
    for name in REQUIRED:
        if not _text(cells.get(name)):
            raise InvalidInput(f"{name} is empty", fact=name, zh="未填写")
    return LedgerLine(
        row=row, township=read(PlaceSegment, _text(cells["township"]), "township"),
        village=_optional(PlaceSegment, cells.get("village"), "village"),
        name=read(Name, _text(cells["name"]), "name"),
        # As reported: an invalid number is evidence (R-FRAUD-6), not a reason to refuse.
        resident_id=read(Name, _text(cells["resident_id"]).upper(), "resident_id"),
        phone=_optional(Phone, cells.get("phone"), "phone") or "",
        post=_optional(Label, cells.get("post"), "post") or "",
        kind=_optional(Label, cells.get("kind"), "kind") or "",
        onboarded_on=_day("onboarded_on", cells.get("onboarded_on")),
        month=_month(cells["month"]),
        days_worked=_optional(Count, _count(cells.get("days_worked")), "days_worked"),
        secretary=_optional(Name, cells.get("secretary"), "secretary") or "",
        member=_optional(Name, cells.get("member"), "member") or "",
        worker=_optional(Name, cells.get("worker"), "worker") or "",
        amount_fen=_fen(cells.get("amount_yuan")),
        exited_on=_day("exited_on", cells.get("exited_on")),
    )


def _reason_zh(refused: InvalidInput) -> str:
    """A cell's refusal in Chinese, naming its column by its header as the file has it
    (``月份：须为月份 YYYY-MM``); the wording is the value type's own (``detail_zh``, from
    src/domain/values.py), or the English when a refusal has none."""
    problem = refused.detail_zh or refused.detail.removeprefix(f"{refused.fact}: ")
    header = HEADER_ZH.get(refused.fact or "")
    return f"{header}：{problem}" if header else problem


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _optional(kind: Any, value: Any, field: str) -> Any:
    """``value`` read as ``kind``; cells are text, except a count, read as the number it is."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    kept = kind is Count or isinstance(value, date)
    return read(kind, value if kept else _text(value), field)


def _month(value: Any) -> str:
    if isinstance(value, (datetime, date)):
        return f"{value.year:04d}-{value.month:02d}"
    return read_month(_text(value), "month")


def _day(name: str, value: Any) -> date | None:
    if isinstance(value, datetime):
        value = value.date()
    day: date | None = _optional(BusinessDate, value, name)
    return day


def _count(value: Any) -> Any:
    """A whole number of days as the cell holds it (a spreadsheet number may be 20.0)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value)
    if isinstance(value, str) and text.isascii() and text.isdigit():
        return int(text)
    return value


def _fen(value: Any) -> int | None:
    if value is None or _text(value) == "":
        return None
    text = _text(value)
    try:
        if isinstance(value, bool) or not _AMOUNT.fullmatch(text):
            raise InvalidOperation(text)
        fen = Decimal(text) * 100
    except InvalidOperation:
        raise InvalidInput(f"amount_yuan {text!r} is not an amount in yuan with up to 2 decimals",
                           fact="amount_yuan",
                           zh=f"{text!r} 不是以元为单位、至多两位小数的金额") from None
    if fen > 100_000_000:
        raise InvalidInput(f"amount_yuan {text} is over the bound of 1,000,000 yuan",
                           fact="amount_yuan", zh=f"{text} 超过 1,000,000 元的上限")
    return int(fen)


def write_ledger(rows: list[dict[str, Any]]) -> bytes:
    """An .xlsx of ledger rows (dicts with the fields of ``COLUMNS``, money as ``amount_fen``)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.append([chinese for _, chinese, _ in COLUMNS])
    for row in rows:
        values: list[Any] = []
        for name, _, _ in COLUMNS:
            if name == "amount_yuan":
                fen = row.get("amount_fen")
                values.append(None if fen is None else f"{Decimal(fen) / 100:.2f}")
            elif isinstance(row.get(name), date):
                values.append(row[name].isoformat())
            else:
                values.append(row.get(name))
        sheet.append(values)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
