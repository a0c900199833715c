"""The resident identity number (身份证号), GB 11643-1999 (R-ELIG-2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from postledger.domain.age import age_on, birthday_at_age
from postledger.domain.errors import InvalidInput

__all__ = ["ResidentId", "age_on", "birthday_at_age"]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_DIGITS = frozenset("0123456789")  # ASCII only (R-INPUT-1): "２" is not a digit of an id


@dataclass(frozen=True)
class ResidentId:
    value: str

    @classmethod
    def parse(cls, raw: str) -> ResidentId:
        text = (raw or "").strip().upper()
        if len(text) != 18:
            raise InvalidInput(
                f"resident id must have 18 characters, got {len(text)}", rule="R-ELIG-2",
                zh=f"身份证号须为 18 位，实为 {len(text)} 位",
            )
        if not _DIGITS.issuperset(text[:17]) or text[17] not in _DIGITS | {"X"}:
            raise InvalidInput(
                "resident id must be 17 digits followed by a digit or X", rule="R-ELIG-2",
                zh="身份证号为 17 位数字加一位数字或 X",
            )
        total = sum(int(c) * w for c, w in zip(text[:17], _WEIGHTS, strict=True))
        expected = _CHECK_CHARS[total % 11]
        if text[17] != expected:
            raise InvalidInput(
                f"resident id check digit is {text[17]}, GB 11643-1999 requires {expected}",
                rule="R-ELIG-2",
                zh=f"身份证号校验码为 {text[17]}，按 GB 11643-1999 应为 {expected}",
            )
        try:
            date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
        except ValueError:
            raise InvalidInput(
                f"resident id birth date {text[6:14]} is not a real date", rule="R-ELIG-2",
                zh=f"身份证号中的出生日期 {text[6:14]} 不存在",
            ) from None
        return cls(text)

    @classmethod
    def compose(cls, region: str, birth: date, sequence: int) -> ResidentId:
        """A valid number for a region code (6 digits), birth date and sequence (0-999); the
        sequence's parity gives the gender (odd: male). For demo data and tests."""
        body = f"{region}{birth:%Y%m%d}{sequence:03d}"
        total = sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True))
        return cls.parse(body + _CHECK_CHARS[total % 11])

    @property
    def birth_date(self) -> date:
        return date(int(self.value[6:10]), int(self.value[10:12]), int(self.value[12:14]))

    @property
    def gender(self) -> str:
        return "male" if int(self.value[16]) % 2 == 1 else "female"

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)

    def __str__(self) -> str:
        return self.value
