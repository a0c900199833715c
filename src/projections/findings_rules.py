"""The fraud signals of RULES.md §5 read from one placement's history (R-FRAUD-1, 2, 4–7, 9).

Each function takes a ``Subject``: the placement (or imported ledger placement), its history
condensed to what the rules read (``Step``), and the county parameters in force; it returns the
``Finding`` s with the events that prove them. Signals spanning placements (R-FRAUD-3, the
empty post of R-FRAUD-7) are in findings_groups.py. Pure functions: no database, no clock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache
from typing import Any

from postledger.domain.dates import add_years
from postledger.domain.policy_terms import PolicyTerms
from postledger.domain.resident_id import age_on, birthday_at_age
from postledger.domain.values import parse_month as read_month_start
from postledger.infrastructure.clock import BUSINESS_TZ
from postledger.projections.findings_favouritism import favouritism, signatures_of

Evidence = tuple[str, int]  # (stream_id, version)

# Months come from stored events, read once by the value types when they were recorded; the
# same few dozen are read again for every placement, so each reading is remembered.
parse_month = lru_cache(maxsize=4096)(read_month_start)


@dataclass(frozen=True)
class Finding:
    rule: str
    subject_id: str
    subject_kind: str  # placement | claim | post | person
    county: str
    township: str | None
    detail: str
    detail_zh: str
    events: tuple[Evidence, ...]
    recorded_at: datetime

    @property
    def finding_id(self) -> str:
        text = f"{self.rule}|{self.subject_id}|{self.detail}|{sorted(self.events)}"
        return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Step:
    """One event of a subject's history, as the rules read it."""

    stream_id: str
    version: int
    kind: str  # the event's topic suffix: applied, paid, month_reported, ...
    day: date | None
    recorded_at: datetime
    actor: dict[str, str]
    data: dict[str, Any]

    @property
    def evidence(self) -> Evidence:
        return (self.stream_id, self.version)


@dataclass(frozen=True)
class Official:
    name: str
    jurisdiction: str
    person_hash: str | None
    household_hash: str | None
    address_hash: str | None
    evidence: Evidence


class Register:
    """A county's officials (API.md v1.1 "Officials"), indexed once for all its placements."""

    def __init__(self, officials: Iterable[Official]) -> None:
        self.officials = list(officials)
        # Who an approving actor was: the officials by (name, jurisdiction).
        self.by_seat: dict[tuple[str | None, str | None], list[Official]] = {}
        for official in self.officials:
            self.by_seat.setdefault((official.name, official.jurisdiction), []).append(official)
        self._covering: dict[str, dict[str, list[tuple[int, Official]]]] = {}

    def covering(self, path: str) -> dict[str, list[tuple[int, Official]]]:
        """The officials whose jurisdiction covers ``path``, by name, with their place in the
        register: who a signatory of attendance there may be (worked out once a village)."""
        if path not in self._covering:
            found: dict[str, list[tuple[int, Official]]] = {}
            for n, official in enumerate(self.officials):
                if (path + "/").startswith(official.jurisdiction + "/"):
                    found.setdefault(official.name, []).append((n, official))
            self._covering[path] = found
        return self._covering[path]


@dataclass
class Subject:
    subject_id: str
    imported: bool
    county: str
    township: str
    path: str
    person_hash: str | None
    household_hash: str | None
    address_hash: str | None
    birth_date: date | None  # None: the resident id is invalid (R-ELIG-2)
    steps: list[Step]
    terms: Callable[[date], PolicyTerms]
    notices: list[tuple[date, date, Evidence]] = field(default_factory=list)
    officials: Register = field(default_factory=lambda: Register(()))
    _of: dict[tuple[str, ...], list[Step]] = field(default_factory=dict, repr=False,
                                                   compare=False)

    def of(self, *kinds: str) -> list[Step]:
        """The steps of these kinds, in order (each selection made once: the rules ask for the
        same few many times over)."""
        if kinds not in self._of:
            self._of[kinds] = [s for s in self.steps if s.kind in kinds]
        return list(self._of[kinds])

    def found(self, rule: str, steps: list[Step], detail: str, detail_zh: str,
              also: tuple[Evidence, ...] = ()) -> Finding:
        evidence = tuple(dict.fromkeys([*(s.evidence for s in steps), *also]))
        return Finding(rule=rule, subject_id=self.subject_id,
                       subject_kind="placement", county=self.county, township=self.township,
                       detail=detail, detail_zh=detail_zh, events=evidence,
                       recorded_at=max(s.recorded_at for s in steps))

    @cached_property
    def months(self) -> dict[str, dict[str, Any]]:
        """Each month's attendance and pay as recorded (the latest report of each). A payment
        clawed back in full (R-PAY-3) no longer counts as paid: the money was recovered; the
        month then carries ``recovered`` (the clawbacks), and keeps its history."""
        months: dict[str, dict[str, Any]] = {}
        recovered: dict[str, list[Step]] = {}
        for s in self.steps:
            if s.kind in ("attendance_recorded", "paid", "clawed_back", "month_reported"):
                entry = months.setdefault(s.data["month"], {"attendance": None, "paid": None})
                if s.kind in ("attendance_recorded", "month_reported") and (
                        s.data.get("days") is not None or any(s.data.get("sig", {}).values())):
                    entry["attendance"] = s
                if s.kind == "paid" or (s.kind == "month_reported" and s.data.get("amount")):
                    entry["paid"] = s
                if s.kind == "clawed_back":
                    recovered.setdefault(s.data["month"], []).append(s)
        for month, clawbacks in recovered.items():
            entry = months[month]
            paid = entry["paid"]
            if paid is not None and paid.kind == "paid" and fully_recovered(paid, clawbacks):
                entry["paid"], entry["recovered"] = None, clawbacks
        return dict(sorted(months.items()))


def fully_recovered(paid: Step, clawbacks: list[Step]) -> bool:
    """R-PAY-3: clawbacks recorded after the payment recover at least what it paid."""
    amount = int(paid.data.get("amount") or 0)
    back = sum(int(c.data.get("amount") or 0) for c in clawbacks if c.version > paid.version)
    return amount > 0 and back >= amount


PAID_STEPS = ("paid", "month_reported")


def subject_findings(subject: Subject) -> list[Finding]:
    return [*unsigned_pay(subject), *pay_out_of_term(subject), *early_approval(subject),
            *favouritism(subject), *age_and_identity(subject), *unchanging_attendance(subject),
            *backdating(subject)]


def unsigned_pay(subject: Subject) -> Iterator[Finding]:
    """R-FRAUD-1: a month paid without signed attendance, or signed by fewer than three."""
    for month, entry in subject.months.items():
        paid, attended = entry["paid"], entry["attendance"]
        if paid is not None and attended is None:
            yield subject.found("R-FRAUD-1", [paid], f"{month} was paid with no signed attendance",
                                f"{month} 无签字考勤却发放了补贴")
            continue
        if attended is None:
            continue
        names = [n for n in signatures_of(attended).values() if n]
        if len(set(names)) < 3:
            steps = [attended, *([paid] if paid is not None and paid is not attended else [])]
            yield subject.found(
                "R-FRAUD-1", steps,
                f"attendance for {month} bears {len(set(names))} distinct signatures of the "
                "three required (R-ATT-1)",
                f"{month} 考勤只有 {len(set(names))} 个不同签字，应为三人签字（R-ATT-1）")


def pay_out_of_term(subject: Subject) -> Iterator[Finding]:
    """R-FRAUD-2: a month paid before onboarding, after exit, past the term or the age limit."""
    onboarded = next(iter(subject.of("onboarded", "imported")), None)
    exited = next(iter(subject.of("exited", "ended_automatically", "exit_reported")), None)
    failed = [s for s in subject.of("annually_reviewed") if not s.data.get("passed")]
    exited = exited or (failed[0] if failed else None)
    for month, entry in subject.months.items():
        paid = entry["paid"]
        if paid is None:
            continue
        first = parse_month(month)
        start = onboarded.day if onboarded else None
        if start is None or first < start.replace(day=1):
            yield subject.found("R-FRAUD-2", [paid, *([onboarded] if onboarded else [])],
                                f"{month} was paid before onboarding ({start or 'never'})",
                                f"{month} 在上岗（{start or '未上岗'}）之前发放了补贴")
            continue
        if exited is not None and exited.day is not None and first > exited.day:
            yield subject.found("R-FRAUD-2", [paid, exited],
                                f"{month} was paid after the exit on {exited.day}",
                                f"{month} 在 {exited.day} 退出之后发放了补贴")
            continue
        term_end = _term_end(subject, paid, start)
        if term_end is not None and first > term_end[0]:
            yield subject.found("R-FRAUD-2", [paid, *term_end[1]],
                                f"{month} was paid after the agreement ended on {term_end[0]}",
                                f"{month} 在协议期满（{term_end[0]}）之后发放了补贴")
            continue
        if subject.birth_date is not None:
            # R-ELIG-1: "over 65" begins on the 66th birthday, which ends the agreement.
            limit = birthday_at_age(subject.birth_date, subject.terms(first).age_max + 1)
            if first > limit:
                yield subject.found("R-FRAUD-2", [paid],
                                    f"{month} was paid after the age limit was passed on {limit}",
                                    f"{month} 在超过年龄上限（{limit}）之后发放了补贴")


def _term_end(subject: Subject, paid: Step, start: date) -> tuple[date, list[Step]] | None:
    ends = [s for s in subject.of("onboarded", "extended") if s.version < paid.version
            or subject.imported]
    if subject.imported:
        return add_years(start, subject.terms(start).term_years), []
    if not ends:
        return None
    last = ends[-1]
    end = last.data.get("until") or last.data.get("agreement_end")
    return (end, [last]) if isinstance(end, date) else None


def early_approval(subject: Subject) -> Iterator[Finding]:
    """R-FRAUD-4: approval before publicity ran its days or with none; a notice under 7 days."""
    for approved in subject.of("approved"):
        day = approved.day
        assert day is not None
        publicity = [s for s in subject.of("publicity_started") if s.version < approved.version]
        if not publicity:
            yield subject.found("R-FRAUD-4", [approved], "approved with no publicity at all",
                                "未经公示即批准")
        else:
            started = publicity[-1]
            assert started.day is not None
            needed = subject.terms(started.day).publicity_days
            ran = (day - started.day).days
            if ran < needed:
                yield subject.found("R-FRAUD-4", [started, approved],
                                    f"approved after {ran} days of publicity; {needed} required",
                                    f"公示仅 {ran} 天即批准，应至少 {needed} 天")
        needed_notice = subject.terms(day).notice_days
        runs = [((min(day, closes) - opened).days, ev) for opened, closes, ev in subject.notices
                if opened <= day]
        longest = max(runs, default=None, key=lambda r: r[0])
        if longest is None or longest[0] < needed_notice:
            ran_text = "no recruitment notice" if longest is None else f"a notice of {longest[0]} days"
            ran_zh = "未发布招募信息" if longest is None else f"招募信息仅发布 {longest[0]} 天"
            yield subject.found("R-FRAUD-4", [approved],
                                f"approved with {ran_text}; {needed_notice} days required",
                                f"{ran_zh}即批准，应至少 {needed_notice} 天",
                                also=(longest[1],) if longest else ())


def age_and_identity(subject: Subject) -> Iterator[Finding]:
    """R-FRAUD-6: an invalid resident id, or an age outside R-ELIG-1 on a step or paid month."""
    first = subject.steps[0]
    if subject.birth_date is None:
        yield subject.found("R-FRAUD-6", [first], "the resident id is not a valid number (R-ELIG-2)",
                            "身份证号码无效（R-ELIG-2）")
        return
    onboarded = next((s.day for s in subject.of("onboarded", "imported") if s.day), None)
    for step in subject.of("applied", "onboarded", "extended", "imported", *PAID_STEPS):
        day = step.day
        if step.kind in PAID_STEPS:
            if not _is_paid(step) or subject.months[step.data["month"]].get("recovered"):
                continue
            # The days paid for begin with the month, or with onboarding within it.
            day = max(parse_month(step.data["month"]), onboarded or date.min)
        if day is None:
            continue
        terms, age = subject.terms(day), age_on(subject.birth_date, day)
        too_old = age > terms.age_max and step.kind not in PAID_STEPS  # paid: R-FRAUD-2
        if age < terms.age_min or too_old:
            yield subject.found("R-FRAUD-6", [step],
                                f"aged {age} on {day}, outside {terms.age_min}–{terms.age_max}",
                                f"{day} 时年龄 {age} 岁，不在 {terms.age_min}–{terms.age_max} 岁之间")


def _is_paid(step: Step) -> bool:
    return step.kind == "paid" or bool(step.data.get("amount"))


RUN_MONTHS = 12
REVIEW_GRACE_DAYS = 30  # R-REV-1's default, where the county's policy does not say


def unchanging_attendance(subject: Subject) -> Iterator[Finding]:
    """R-FRAUD-7: the same attendance (days and signatures) for 12 months or more in a row with
    no annual review recorded within them (挂岗)."""
    reviews = [s.day for s in subject.of("annually_reviewed") if s.day]
    run: list[tuple[str, Step]] = []
    for month, entry in [*subject.months.items(), ("", {"attendance": None})]:
        step = entry["attendance"]
        same = (step is not None and run and _consecutive(run[-1][0], month)
                and _sheet(step) == _sheet(run[-1][1]))
        if same:
            run.append((month, step))
            continue
        if len(run) >= RUN_MONTHS:
            # A review closing the run counts within R-REV-1's grace after its last month.
            start, last = parse_month(run[0][0]), parse_month(run[-1][0])
            grace = int(getattr(subject.terms(last), "review_grace_days", REVIEW_GRACE_DAYS))
            end = last + timedelta(days=31 + grace)
            if not any(start <= day <= end for day in reviews):
                yield subject.found(
                    "R-FRAUD-7", [s for _, s in run],
                    f"identical attendance for {len(run)} months ({run[0][0]} to {run[-1][0]}) "
                    "with no annual review",
                    f"{run[0][0]} 至 {run[-1][0]} 连续 {len(run)} 个月考勤完全相同，且无年度考核")
        run = [(month, step)] if step is not None else []


def _sheet(step: Step) -> tuple[Any, ...]:
    return (step.data.get("days"), tuple(sorted(signatures_of(step).items())))


def _consecutive(earlier: str, later: str) -> bool:
    a, b = parse_month(earlier), parse_month(later)
    return (b.year * 12 + b.month) - (a.year * 12 + a.month) == 1


def backdating(subject: Subject) -> Iterator[Finding]:
    """R-FRAUD-9: a step recorded long after its date, or dates going backwards. Imported
    history is reported late by nature and left out (API.md v1.1)."""
    if subject.imported:
        return
    previous: Step | None = None
    for step in subject.steps:
        if step.day is None:
            continue
        recorded_on = step.recorded_at.astimezone(BUSINESS_TZ).date()
        allowed = subject.terms(step.day).backdating_days
        late = (recorded_on - step.day).days
        if late > allowed:
            yield subject.found("R-FRAUD-9", [step],
                                f"{step.kind} dated {step.day} was recorded on {recorded_on}, "
                                f"{late} days later ({allowed} allowed)",
                                f"{step.kind} 日期为 {step.day}，却在 {recorded_on} 才录入，"
                                f"晚了 {late} 天（允许 {allowed} 天）")
        # An automatic end is dated on the day the agreement ended, which may precede the
        # last attendance signed in its month: not a step going backwards.
        if (previous is not None and previous.day is not None and step.day < previous.day
                and step.kind != "ended_automatically"):
            yield subject.found("R-FRAUD-9", [previous, step],
                                f"{step.kind} is dated {step.day}, before the previous step "
                                f"({previous.kind}, {previous.day})",
                                f"{step.kind} 的日期 {step.day} 早于前一步骤（{previous.kind}，"
                                f"{previous.day}）")
        previous = step
