"""Fraud signals that span placements: one person in two posts at once or paid twice for a
month, one phone for different people (R-FRAUD-3), a post paid with nobody's attendance
(R-FRAUD-7, 空岗). Pure functions over the subjects of one group (a person, a phone, a post)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import combinations

from postledger.domain.dates import add_months
from postledger.projections.findings_rules import Finding, Step, Subject, parse_month

FAR_FUTURE = date(9999, 12, 31)


def _group_finding(rule: str, kind: str, subject_id: str, subjects: list[Subject],
                   steps: list[Step], detail: str, detail_zh: str) -> Finding:
    first = subjects[0]
    return Finding(rule=rule, subject_id=subject_id, subject_kind=kind, county=first.county,
                   township=first.township, detail=detail, detail_zh=detail_zh,
                   events=tuple(dict.fromkeys(s.evidence for s in steps)),
                   recorded_at=max(s.recorded_at for s in steps))


def _active_span(subject: Subject) -> tuple[date, date, list[Step]] | None:
    """From onboarding to exit (or to the end of the last reported month, for imported history
    that never reports an exit)."""
    start = next(iter(subject.of("onboarded", "imported")), None)
    if start is None or start.day is None:
        return None
    end_step = next(iter(subject.of("exited", "ended_automatically", "exit_reported")), None)
    failed = [s for s in subject.of("annually_reviewed") if not s.data.get("passed")]
    end_step = end_step or (failed[0] if failed else None)
    if end_step is not None and end_step.day is not None:
        return start.day, end_step.day, [start, end_step]
    if subject.imported:
        months = sorted(subject.months)
        last = add_months(parse_month(months[-1]), 1) if months else start.day
        return start.day, last, [start]
    return start.day, FAR_FUTURE, [start]


def person_findings(person_hash: str, subjects: list[Subject]) -> Iterator[Finding]:
    """R-FRAUD-3 (R-ELIG-4): one resident id active in two placements at once, or paid twice
    for one month."""
    spans = [(s, _active_span(s)) for s in subjects]
    for (a, span_a), (b, span_b) in combinations(spans, 2):
        if span_a is None or span_b is None:
            continue
        if span_a[0] < span_b[1] and span_b[0] < span_a[1]:
            yield _group_finding(
                "R-FRAUD-3", "person", person_hash, [a, b], [*span_a[2], *span_b[2]],
                f"one resident id was active in two placements at once ({a.path} and "
                f"{b.path}) (R-ELIG-4)",
                f"同一身份证号同时在两个岗位在岗（{a.path}、{b.path}）（R-ELIG-4）")
        for month in sorted(set(a.months) & set(b.months)):
            paid_a, paid_b = a.months[month]["paid"], b.months[month]["paid"]
            if paid_a is not None and paid_b is not None:
                yield _group_finding(
                    "R-FRAUD-3", "person", person_hash, [a, b], [paid_a, paid_b],
                    f"one resident id was paid twice for {month}",
                    f"同一身份证号 {month} 被重复发放补贴")


def phone_findings(phone_hash: str, subjects: list[Subject],
                   first_steps: dict[str, Step]) -> Iterator[Finding]:
    """R-FRAUD-3: one phone number given by several different people."""
    people = {s.person_hash for s in subjects if s.person_hash}
    if len(people) < 2:
        return
    yield _group_finding(
        "R-FRAUD-3", "person", f"phone:{phone_hash[:16]}", subjects,
        [first_steps[s.subject_id] for s in subjects],
        f"one phone number is given by {len(people)} different people",
        f"同一联系电话被 {len(people)} 个不同人员使用")


def post_findings(post_key: str, subjects: list[Subject]) -> Iterator[Finding]:
    """R-FRAUD-7: a post paid for with no attendance from any of its workers (空岗)."""
    paid = [e["paid"] for s in subjects for e in s.months.values() if e["paid"] is not None]
    attended = [e for s in subjects for e in s.months.values() if e["attendance"] is not None]
    if paid and not attended:
        yield _group_finding(
            "R-FRAUD-7", "post", post_key, subjects, paid,
            f"the post was paid for {len(paid)} months with no attendance from any worker",
            f"该岗位发放了 {len(paid)} 个月补贴，却无任何人员考勤")
