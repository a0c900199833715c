"""R-INPUT-1 and API.md v1.1 "Input, for every endpoint": one reading of every value.

Property tests: whatever a type accepts reads again to the same canonical value, and no digit
of another script is ever read as a digit.
"""

from __future__ import annotations

import sys
import unicodedata
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from postledger.domain.errors import InvalidInput
from postledger.domain.resident_id import ResidentId
from postledger.domain.values import (
    Address,
    BusinessDate,
    Code,
    Count,
    Flag,
    FreeText,
    Label,
    Money,
    Month,
    Name,
    Phone,
    PlaceSegment,
    ResidentIdText,
    Year,
    mask_personal,
    mask_phone,
    mask_resident_id,
    parse_month,
    read,
    read_date,
    read_month,
    read_resident_id,
)

# Every character Python would read as a digit or a number but that is not ASCII: full-width,
# superscripts, Arabic-Indic, Devanagari, CJK numerals, circled numbers, ...
FOREIGN_DIGITS = [chr(c) for c in range(sys.maxunicode + 1)
                  if chr(c).isnumeric() and not chr(c).isascii()]
foreign_digit = st.sampled_from(FOREIGN_DIGITS)
INVISIBLE = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
resident_ids = st.builds(
    lambda region, birth, seq: ResidentId.compose(region, birth, seq).value,
    st.from_regex(r"[1-6][0-9]{5}", fullmatch=True),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
    st.integers(0, 999),
)


def rule_of(kind: Any, value: Any) -> str | None:
    with pytest.raises(InvalidInput) as refused:
        read(kind, value, "field")
    assert refused.value.fact == "field"
    return refused.value.rule


def with_one_foreign_digit(text: str, position: int, digit: str) -> str:
    """``text`` with the ASCII digit nearest ``position`` replaced by ``digit``."""
    places = [i for i, ch in enumerate(text) if ch.isdigit()]
    at = places[position % len(places)]
    return text[:at] + digit + text[at + 1:]


# ---------------------------------------------------------------- dates and months
@given(days)
def test_a_date_reads_back_to_itself(day: date) -> None:
    assert read_date(day.isoformat()) == day
    assert read_date(read_date(day.isoformat()).isoformat()) == day


@given(days, st.integers(0, 7), foreign_digit)
def test_a_date_with_any_foreign_digit_is_refused(day: date, position: int, digit: str) -> None:
    text = with_one_foreign_digit(day.isoformat(), position, digit)
    assert rule_of(BusinessDate, text) == "R-INPUT-1"


@given(st.text(max_size=12))
def test_whatever_text_a_date_accepts_is_the_iso_form_of_that_date(text: str) -> None:
    try:
        day = read_date(text)
    except InvalidInput:
        return
    assert day.isoformat() == text


@pytest.mark.parametrize("text", ["9999-12-31", "1899-12-31", "2101-01-01", "2024-02-30",
                                  "2024-1-05", "20240105", "2024-01-05T00:00", " 2024-01-05"])
def test_dates_outside_the_form_or_the_years_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        read_date(text)


@given(days)
def test_a_month_reads_back_to_itself(day: date) -> None:
    month = f"{day.year:04d}-{day.month:02d}"
    assert read_month(month) == month
    assert parse_month(month) == day.replace(day=1)


@given(days, st.integers(0, 5), foreign_digit)
def test_a_month_with_any_foreign_digit_is_refused(day: date, position: int, digit: str) -> None:
    text = with_one_foreign_digit(f"{day.year:04d}-{day.month:02d}", position, digit)
    assert rule_of(Month, text) == "R-INPUT-1"


def test_the_full_width_month_and_the_superscript_are_not_months() -> None:
    assert rule_of(Month, "２０２４-０２") == "R-INPUT-1"
    assert rule_of(Month, "2024-0²") == "R-INPUT-1"  # int('²') would have been a 500
    for bad in ("2024-13", "2024-00", "24-02", "2024/02", "9999-01"):
        with pytest.raises(InvalidInput):
            read_month(bad)


# ---------------------------------------------------------------- resident ids
@given(resident_ids)
def test_a_resident_id_reads_back_to_itself_and_x_is_upper_case(number: str) -> None:
    assert read_resident_id(number) == number
    assert read_resident_id(number.lower()) == number  # a trailing x is X


@given(resident_ids, st.integers(0, 17), foreign_digit)
def test_a_resident_id_with_any_foreign_digit_is_refused(
    number: str, position: int, digit: str
) -> None:
    assert rule_of(ResidentIdText, with_one_foreign_digit(number, position, digit)) == "R-INPUT-1"


def test_a_full_width_resident_id_is_not_a_second_person() -> None:
    number = "34052419800101001X"
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    assert rule_of(ResidentIdText, full_width) == "R-INPUT-1"
    assert rule_of(ResidentIdText, "34052419800101001Y") == "R-ELIG-2"
    assert rule_of(ResidentIdText, "340524198001010011") == "R-ELIG-2"  # check digit


# ---------------------------------------------------------------- numbers and flags
@pytest.mark.parametrize(("kind", "low", "high"), [
    (Count, 0, 10_000), (Money, 0, 100_000_000), (Year, 1900, 2100)])
def test_numbers_are_bounded(kind: Any, low: int, high: int) -> None:
    assert read(kind, low, "n") == low
    assert read(kind, high, "n") == high
    for outside in (low - 1, high + 1, 2**31, 10**19):
        with pytest.raises(InvalidInput):
            read(kind, outside, "n")


@given(st.integers())
def test_a_count_is_a_json_number_and_nothing_else(n: int) -> None:
    adapter = TypeAdapter(Count)
    for text in (f'"{n}"', "true", "false", f"{n}.0", "null"):
        with pytest.raises(ValidationError):
            adapter.validate_json(text)
    if 0 <= n <= 10_000:
        assert adapter.validate_json(str(n)) == n


def test_a_flag_is_a_json_boolean_and_nothing_else() -> None:
    adapter = TypeAdapter(Flag)
    assert adapter.validate_json("true") is True
    for text in ('"no"', '"yes"', '"true"', "0", "1"):
        with pytest.raises(ValidationError):
            adapter.validate_json(text)


# ---------------------------------------------------------------- text
@given(st.text(max_size=60))
def test_an_accepted_name_is_canonical(text: str) -> None:
    try:
        name = read(Name, text, "name")
    except InvalidInput:
        return
    assert read(Name, name, "name") == name
    assert unicodedata.is_normalized("NFC", name)
    assert name == name.strip() and 1 <= len(name) <= 50
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in name)


@pytest.mark.parametrize("kind", [Name, Address, FreeText, Label])
@given(text=st.text(max_size=80))
def test_any_accepted_text_reads_back_to_itself(kind: Any, text: str) -> None:
    try:
        once = read(kind, text, "text")
    except InvalidInput:
        return
    assert read(kind, once, "text") == once
    assert unicodedata.is_normalized("NFC", once) and "\x00" not in once


@given(st.text(min_size=1, max_size=10).filter(lambda t: t.strip()), st.sampled_from(INVISIBLE))
def test_a_name_with_an_invisible_character_is_refused(text: str, invisible: str) -> None:
    with pytest.raises(InvalidInput):
        read(Name, text + invisible + text, "name")


@pytest.mark.parametrize("bad", ["王\x00秀英", "王\u200b秀英", "王\u202e秀英", "王\x7f", "王\ud800", "",
                                 "   ", "王" * 51])
def test_names_refuse_control_invisible_empty_and_long(bad: str) -> None:
    with pytest.raises(InvalidInput):
        read(Name, bad, "name")


def test_text_is_stored_nfc_and_trimmed() -> None:
    assert read(Name, " Jose\u0301 ", "name") == "Jos\u00e9"
    assert read(FreeText, "第一行\n第二行", "text") == "第一行\n第二行"  # free text keeps lines
    with pytest.raises(InvalidInput):
        read(FreeText, "a\x00b", "text")
    with pytest.raises(InvalidInput):
        read(Address, "x" * 201, "address")
    with pytest.raises(InvalidInput):
        read(FreeText, "x" * 2001, "text")


@given(st.from_regex(r"[a-z0-9][a-z0-9_-]{0,20}", fullmatch=True))
def test_a_place_segment_reads_back_to_itself(segment: str) -> None:
    assert read(PlaceSegment, segment, "county") == segment


@pytest.mark.parametrize("bad", ["*", "%", "_", "", "520524/x", "Chengguan", "镇", "５２０５２４"])
def test_place_segments_are_region_codes_and_ascii_names(bad: str) -> None:
    with pytest.raises(InvalidInput):
        read(PlaceSegment, bad, "county")


@given(st.from_regex(r"\+?[0-9]{5,20}", fullmatch=True), st.integers(0, 19), foreign_digit)
def test_phones_are_ascii_digits(phone: str, position: int, digit: str) -> None:
    assert read(Phone, phone, "phone") == phone
    assert rule_of(Phone, with_one_foreign_digit(phone, position, digit)) == "R-INPUT-1"


@given(st.from_regex(r"[a-z0-9_]{1,64}", fullmatch=True))
def test_a_code_reads_back_to_itself(code: str) -> None:
    assert read(Code, code, "kind") == code


# ---------------------------------------------------------------- masking
def test_resident_ids_and_phones_are_masked_in_text() -> None:
    assert mask_resident_id("520524198001011234") == "520524********1234"
    assert mask_phone("13800001234") == "138****1234"
    line = 'GET /placements?person=34052419800101001X HTTP/1.1 tel 13800001234 "200"'
    masked = mask_personal(line)
    assert "34052419800101001X" not in masked and "340524********001X" in masked
    assert "13800001234" not in masked and "138****1234" in masked
