"""R-ELIG-2: the GB 11643-1999 resident id."""

from __future__ import annotations

from datetime import date

import pytest

from postledger.domain.errors import InvalidInput
from postledger.domain.resident_id import ResidentId, age_on, birthday_at_age

VALID = ["11010519491231002X", "440524188001010014", "370101190102039973", "34052419800101001X"]


@pytest.mark.parametrize("number", VALID)
def test_the_rule_books_examples_are_valid(number: str) -> None:
    assert ResidentId.parse(number).value == number


def test_birth_date_and_gender_come_from_the_number() -> None:
    rid = ResidentId.parse("11010519491231002X")
    assert rid.birth_date == date(1949, 12, 31)
    assert rid.gender == "female"
    assert ResidentId.parse("440524188001010014").gender == "male"


def test_a_lower_case_x_is_read_as_upper_case() -> None:
    assert ResidentId.parse("11010519491231002x").value == "11010519491231002X"


def _one_digit_changed(number: str) -> list[str]:
    variants = []
    for i, c in enumerate(number):
        for d in "0123456789X":
            if d != c and (d != "X" or i == 17):
                variants.append(number[:i] + d + number[i + 1:])
    return variants


def _adjacent_swapped(number: str) -> list[str]:
    return [
        number[:i] + number[i + 1] + number[i] + number[i + 2:]
        for i in range(17)
        if number[i] != number[i + 1]
    ]


@pytest.mark.parametrize("number", VALID)
def test_changing_any_one_digit_is_refused(number: str) -> None:
    for variant in _one_digit_changed(number):
        with pytest.raises(InvalidInput) as refused:
            ResidentId.parse(variant)
        assert refused.value.rule == "R-ELIG-2", variant


@pytest.mark.parametrize("number", VALID)
def test_swapping_two_adjacent_characters_is_refused(number: str) -> None:
    for variant in _adjacent_swapped(number):
        with pytest.raises(InvalidInput) as refused:
            ResidentId.parse(variant)
        assert refused.value.rule == "R-ELIG-2", variant


@pytest.mark.parametrize(
    "number, says",
    [
        ("1101051949123100", "18 characters"),
        ("11010519491231002XX", "18 characters"),
        ("1101051949123100AX", "17 digits"),
        ("110105194902300027", "not a real date"),
    ],
)
def test_malformed_numbers_say_what_is_wrong(number: str, says: str) -> None:
    if says == "not a real date":  # give 30 February a correct check digit first
        body = number[:17]
        weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
        number = body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    with pytest.raises(InvalidInput, match=says) as refused:
        ResidentId.parse(number)
    assert refused.value.rule == "R-ELIG-2"


def test_compose_builds_numbers_that_parse() -> None:
    rid = ResidentId.compose("520524", date(1980, 2, 29), 101)
    assert rid.birth_date == date(1980, 2, 29)
    assert rid.gender == "male"


def test_age_counts_whole_years() -> None:
    birth = date(1960, 6, 15)
    assert age_on(birth, date(2025, 6, 14)) == 64
    assert age_on(birth, date(2025, 6, 15)) == 65


def test_a_29_february_birthday_is_reached_on_1_march_in_common_years() -> None:
    birth = date(1960, 2, 29)
    assert birthday_at_age(birth, 65) == date(2025, 3, 1)
    assert age_on(birth, date(2025, 2, 28)) == 64
    assert age_on(birth, date(2025, 3, 1)) == 65
    assert birthday_at_age(birth, 64) == date(2024, 2, 29)
