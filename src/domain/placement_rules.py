"""The checks a placement's commands make before they record (RULES.md §3–§4), kept apart
from the aggregate so that each reads as the rule it enforces. Each refusal names its rule."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from postledger.domain.age import age_exit_day, age_on, birthday_at_age, within_age_range
from postledger.domain.dates import add_years
from postledger.domain.errors import InvalidInput, StepNotAllowed
from postledger.domain.labels import label_of
from postledger.domain.placement_flow import PlacementState
from postledger.domain.policy_terms import PlacementTerms
from postledger.domain.post import Post
from postledger.domain.resident_id import ResidentId
from postledger.domain.values import parse_month

CATEGORIES = ("lifted", "not_lifted", "edge")  # R-ELIG-3
GENDERS = ("male", "female")
EXIT_REASONS = ("dismissed", "resigned", "died", "ineligible")  # R-EXIT-3, R-EXIT-4
AUTOMATIC_EXIT_REASONS = ("term_expired", "age_limit")  # R-EXIT-1
EXTENSION_BASES = ("near_retirement", "disabled", "zero_employment_family")  # R-EXIT-2
SELECTION_METHODS = ("written_exam", "interview", "skills_test", "democratic_appraisal")
EXTENSION_WINDOW_DAYS = 60  # R-EXIT-2 (assumed): decided in the 60 days up to the agreement end
NEAR_RETIREMENT_YEARS = 5  # R-EXIT-2: "距法定退休年龄不足5年"
DISMISSAL_GROUNDS = {
    1: "shown not to meet the conditions",
    2: "over the age limit or unable to keep working",
    3: "dereliction or violations endangering people or property",
    4: "disobeying arrangements and not correcting after being told",
    5: "other unsuitability",
}


# How the steps that read an age, and the signers of an attendance sheet, are called in Chinese.
STEP_ZH = {"application": "申请", "onboarding": "上岗", "extension": "延期"}
SIGNER_ZH = {"secretary": "村支书（或村主任）", "member": "村委委员", "worker": "本人"}


def _zh(kind: str, code: str) -> str:
    return label_of(kind, code) or code


def check_age(resident_id: ResidentId, on: date, terms: PlacementTerms, step: str) -> None:
    """R-ELIG-1, checked at application, onboarding and extension alike."""
    birth = resident_id.birth_date
    if not within_age_range(birth, on, terms.age_min, terms.age_max):
        raise InvalidInput(
            f"{step}: the person is {age_on(birth, on)} on {on}; the county accepts "
            f"{terms.age_min} to {terms.age_max} (completed years, both included; over "
            f"{terms.age_max} from the birthday on {age_exit_day(birth, terms.age_max)})",
            rule="R-ELIG-1",
            zh=f"{STEP_ZH.get(step, step)}：此人于 {on} 为 {age_on(birth, on)} 周岁；本县接受 "
               f"{terms.age_min} 至 {terms.age_max} 周岁（按周岁计，含两端；自 "
               f"{age_exit_day(birth, terms.age_max)} 生日起超过 {terms.age_max} 周岁）",
        )


def validated_applicant(raw: dict[str, Any], *, on: date, terms: PlacementTerms) -> dict[str, Any]:
    resident_id = ResidentId.parse(str(raw.get("resident_id", "")))  # R-ELIG-2
    name = str(raw.get("name") or "").strip()
    if not name:
        raise InvalidInput("the applicant's name is required", rule="R-ELIG-2",
                           zh="须填写申请人姓名")
    category = raw.get("category")
    if category not in CATEGORIES:
        raise InvalidInput(
            f"category must be one of {', '.join(CATEGORIES)}, got {category!r}; posts are only "
            "for registered poor laborers and edge households",
            rule="R-POST-5",
            zh=f"人员类别须为 {'、'.join(CATEGORIES)} 之一；岗位只面向建档立卡劳动力和边缘户",
        )
    if category not in terms.eligible_categories:
        raise InvalidInput(
            f"the county's posts are for {', '.join(terms.eligible_categories)} laborers; "
            f"the applicant is {category}",
            rule="R-ELIG-3",
            zh=f"本县岗位只面向“{'、'.join(_zh('category', c) for c in terms.eligible_categories)}"
               f"”劳动力；申请人为“{_zh('category', str(category))}”",
        )
    gender = raw.get("gender") or resident_id.gender
    if gender not in GENDERS:
        raise InvalidInput(f"gender must be male or female, got {gender!r}", rule="R-ELIG-2",
                           zh="性别须为男或女")
    if gender != resident_id.gender:
        raise InvalidInput(
            f"gender {gender} does not match the resident id, whose 17th digit says "
            f"{resident_id.gender}",
            rule="R-ELIG-2",
            zh=f"性别“{_zh('gender', str(gender))}”与身份证号不符（第 17 位表示"
               f"“{_zh('gender', resident_id.gender)}”）",
        )
    check_age(resident_id, on, terms, "application")
    household = str(raw.get("household_id") or "").strip()
    return {
        "name": name,
        "gender": gender,
        "resident_id": resident_id.value,
        "birth_date": resident_id.birth_date.isoformat(),
        "phone": str(raw.get("phone") or ""),
        "address": str(raw.get("address") or ""),
        "health": str(raw.get("health") or ""),
        "labour_ability": str(raw.get("labour_ability") or ""),
        "skills": str(raw.get("skills") or ""),
        "category": category,
        **({"household_id": household} if household else {}),
    }


def household_key(applicant: dict[str, Any]) -> str:
    """R-ELIG-3: the household an applicant counts as; without 户编号, a household of one."""
    return str(applicant.get("household_id") or f"person:{applicant['resident_id']}")


def refuse_months_after_end(month: str, first: date, ends: tuple[date, str] | None) -> None:
    if ends is not None and first > ends[0]:
        why = "the agreement's term" if ends[1] == "term_expired" else "the age limit"
        raise StepNotAllowed(
            f"{month} begins after {why} ended the placement on {ends[0]}",
            rule="R-EXIT-1",
            state=PlacementState.ACTIVE.value,
            zh=f"{month} 晚于安置因{'聘期届满' if ends[1] == 'term_expired' else '年龄到限'}"
               f"结束之日（{ends[0]}）",
        )


def validated_signatures(signatures: dict[str, str]) -> dict[str, str]:
    """R-ATT-1: secretary (or director), another committee member and the worker, three people."""
    signed = {role: str(signatures.get(role) or "").strip()
              for role in ("secretary", "member", "worker")}
    missing = [role for role, name in signed.items() if not name]
    if missing:
        raise InvalidInput(
            f"attendance needs three signatures; missing: {', '.join(missing)}", rule="R-ATT-1",
            zh=f"考勤须三人签字；缺少：{'、'.join(SIGNER_ZH[role] for role in missing)}",
        )
    if len(set(signed.values())) < 3:
        raise InvalidInput(
            "attendance is signed by three different people; one name appears twice",
            rule="R-ATT-1", zh="考勤须由三个不同的人签字；有一个名字出现了两次",
        )
    return signed


def working_days(first: date) -> int:
    """R-PAY-2 pro rata (*assumed*): the month's working days are its Mondays to Fridays."""
    days = calendar.monthrange(first.year, first.month)[1]
    return sum(1 for d in range(days) if (first + timedelta(days=d)).weekday() < 5)


def check_approval(*, on: date, publicity_ends_on: date, post: Post, notice_days: int,
                   state: str) -> None:
    """R-PUB-1: the publicity ran its full length; R-POST-3: the post's recruitment notice ran
    at least ``notice_days``."""
    if on < publicity_ends_on:
        raise StepNotAllowed(
            f"publicity runs until {publicity_ends_on}; approval on {on} is too early",
            rule="R-PUB-1", state=state,
            zh=f"公示至 {publicity_ends_on} 结束；{on} 审批过早")
    ran = post.notice_days_run_by(on)
    if ran is None or ran < notice_days:
        said = "no recruitment notice was published" if ran is None else f"it ran {ran} days"
        raise StepNotAllowed(
            f"post {post.title}: the recruitment notice must run at least {notice_days} days "
            f"before approval; {said}", rule="R-POST-3", state=state,
            zh=f"岗位“{post.title}”：招募公告须在审批前发布满 {notice_days} 天；"
               f"{'未发布招募公告' if ran is None else f'只发布了 {ran} 天'}")


def payable(*, month: str, first: date, amount_fen: int | None, days_worked: int,
            standard_fen: int, terms: PlacementTerms, onboarded_on: date, reviewed: set[int],
            state: str) -> int:
    """R-PAY-1/2, R-REV-1: what a month with signed attendance may be paid, or the refusal:
    nothing for 0 days worked, nothing while an anniversary's review is overdue, never above
    what the month earns."""
    if days_worked == 0:
        raise StepNotAllowed(f"the attendance of {month} shows 0 days worked: the month is "
                             "not paid", rule="R-PAY-2", state=state,
                             zh=f"{month} 考勤出勤 0 天：当月不发补贴")
    missing = overdue_review(onboarded_on, reviewed, first, terms.review_grace_days)
    if missing is not None:
        raise StepNotAllowed(
            f"the annual review due on {missing} (year {missing.year}) is not recorded and "
            f"{month} starts more than {terms.review_grace_days} days after it",
            rule="R-REV-1", state=state,
            zh=f"应于 {missing} 进行的年度考核（{missing.year} 年）未记录，而 {month} 在其后"
               f"超过 {terms.review_grace_days} 天")
    due = month_due(first, days_worked, standard_fen, terms.pay_pro_rata)
    amount = due if amount_fen is None else amount_fen
    if amount <= 0 or amount > due:
        raise InvalidInput(f"the subsidy for {month} must be between 1 and {due} fen "
                           f"({days_worked} days worked), got {amount}", rule="R-PAY-1",
                           zh=f"{month} 的补贴须在 1 至 {due} 分之间（出勤 {days_worked} 天），"
                              f"不能是 {amount}")
    return amount


def month_due(first: date, days_worked: int, standard_fen: int, pro_rata: bool) -> int:
    """R-PAY-2: what a month with ``days_worked`` earns: nothing for 0 days; the full standard,
    or (county option) the standard by days worked over working days, never above it."""
    if days_worked == 0:
        return 0
    if not pro_rata:
        return standard_fen
    return min(standard_fen, standard_fen * days_worked // working_days(first))


def review_due(onboarded_on: date, reviewed_years: set[int]) -> date:
    """R-REV-1: the first anniversary of onboarding whose review (by the anniversary's calendar
    year) is not recorded — the one reading of when a review falls due, for pay, the scheduler
    and the work queues."""
    years = 1
    while (anniversary := add_years(onboarded_on, years)).year in reviewed_years:
        years += 1
    return anniversary


def overdue_review(onboarded_on: date, reviewed_years: set[int], first: date,
                   grace_days: int) -> date | None:
    """R-REV-1: the anniversary of onboarding whose review is missing although the month
    starting ``first`` begins more than ``grace_days`` after it; None when none is."""
    due = review_due(onboarded_on, reviewed_years)
    return due if due + timedelta(days=grace_days) < first else None


def agreement_end_within_term(on: date, agreement_end: date | None, term_years: int) -> date:
    """R-EXIT-1: the agreement's end, by default the longest term, never past it."""
    longest = add_years(on, term_years)
    end = agreement_end or longest
    if end <= on:
        raise InvalidInput(f"agreement end {end} must be after {on}", rule="R-EXIT-1",
                           zh=f"协议到期日 {end} 须晚于 {on}")
    if end > longest:
        raise InvalidInput(
            f"a placement lasts at most {term_years} years: the agreement may end on "
            f"{longest} at the latest, not {end}",
            rule="R-EXIT-1",
            zh=f"聘期最长 {term_years} 年：协议最晚于 {longest} 到期，不能是 {end}",
        )
    return end


def check_attendance(*, month: str, on: date, days_worked: int, signatures: dict[str, str],
                     onboarded_on: date) -> dict[str, str]:
    """R-ATT-1, R-PAY-2: a month from onboarding, signed after it began, days within it, three
    signatures; returns the signatures as recorded."""
    first = parse_month(month)
    if first < onboarded_on.replace(day=1):
        raise InvalidInput(f"attendance for {month} is before onboarding on {onboarded_on}",
                           rule="R-PAY-2", zh=f"{month} 早于上岗日期 {onboarded_on}")
    if first > on.replace(day=1):
        raise InvalidInput(f"attendance for {month} cannot be signed on {on}, before the month",
                           rule="R-ATT-1", zh=f"{month} 的考勤不能在 {on}（当月之前）签字")
    days_in_month = calendar.monthrange(first.year, first.month)[1]
    if not 0 <= days_worked <= days_in_month:
        raise InvalidInput(f"days_worked must be 0 to {days_in_month} for {month}",
                           rule="R-ATT-1", zh=f"{month} 的出勤天数须为 0 至 {days_in_month}")
    return validated_signatures(signatures)


def check_exit(reason: str, ground: int | None, *, warned: bool, state: str) -> None:
    """R-EXIT-3/4: a known reason; a dismissal names its ground, and ground 4 ("not
    correcting after being told") needs an earlier recorded warning."""
    if reason not in EXIT_REASONS:
        raise InvalidInput(f"reason must be one of {', '.join(EXIT_REASONS)}, got {reason!r}",
                           rule="R-EXIT-3", zh="退出原因须为解聘、辞职、死亡或不再符合条件之一")
    if reason == "dismissed":
        if ground not in DISMISSAL_GROUNDS:
            raise InvalidInput("a dismissal names its ground, 1 to 5 (R-EXIT-3)",
                               rule="R-EXIT-3", zh="解聘须写明依据，第 1 至 5 项")
        if ground == 4 and not warned:
            raise StepNotAllowed("dismissal on ground 4 needs an earlier recorded warning",
                                 rule="R-EXIT-3", state=state,
                                 zh="依第 4 项解聘，须先有记录在案的警告")
    elif ground is not None and ground not in DISMISSAL_GROUNDS:
        raise InvalidInput("ground must be 1 to 5", rule="R-EXIT-3", zh="解聘依据须为第 1 至 5 项")


def check_review(onboarded_on: date, year: int, on: date, worker_signed: bool) -> None:
    """R-REV-1: signed by the person reviewed; ``year`` is the calendar year of the
    anniversary of onboarding the review closes — the first is the year after onboarding; a
    review may come before the anniversary (a year-end review), at most the year after the
    review's own date."""
    if not worker_signed:
        raise InvalidInput("the annual review result is signed by the person reviewed",
                           rule="R-REV-1", zh="考核结果须经考核对象签字确认")
    if not onboarded_on.year + 1 <= year <= on.year + 1:
        raise InvalidInput(
            f"review year is the year of the anniversary of onboarding ({onboarded_on}) it "
            f"closes: from {onboarded_on.year + 1} to {on.year + 1} on {on}, got {year}",
            rule="R-REV-1",
            zh=f"考核年度是它所对应的上岗（{onboarded_on}）周年所在年份：{on} 时可为 "
               f"{onboarded_on.year + 1} 至 {on.year + 1}，不能是 {year}",
        )


def check_extension(
    *, resident_id: ResidentId, on: date, basis: str, until: date, agreement_end: date,
    original_end: date, evidence: str, hardship: bool, still_unemployed: bool,
    publicity: tuple[date, date], terms: PlacementTerms, cadre: bool,
) -> None:
    """R-EXIT-2: hardship with evidence, term served without other work, one basis checked
    against the person, the extension's own publicity, decided in the 60 days up to the
    agreement end, and within term plus ``extension_years_max``."""
    def refuse(message: str, zh: str) -> InvalidInput:
        return InvalidInput(f"extension: {message}", rule="R-EXIT-2", zh=f"延期：{zh}")

    if basis not in EXTENSION_BASES:
        raise refuse(f"basis must be one of {', '.join(EXTENSION_BASES)}, got {basis!r}",
                     "延期依据须为 " + "、".join(_zh("extension_basis", b) for b in EXTENSION_BASES)
                     + " 之一")
    if not hardship or not evidence.strip():
        raise refuse("the family's special hardship (家庭生活特别困难) is shown by evidence "
                     "(e.g. 低保/特困 record): hardship true with evidence",
                     "须有家庭生活特别困难的证明（如低保、特困记录）")
    if not still_unemployed:
        raise refuse("the person served the term and still found no other work "
                     "(still_unemployed true)", "须聘期届满且仍未找到其他工作")
    if basis == "near_retirement":
        retires = birthday_at_age(resident_id.birth_date,
                                  terms.retirement_age(resident_id.gender, cadre))
        five_before = add_years(retires, -NEAR_RETIREMENT_YEARS)
        if not five_before < on < retires:
            raise refuse(
                f"near_retirement: the statutory retirement age is reached on {retires}; on "
                f"{on} the person must be strictly less than {NEAR_RETIREMENT_YEARS} years "
                f"before it (after {five_before}) and not yet retired",
                f"此人于 {retires} 达到法定退休年龄；{on} 时须距退休不足 {NEAR_RETIREMENT_YEARS} "
                f"年（{five_before} 之后）且尚未退休",
            )
    started, ended = publicity
    if (ended - started).days < terms.publicity_days or ended > on:
        raise refuse(f"its own publicity runs at least {terms.publicity_days} days and ends on "
                     f"or before the decision ({on}); {started} to {ended} does not",
                     f"延期须单独公示不少于 {terms.publicity_days} 天，并在决定（{on}）前结束；"
                     f"{started} 至 {ended} 不符合")
    window_opens = agreement_end - timedelta(days=EXTENSION_WINDOW_DAYS)
    if not window_opens <= on <= agreement_end:
        raise refuse(f"decided in the {EXTENSION_WINDOW_DAYS} days up to the agreement end "
                     f"{agreement_end} ({window_opens} to {agreement_end}), not on {on}",
                     f"须在协议到期（{agreement_end}）前 {EXTENSION_WINDOW_DAYS} 天内决定"
                     f"（{window_opens} 至 {agreement_end}），不能在 {on}")
    if until <= agreement_end:
        raise refuse(f"until must move the agreement end past {agreement_end}",
                     f"延至日期须晚于原到期日 {agreement_end}")
    latest = add_years(original_end, terms.extension_years_max)
    if until > latest:
        raise refuse(f"extensions add at most {terms.extension_years_max} years in all: the "
                     f"agreement may run until {latest}, not {until}",
                     f"延期合计不超过 {terms.extension_years_max} 年：协议最晚至 {latest}，"
                     f"不能是 {until}")
    check_age(resident_id, on, terms, "extension")
