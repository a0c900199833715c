"""What a claim limit limits, in Chinese, read from its key (src/domain/subsidies/limits.py).

A limit's ``what`` is English and stored in the claim's ``Submitted`` event; a Chinese reader's
refusal describes the limit from its key and fact at refusal time instead, so that nothing
stored changes and replay reads every past event as it was written.
"""

from __future__ import annotations

# R-SUB-SOCIAL: the schemes a person's first approval fixes.
SCHEME_ZH = {"ordinary": "普通", "graduate": "高校毕业生",
             "small_firm_graduate": "小微企业吸纳高校毕业生"}

ADVICE_ZH = "请驳回本申请，再按当年现有的劳动力重新提交计算"


def scheme_zh(scheme: str | None) -> str:
    return SCHEME_ZH.get(scheme, scheme) if scheme else "未写明"


def _title(claim_type: str) -> str:
    # The claim type's own Chinese title (its module's ``CLAIM_TYPE``); imported here, not at
    # the top, because the type modules import the limits.
    from postledger.domain.subsidies.registry import CLAIM_TYPES

    found = CLAIM_TYPES.get(claim_type)
    return found.title_zh if found else claim_type


def what_zh(key: str, fact: str) -> str:
    """The limit under ``key`` (``transport/<resident id>/<year>`` …) in Chinese words; an
    unknown key is named as it is."""
    kind, _, rest = key.partition("/")
    if kind == "absorption-employer":  # <county>/<employer>/<year>; the employer may hold '/'
        _, _, employer_year = rest.partition("/")
        employer, _, year = employer_year.rpartition("/")
        return f"{employer} 在 {year} 年新吸纳的劳动力"
    if kind == "workshop":  # <county>/<workshop id>
        county, _, workshop_id = rest.partition("/")
        return f"{county} 的{_title('workshop')} {workshop_id}"
    if kind == "workshop-laborer":
        return f"劳动力 {rest} 的{_title('workshop')}"
    who, _, detail = rest.partition("/")
    if kind == "transport" and detail:
        return f"{who} 在 {detail} 年的{_title(kind)}"
    if kind == "certificate" and detail:
        return f"{who} 的“{detail}”证书{_title(kind)}"
    if kind == "job_training" and detail:
        if fact == "facts.contract_signed_on":
            return f"{who} 就 {detail} 签订的劳动合同的{_title(kind)}"
        return f"{who} 的“{detail}”{_title(kind)}"
    if kind == "training_days" and detail:
        if detail.startswith("unnamed-"):
            return f"{who} {detail.removeprefix('unnamed-')} 年未写明课程的{_title(kind)}"
        return f"{who} 参加课程“{detail}”的{_title(kind)}"
    if kind in ("absorption", "labour_export") and not detail:
        return f"{who} 的{_title(kind)}（一次性）"
    if kind in ("social_insurance", "training_days", "startup") and not detail:
        return f"{who} 的{_title(kind)}"
    return f"限额“{key}”"

