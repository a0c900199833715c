"""Calendar arithmetic on business dates (Asia/Shanghai days, no clock)."""

from __future__ import annotations

import calendar
from datetime import date


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 1 March in a common year
    (the day a 29 February birthday is reached, README)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day when it has no such day."""
    year, month_zero = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month_zero + 1)[1]
    return date(year, month_zero + 1, min(day.day, last))


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_index(month: str) -> int:
    """A month already read as ``Month`` (src/domain/values.py) as a month count, so that
    spans are differences."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1
