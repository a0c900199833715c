"""R-ELIG-1: the one reading of a person's age, used by application, onboarding, extension, the
automatic exit and the subsidies.

Age is completed years (周岁) from the birth date, on an Asia/Shanghai calendar day. A person is
eligible while ``age_min`` ≤ age ≤ ``age_max`` (Civil Code art. 1259: 以上/以下/以内 include the
number), so 65 is in; "超过65周岁" begins when the completed age exceeds 65, on the **66th
birthday** (``age_exit_day``). A 29 February birthday is reached on 1 March in common years.
"""

from __future__ import annotations

from datetime import date

from postledger.domain.dates import add_years


def age_on(birth: date, day: date) -> int:
    """Completed years of age on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def birthday_at_age(birth: date, years: int) -> date:
    """The day on which a person born on ``birth`` reaches ``years`` of age."""
    return add_years(birth, years)


def within_age_range(birth: date, day: date, age_min: int, age_max: int) -> bool:
    """R-ELIG-1: ``age_min`` ≤ completed age ≤ ``age_max`` on ``day``, both ends included."""
    return age_min <= age_on(birth, day) <= age_max


def age_exit_day(birth: date, age_max: int) -> date:
    """R-ELIG-1, R-EXIT-1: the first day the person is over ``age_max`` — the birthday of
    ``age_max + 1`` (the 66th birthday for 65)."""
    return birthday_at_age(birth, age_max + 1)
