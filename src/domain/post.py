"""A public-welfare post (公益性岗位): where it is, who runs it, how many it holds (R-POST-*)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import event

from postledger.domain.base import LedgerAggregate
from postledger.domain.errors import InvalidInput, LimitReached
from postledger.domain.values import PLACE_MAX, PlaceSegment, read

# R-POST-1: the ten kinds of the Zhijin plan (十个一批) plus "other".
POST_KINDS: tuple[str, ...] = (
    "school",
    "road",
    "forest",
    "medical",
    "industrial_park",
    "river",
    "village",
    "patrol",
    "elderly_care",
    "other",
)


# A county, township or village name: short enough that the path of all three is always
# indexable, and a region code or an ASCII name (src/domain/values.py, PlaceSegment).
PLACE_NAME_MAX = PLACE_MAX


def place_name_problem(name: str) -> str | None:
    """What is wrong with a county, township or village name (it becomes part of a path joined
    by '/'), or None when nothing is."""
    problems = _place_name_problems(name)
    return problems[0] if problems else None


def place_name_problem_zh(name: str) -> str | None:
    """``place_name_problem`` for a Chinese reader."""
    problems = _place_name_problems(name)
    return problems[1] if problems else None


def _place_name_problems(name: str) -> tuple[str, str] | None:
    """The one check of a place name: its problem in English and in Chinese, or None."""
    if not name.strip() or "/" in name:
        return "must be a non-empty name without '/'", "须为不含“/”的非空名称"
    if len(name) > PLACE_NAME_MAX:
        return (f"must be at most {PLACE_NAME_MAX} characters",
                f"至多 {PLACE_NAME_MAX} 个字符")
    try:
        read(PlaceSegment, name, "place")
    except InvalidInput as refused:
        english = refused.detail.removeprefix("place: ")
        return english, refused.detail_zh or english
    return None


def jurisdiction_path(county: str, township: str | None = None, village: str | None = None) -> str:
    return "/".join(p for p in (county, township, village) if p)


class Post(LedgerAggregate):
    TOPIC = "postledger:post"

    @staticmethod
    def create_id() -> UUID:
        return uuid4()

    @classmethod
    def create(
        cls,
        *,
        county: str,
        township: str,
        village: str | None,
        department: str,
        kind: str,
        title: str,
        headcount: int,
        monthly_subsidy_fen: int | None,
        full_time: bool,
        standard_fen: int = 0,
        minimum_wage_fen: int = 0,
        cadre: bool = False,
    ) -> Post:
        """``standard_fen`` is the county's monthly subsidy (R-PAY-1) for a post that states
        none; ``minimum_wage_fen`` the county's minimum wage (R-POST-2, 0: not set)."""
        if kind not in POST_KINDS:
            raise InvalidInput(
                f"kind must be one of {', '.join(POST_KINDS)}, got {kind!r}", rule="R-POST-1"
            )
        for name, text in (("department", department), ("title", title)):
            if not text or not text.strip() or "/" in text:
                raise InvalidInput(f"{name} must be a non-empty name without '/'", rule="R-POST-1")
        for name, place in (("county", county), ("township", township), ("village", village)):
            problem = place_name_problem(place) if place is not None else None  # village
            if problem:
                raise InvalidInput(f"{name} {problem}", rule="R-POST-1")
        if headcount < 1:
            raise InvalidInput("headcount must be at least 1", rule="R-POST-4")
        if monthly_subsidy_fen is not None and monthly_subsidy_fen <= 0:
            raise InvalidInput("monthly_subsidy_fen must be positive", rule="R-PAY-1")
        pays = monthly_subsidy_fen or standard_fen
        # R-POST-2: "属于长期全日制用工的，补助标准不得低于当地最低工资标准"; part-time posts pay by
        # workload, no minimum.
        if full_time and pays < minimum_wage_fen:
            raise InvalidInput(
                f"a full-time post pays at least the county's minimum wage {minimum_wage_fen} "
                f"fen a month; this one pays {pays}",
                rule="R-POST-2",
            )
        return cls(
            county=county,
            township=township,
            village=village,
            department=department,
            kind=kind,
            title=title,
            headcount=headcount,
            monthly_subsidy_fen=monthly_subsidy_fen,
            full_time=full_time,
            cadre=cadre,
        )

    # ``cadre`` came later: posts stored before it are not cadre posts.
    @event("Created", topic="postledger:post:created")
    def __init__(
        self,
        county: str,
        township: str,
        village: str | None,
        department: str,
        kind: str,
        title: str,
        headcount: int,
        monthly_subsidy_fen: int | None,
        full_time: bool,
        cadre: bool = False,
    ) -> None:
        self.county = county
        self.township = township
        self.village = village
        self.department = department
        self.kind = kind
        self.title = title
        self.headcount = headcount
        self.monthly_subsidy_fen = monthly_subsidy_fen
        self.full_time = full_time
        self.cadre = cadre  # R-EXIT-2: women in cadre posts retire at retirement_age_female_cadre
        self.notices: list[dict[str, Any]] = []
        self.occupants: list[UUID] = []

    @property
    def path(self) -> str:
        return jurisdiction_path(self.county, self.township, self.village)

    # R-POST-3: the notice is published at least `notice_days` before recruitment closes and
    # states the subsidy standard (default: what the post pays).
    def publish_notice(
        self, *, date: date, closes_on: date, conditions: str, duties: str, notice_days: int,
        subsidy_fen: int, minimum_wage_fen: int = 0,
    ) -> None:
        if (closes_on - date).days < notice_days:
            raise InvalidInput(
                f"recruitment notice must run at least {notice_days} days before it closes; "
                f"{date} to {closes_on} is {(closes_on - date).days}",
                rule="R-POST-3",
            )
        if not conditions.strip() or not duties.strip():
            raise InvalidInput("a notice states its conditions and duties", rule="R-POST-3")
        if subsidy_fen < 1:
            raise InvalidInput("a notice states the subsidy standard, at least 1 fen",
                               rule="R-POST-3")
        if self.full_time and subsidy_fen < minimum_wage_fen:
            raise InvalidInput(
                f"a full-time post's standard is at least the minimum wage {minimum_wage_fen} "
                f"fen, not {subsidy_fen}", rule="R-POST-2")
        self._notice_published(date=date, closes_on=closes_on, conditions=conditions,
                               duties=duties, subsidy_fen=subsidy_fen)

    # Notices stored before R-POST-3 recorded the standard carry none.
    @event("NoticePublished", topic="postledger:post:notice_published")
    def _notice_published(self, date: date, closes_on: date, conditions: str, duties: str,
                          subsidy_fen: int | None = None) -> None:
        self.notices.append(
            {"date": date, "closes_on": closes_on, "conditions": conditions, "duties": duties,
             "subsidy_fen": subsidy_fen}
        )

    def notice_days_run_by(self, day: date) -> int | None:
        """Longest number of days any notice had run by ``day`` (up to its closing), or None."""
        runs = [(min(day, n["closes_on"]) - n["date"]).days for n in self.notices if n["date"] <= day]
        return max(runs) if runs else None

    # R-POST-4: no more active placements than the headcount.
    def take_seat(self, *, date: date, placement_id: UUID) -> None:
        if placement_id in self.occupants:
            return
        if len(self.occupants) >= self.headcount:
            raise LimitReached(
                f"post {self.title} holds {len(self.occupants)} of {self.headcount}: no seat left",
                rule="R-POST-4",
            )
        self._seat_taken(date=date, placement_id=placement_id)

    @event("SeatTaken", topic="postledger:post:seat_taken")
    def _seat_taken(self, date: date, placement_id: UUID) -> None:
        self.occupants.append(placement_id)

    def release_seat(self, *, date: date, placement_id: UUID) -> None:
        if placement_id in self.occupants:
            self._seat_released(date=date, placement_id=placement_id)

    @event("SeatReleased", topic="postledger:post:seat_released")
    def _seat_released(self, date: date, placement_id: UUID) -> None:
        self.occupants.remove(placement_id)
