"""One reading of every value that comes in: identifiers, places, dates, months, amounts,
counts, years, names and free text (API.md v1.1 "Input, for every endpoint"; R-INPUT-1).

Each kind of value is one ``Annotated`` pydantic type. The HTTP schemas, the command line and
the ledger import all read through these types (``read`` below for code outside a pydantic
model), so that a value has exactly one reading anywhere: ``２０２４-０２`` is never a second
month and a resident id in full-width digits is never a second person — both are refused.

- Digits are ASCII only; any other digit form (full-width, superscript, other scripts) is
  refused naming R-INPUT-1.
- Text is stored NFC with surrounding spaces removed. Control characters (U+0000–U+001F,
  U+007F and the C1 range) are refused everywhere except tab and line breaks in free text;
  invisible format characters (zero-width spaces, bidi marks: category Cf) are refused in
  names, identifiers and places. Lone surrogates are refused everywhere: they cannot be stored.
- Numbers are JSON numbers (``"5"`` and ``true`` are not), booleans JSON booleans.

Errors raised inside these types are ``PydanticCustomError`` whose context carries the rule
(``ctx["rule"]``) where one decides it; ``read`` turns them into ``InvalidInput``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date
from functools import cache
from typing import Annotated, Any, TypeVar
from uuid import UUID

from annotated_types import Interval, Len
from pydantic import (
    AfterValidator,
    BeforeValidator,
    GetJsonSchemaHandler,
    Strict,
    TypeAdapter,
    ValidationError,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from postledger.domain.errors import InvalidInput
from postledger.domain.resident_id import ResidentId

T = TypeVar("T")

NAME_MAX = 50
ADDRESS_MAX = 200
TEXT_MAX = 2_000
LIST_MAX = 1_000
PLACE_MAX = 64
COUNT_MAX = 10_000
MONEY_MAX_FEN = 100_000_000
FIRST_YEAR, LAST_YEAR = 1900, 2100

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_SEGMENT = re.compile(r"[a-z0-9][a-z0-9_-]*")
_PHONE = re.compile(r"\+?[0-9]{5,20}")
_CODE = re.compile(r"[a-z0-9_]{1,64}")


def _refusal(kind: str, message: str, rule: str | None = None, *,
             zh: str) -> PydanticCustomError:
    """A field refused, with the rule it breaks and its wording for a Chinese reader."""
    return PydanticCustomError(kind, message, {"zh": zh, **({"rule": rule} if rule else {})})


def _ascii_digits_only(text: str) -> None:
    """R-INPUT-1: a digit of another script is refused, never read as a different value."""
    foreign = next((ch for ch in text if ch.isnumeric() and not ch.isascii()), None)
    if foreign is not None:
        raise _refusal(
            "non_ascii_digit",
            f"digits must be ASCII 0-9; U+{ord(foreign):04X} is not (R-INPUT-1)",
            "R-INPUT-1",
            zh=f"数字须为半角 0-9；U+{ord(foreign):04X} 不是",
        )


def _clean_text(value: str, *, max_length: int, visible_only: bool, required: bool) -> str:
    text = unicodedata.normalize("NFC", value).strip()
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cs":
            raise _refusal("surrogate", "must not contain lone surrogates",
                           zh="不得含有孤立的代理字符")
        if category == "Cc" and (visible_only or ch not in "\t\n\r"):
            raise _refusal(
                "control_character",
                f"must not contain control characters; U+{ord(ch):04X} found",
                zh=f"不得含有控制字符；发现 U+{ord(ch):04X}",
            )
        if visible_only and category in ("Cf", "Zl", "Zp"):
            raise _refusal(
                "invisible_character",
                f"must not contain invisible format characters; U+{ord(ch):04X} found",
                zh=f"不得含有不可见的格式字符；发现 U+{ord(ch):04X}",
            )
    if required and not text:
        raise _refusal("empty", "must not be empty", zh="不能为空")
    if len(text) > max_length:
        raise _refusal("too_long", f"must be at most {max_length} characters",
                       zh=f"最多 {max_length} 个字符")
    return text


def _text(max_length: int, *, visible_only: bool, required: bool) -> Callable[[str], str]:
    def clean(value: str) -> str:
        return _clean_text(value, max_length=max_length, visible_only=visible_only,
                           required=required)

    return clean


def _read_day(value: Any) -> date:
    if isinstance(value, date):
        day = value
    elif isinstance(value, str):
        _ascii_digits_only(value)
        if not _DAY.fullmatch(value):
            raise _refusal("date_format", "must be a date YYYY-MM-DD",
                           zh="须为日期 YYYY-MM-DD")
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise _refusal("date_value", "must be a real calendar date",
                           zh="须为真实存在的日期") from None
    else:
        raise _refusal("date_type", "must be a date given as text YYYY-MM-DD",
                       zh="须为文本形式的日期 YYYY-MM-DD")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise _refusal("date_range", f"must be a date in the years {FIRST_YEAR}–{LAST_YEAR}",
                       zh=f"日期须在 {FIRST_YEAR}–{LAST_YEAR} 年之间")
    return day


def _read_month(value: str) -> str:
    _ascii_digits_only(value)
    found = _MONTH.fullmatch(value)
    if not found or not 1 <= int(found[2]) <= 12:
        raise _refusal("month_format", "must be a month YYYY-MM", zh="须为月份 YYYY-MM")
    if not FIRST_YEAR <= int(found[1]) <= LAST_YEAR:
        raise _refusal("month_range", f"must be a month in the years {FIRST_YEAR}–{LAST_YEAR}",
                       zh=f"月份须在 {FIRST_YEAR}–{LAST_YEAR} 年之间")
    return value


def _read_resident_id(value: str) -> str:
    _ascii_digits_only(value)
    if any(not ch.isascii() for ch in value):
        raise _refusal("resident_id", "a resident id is 17 ASCII digits and a digit or X",
                       "R-ELIG-2", zh="身份证号为 17 位半角数字加一位数字或 X")
    try:
        return ResidentId.parse(value).value  # GB 11643-1999, trailing x read as X
    except InvalidInput as exc:
        raise _refusal("resident_id", exc.detail, exc.rule,
                       zh=exc.detail_zh or "身份证号无效") from None


def _read_segment(value: str) -> str:
    _ascii_digits_only(value)
    if not _SEGMENT.fullmatch(value):
        raise _refusal("place", "must be a region code or an ASCII name [a-z0-9_-], "
                                "beginning with a letter or digit",
                       zh="须为区划代码或由 [a-z0-9_-] 组成、以字母或数字开头的名称")
    return value


def _read_path(value: str) -> str:
    parts = value.split("/")
    if len(parts) > 3:
        raise _refusal("place", "a jurisdiction is county[/township[/village]]",
                       zh="辖区写作 县[/乡镇[/村]]")
    for part in parts:
        _read_segment(part)
    return value


def _read_phone(value: str) -> str:
    _ascii_digits_only(value)
    if not _PHONE.fullmatch(value):
        raise _refusal("phone", "a phone number is 5 to 20 ASCII digits, optionally after +",
                       zh="电话号码为 5 到 20 位半角数字，可以 + 开头")
    return value


def _read_code(value: str) -> str:
    if not _CODE.fullmatch(value):
        raise _refusal("code", "must be one of the documented lower-case codes",
                       zh="须为文档列出的小写代码之一")
    return value


class Documented:
    """Adds a JSON-schema ``pattern`` to a type's documentation only; the validators above do
    the checking, so that each refusal keeps its own message and rule."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        documented = handler(schema)
        documented["pattern"] = self.pattern
        return documented


# ---------------------------------------------------------------------- the types
Name = Annotated[str, Strict(), Len(1, NAME_MAX),
                 AfterValidator(_text(NAME_MAX, visible_only=True, required=True))]
Address = Annotated[str, Strict(), Len(0, ADDRESS_MAX),
                    AfterValidator(_text(ADDRESS_MAX, visible_only=True, required=False))]
FreeText = Annotated[str, Strict(), Len(0, TEXT_MAX),
                     AfterValidator(_text(TEXT_MAX, visible_only=False, required=False))]
# A short label that names a thing rather than a person (a department, a course, a post's title).
Label = Annotated[str, Strict(), Len(1, ADDRESS_MAX),
                  AfterValidator(_text(ADDRESS_MAX, visible_only=True, required=True))]
ResidentIdText = Annotated[str, Strict(), Len(18, 18), Documented("^[0-9]{17}[0-9Xx]$"),
                           AfterValidator(_read_resident_id)]
Phone = Annotated[str, Strict(), Len(0, 21), Documented(r"^\+?[0-9]{5,20}$"),
                  AfterValidator(_read_phone)]
PlaceSegment = Annotated[str, Strict(), Len(1, PLACE_MAX), Documented("^[a-z0-9][a-z0-9_-]*$"),
                         AfterValidator(_read_segment)]
JurisdictionPath = Annotated[str, Strict(), Len(1, 3 * PLACE_MAX + 2),
                             AfterValidator(_read_path)]
# One of a documented set (kind, category, basis, …): its membership is the domain's rule.
Code = Annotated[str, Strict(), Len(1, 64), Documented("^[a-z0-9_]+$"),
                 AfterValidator(_read_code)]
BusinessDate = Annotated[date, BeforeValidator(_read_day)]
Month = Annotated[str, Strict(), Len(7, 7),
                  Documented("^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])$"),
                  AfterValidator(_read_month)]
Count = Annotated[int, Strict(), Interval(ge=0, le=COUNT_MAX)]
Money = Annotated[int, Strict(), Interval(ge=0, le=MONEY_MAX_FEN)]
Year = Annotated[int, Strict(), Interval(ge=FIRST_YEAR, le=LAST_YEAR)]
Flag = Annotated[bool, Strict()]
# An id the server chose (a UUID), given as its text; JSON has no UUID type, hence not strict.
SubjectId = Annotated[UUID, Strict(False)]


# ---------------------------------------------------------------------- Chinese wording
# Pydantic's own refusals a person meets most, in Chinese (the types above carry their own in
# ``ctx["zh"]``). The one map: the API's field problems and the claims' facts both read it.
PYDANTIC_ZH: dict[str, str] = {
    "missing": "缺少此项", "extra_forbidden": "不接受此项", "int_type": "须为整数",
    "int_parsing": "须为整数", "bool_type": "须为 true 或 false", "string_type": "须为文本",
    "dict_type": "须为对象", "list_type": "须为列表", "model_type": "须为对象",
    "greater_than_equal": "数值过小", "greater_than": "数值过小", "less_than_equal": "数值过大",
    "less_than": "数值过大", "too_short": "项数过少", "too_long": "项数或长度过多",
    "string_too_long": "文本过长", "string_too_short": "文本过短", "literal_error": "不是允许的取值",
    "enum": "不是允许的取值", "json_invalid": "不是有效的 JSON", "uuid_parsing": "须为 UUID",
    "uuid_type": "须为 UUID", "float_type": "须为数字",
}


# Where pydantic's context gives the bound, it is named: "须不小于 1" rather than "数值过小".
_BOUND_ZH: dict[str, tuple[str, str]] = {
    "greater_than_equal": ("ge", "须不小于 {}"), "greater_than": ("gt", "须大于 {}"),
    "less_than_equal": ("le", "须不大于 {}"), "less_than": ("lt", "须小于 {}"),
    "too_short": ("min_length", "至少 {} 项"), "too_long": ("max_length", "至多 {} 项"),
    "string_too_short": ("min_length", "至少 {} 个字符"),
    "string_too_long": ("max_length", "至多 {} 个字符"),
}


def problem_zh(error: Mapping[str, Any]) -> str | None:
    """One pydantic error's wording for a Chinese reader: the value type's own
    (``ctx["zh"]``), else pydantic's error type in Chinese (with its bound or its allowed
    values where the context gives them), else None."""
    context = error.get("ctx") or {}
    if context.get("zh"):
        return str(context["zh"])
    kind = str(error.get("type", ""))
    bound = _BOUND_ZH.get(kind)
    if bound is not None and bound[0] in context:
        return bound[1].format(context[bound[0]])
    if kind == "literal_error" and "expected" in context:
        allowed = re.findall(r"'([^']*)'", str(context["expected"]))
        if allowed:
            return f"须为 {'、'.join(allowed)}{' 之一' if len(allowed) > 1 else ''}"
    return PYDANTIC_ZH.get(kind)


# ---------------------------------------------------------------------- reading outside models
@cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def refusal_of(error: ValidationError, field: str) -> InvalidInput:
    """The first problem of a failed reading, as the domain's 422 naming ``field``, with its
    wording for a Chinese reader where there is one (``problem_zh``; the field is not in it,
    as in a field problem's ``problem_zh``)."""
    first = error.errors(include_url=False, include_input=False)[0]
    rule = (first.get("ctx") or {}).get("rule")
    return InvalidInput(f"{field}: {first['msg']}", rule=rule, fact=field, zh=problem_zh(first))


def read(kind: Any, value: Any, field: str) -> Any:
    """``value`` read as ``kind`` (one of the types above), or ``InvalidInput`` naming
    ``field`` and, where one decides it, the rule."""
    try:
        return _adapter(kind).validate_python(value)
    except ValidationError as error:
        raise refusal_of(error, field) from None


def read_date(text: Any, field: str = "date") -> date:
    day: date = read(BusinessDate, text, field)
    return day


def read_month(text: Any, field: str = "month") -> str:
    month: str = read(Month, text, field)
    return month


def parse_month(text: Any, field: str = "month") -> date:
    """The first day of a ``YYYY-MM`` month, read as ``Month``."""
    month = read_month(text, field)
    return date(int(month[:4]), int(month[5:]), 1)


def read_resident_id(text: Any, field: str = "resident_id") -> str:
    value: str = read(ResidentIdText, text, field)
    return value


# ---------------------------------------------------------------------- masking
_RESIDENT_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")


def mask_resident_id(value: str) -> str:
    """``520524********1234``: the region and the last four, enough to tell people apart."""
    return f"{value[:6]}{'*' * max(len(value) - 10, 0)}{value[-4:]}" if len(value) > 10 else "****"


def mask_phone(value: str) -> str:
    """``138****0001``: the first three digits and the last four."""
    return f"{value[:3]}{'*' * max(len(value) - 7, 0)}{value[-4:]}" if len(value) > 7 else "****"


def mask_personal(text: str) -> str:
    """``text`` with every resident id and mobile number in it masked (logs, error bodies)."""
    text = _RESIDENT_ID_IN_TEXT.sub(lambda m: mask_resident_id(m[0]), text)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m[0]), text)
