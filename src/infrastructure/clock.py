"""The business clock: days are Asia/Shanghai days. Only workflows and the API read it; the
domain is given dates.

One ``BusinessClock`` is injected into the application service (``PostLedger(clock=…)``); the
future-date rule (R-INPUT-2), the scheduler and the claims read "today" from it, so a test sets
"today" in one place with ``BusinessClock.fixed``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

BUSINESS_TZ = ZoneInfo("Asia/Shanghai")


def business_now() -> datetime:
    return datetime.now(BUSINESS_TZ)


def business_today() -> date:
    return business_now().date()


class BusinessClock:
    """Now and today in Asia/Shanghai, from ``now`` (the system clock by default)."""

    def __init__(self, now: Callable[[], datetime] = business_now) -> None:
        self._now = now

    @classmethod
    def fixed(cls, day: date) -> BusinessClock:
        """A clock that always reads noon of ``day`` (tests, demo loads)."""
        noon = datetime.combine(day, time(12), tzinfo=BUSINESS_TZ)
        return cls(lambda: noon)

    def now(self) -> datetime:
        return self._now().astimezone(BUSINESS_TZ)

    def today(self) -> date:
        return self.now().date()
