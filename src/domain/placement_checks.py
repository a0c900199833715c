"""The checks of single placement steps that read the placement's own record: publicity,
objections, selection, training, attendance, payment and clawback, annual reviews, the
automatic end (RULES.md §4). Each raises the error that names its rule; none records anything.
Rules about the person and the post are in src/domain/placement_rules.py; the order of steps
is src/domain/placement_flow.py."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from postledger.domain.errors import InvalidInput, StepNotAllowed
from postledger.domain.placement_flow import PlacementState, next_state
from postledger.domain.placement_rules import AUTOMATIC_EXIT_REASONS, SELECTION_METHODS
from postledger.domain.policy_terms import PlacementTerms


def publicity_end(*, on: date, ends_on: date | None, terms: PlacementTerms,
                  state: PlacementState) -> date:
    """R-PUB-1: at least ``publicity_days``; R-FLOW-4: after the selection the county requires."""
    if terms.selection_required and state is PlacementState.TOWNSHIP_APPROVED:
        raise StepNotAllowed(
            "the county requires a selection (考试环节) before the publicity",
            rule="R-FLOW-4", state=state.value, zh="本县要求公示前先经考试环节（选聘）",
        )
    earliest_end = on + timedelta(days=terms.publicity_days)
    ends = ends_on or earliest_end
    if ends < earliest_end:
        raise InvalidInput(
            f"publicity must last at least {terms.publicity_days} days: "
            f"from {on} it ends on {earliest_end} at the earliest, not {ends}",
            rule="R-PUB-1",
            zh=f"公示不少于 {terms.publicity_days} 天：自 {on} 起最早于 {earliest_end} 结束，"
               f"不能是 {ends}",
        )
    return ends


def check_objection(*, on: date, publicity_ends_on: date, raised_by: str, text: str) -> None:
    """R-PUB-2: raised during the publicity, naming who and what."""
    if on > publicity_ends_on:
        raise InvalidInput(
            f"publicity ended on {publicity_ends_on}; objections are raised during it",
            rule="R-PUB-2", zh=f"公示已于 {publicity_ends_on} 结束；异议须在公示期内提出",
        )
    if not raised_by.strip() or not text.strip():
        raise InvalidInput("an objection names who raised it and what it says", rule="R-PUB-2",
                           zh="异议须写明提出人和内容")


def check_open_objection(objections: dict[str, dict[str, Any]], objection_id: str, *,
                         state: str) -> None:
    """R-PUB-2: only an objection of this placement, and only once, is resolved."""
    if objection_id not in objections:
        raise InvalidInput(f"no objection {objection_id} on this placement", rule="R-PUB-2",
                           zh=f"本安置没有异议 {objection_id}")
    if objections[objection_id]["resolution"] is not None:
        raise StepNotAllowed(f"objection {objection_id} is already resolved", rule="R-PUB-2",
                             state=state, zh=f"异议 {objection_id} 已处理")


def check_unpaid_with_attendance(month: str, attendance: dict[str, Any],
                                 payments: dict[str, dict[str, Any]], *, state: str) -> None:
    """R-PAY-2: a month is paid once, and only against its signed attendance."""
    if month not in attendance:
        raise StepNotAllowed(f"no signed attendance for {month}: a month is paid only against it",
                             rule="R-PAY-2", state=state,
                             zh=f"{month} 没有签字的考勤：补贴只凭当月考勤发放")
    if month in payments:
        raise StepNotAllowed(f"{month} was already paid on {payments[month]['date']}",
                             rule="R-PAY-2", state=state,
                             zh=f"{month} 的补贴已于 {payments[month]['date']} 发放")


def check_clawback(*, month: str, amount_fen: int, reason: str, paid: dict[str, Any] | None,
                   recovered_fen: int, state: str) -> None:
    """R-PAY-3: recover at most what was paid for the month and not yet recovered, with a
    reason."""
    if paid is None:
        raise StepNotAllowed(f"{month} was not paid: there is nothing to recover",
                             rule="R-PAY-3", state=state, zh=f"{month} 未发放补贴，无可追回")
    require_reason(reason, "a clawback", "追回", "R-PAY-3")
    outstanding = int(paid["amount_fen"]) - recovered_fen
    if not 1 <= amount_fen <= outstanding:
        raise InvalidInput(
            f"a clawback of {month} is 1 to {outstanding} fen (paid {paid['amount_fen']}, "
            f"recovered {recovered_fen}), got {amount_fen}",
            rule="R-PAY-3",
            zh=f"{month} 可追回 1 至 {outstanding} 分（已发 {paid['amount_fen']}，已追回 "
               f"{recovered_fen}），不能是 {amount_fen}",
        )


def check_automatic_end(state: PlacementState, reason: str) -> None:
    """R-EXIT-1: only an active placement ends by itself, at term expiry or the age limit."""
    if next_state(state, "end_automatically") is None:
        raise StepNotAllowed(
            f"only an active placement ends by itself; this one is {state.value}",
            rule="R-EXIT-1", state=state.value, zh="只有在岗的安置才会自动退出",
        )
    if reason not in AUTOMATIC_EXIT_REASONS:
        raise InvalidInput(f"automatic exit reason {reason!r} unknown", rule="R-EXIT-1",
                           zh="自动退出的原因只能是聘期届满或年龄到限")


def require_reason(reason: str | None, what: str, what_zh: str, rule: str) -> None:
    """A refusal, a resolution, a warning or a clawback states its reason (``rule``)."""
    if not (reason and reason.strip()):
        raise InvalidInput(f"{what} states its reason", rule=rule, zh=f"{what_zh}须写明理由")


def check_selection_method(method: str) -> None:
    """R-FLOW-4: the selection is one of the methods the notice allows."""
    if method not in SELECTION_METHODS:
        raise InvalidInput(
            f"method must be one of {', '.join(SELECTION_METHODS)}, got {method!r}",
            rule="R-FLOW-4", zh="选聘方式须为笔试、面试、技能测试或民主评议之一")


def check_training_hours(hours: int | None) -> None:
    """R-FLOW-1: pre-job training, of a positive number of hours where they are given."""
    if hours is not None and hours <= 0:
        raise InvalidInput("training hours must be positive", rule="R-FLOW-1",
                           zh="培训学时须为正数")


def check_month_unrecorded(month: str, attendance: dict[str, Any], *, state: str) -> None:
    """R-ATT-1: one attendance record a month."""
    if month in attendance:
        raise StepNotAllowed(f"attendance for {month} is already recorded", rule="R-ATT-1",
                             state=state, zh=f"{month} 的考勤已记录")


def check_year_unreviewed(year: int, reviews: dict[int, Any], *, state: str) -> None:
    """R-REV-1: one annual review a year."""
    if year in reviews:
        raise StepNotAllowed(f"the {year} annual review is already recorded", rule="R-REV-1",
                             state=state, zh=f"{year} 年度考核已记录")
