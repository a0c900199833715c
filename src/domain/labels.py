"""The one registry of enumerations a person reads: each code with its Chinese and English
label. Requests may give the Chinese label (女, 护路, 省外 …) for the code (``code_of``); answers
give the code and its label (``labelled``)."""

from __future__ import annotations

from typing import Any

from pydantic_core import PydanticCustomError

# kind → code → (Chinese label, English label); Chinese aliases beyond the label after it.
LABELS: dict[str, dict[str, tuple[str, str, tuple[str, ...]]]] = {
    "gender": {"male": ("男", "male", ()), "female": ("女", "female", ())},
    "category": {  # R-ELIG-3
        "lifted": ("已脱贫", "lifted out of poverty", ("脱贫户",)),
        "not_lifted": ("未脱贫", "not yet lifted", ("贫困户",)),
        "edge": ("边缘户", "edge household", ("边缘",)),
    },
    "post_kind": {  # R-POST-1
        "school": ("护校", "school care", ()), "road": ("护路", "road care", ()),
        "forest": ("护林", "forest care", ()), "medical": ("护医", "medical care", ()),
        "industrial_park": ("护厂", "industrial-park care", ()),
        "river": ("护河", "river care", ()), "village": ("护寨", "village care", ()),
        "patrol": ("治安巡防", "public-order patrol", ()),
        "elderly_care": ("养老护理", "elderly care", ()), "other": ("其他", "other", ()),
    },
    "destination": {  # R-SUB-TRANSPORT, R-SUB-EXPORT
        "other_province": ("省外", "another province", ("外省", "跨省")),
        "other_county": ("县外省内", "another county of the province", ("县外", "外县")),
        "in_county": ("县内", "within the county", ()),
    },
    "organiser_kind": {  # R-SUB-EXPORT
        "agency": ("人力资源服务机构", "HR service agency", ()),
        "village_committee": ("村（居）委会", "village committee", ("村委会",)),
        "broker": ("劳务经纪人", "labour broker", ()),
    },
    "extension_basis": {  # R-EXIT-2
        "near_retirement": ("距法定退休年龄不足5年", "under 5 years to retirement", ()),
        "disabled": ("残疾人", "disabled", ()),
        "zero_employment_family": ("零就业家庭成员", "member of a zero-employment family", ()),
    },
    "state": {  # R-FLOW-1: placements' and claims' states
        "applied": ("已申请", "applied", ()),
        "village_approved": ("村审核通过", "village approved", ()),
        "township_approved": ("乡镇审核通过", "township approved", ()),
        "selected": ("已选聘", "selected", ()),
        "in_publicity": ("公示中", "in publicity", ()),
        "objection_pending": ("异议待处理", "objection pending", ()),
        "approved": ("已批准", "approved", ()), "trained": ("已培训", "trained", ()),
        "active": ("在岗", "active", ()), "exited": ("已退出", "exited", ()),
        "rejected": ("未通过", "rejected", ()), "withdrawn": ("已撤回", "withdrawn", ()),
        "submitted": ("已提交", "submitted", ()), "paid": ("已发放", "paid", ()),
        "clawed_back": ("已追回", "clawed back", ()),
        "partly_clawed_back": ("部分追回", "partly clawed back", ()),
    },
    "placement_step": {  # R-FLOW-1: each trigger, as API.md and a Chinese reader call it
        "village_approve": ("村审核（通过）", "village-review (approve)", ()),
        "village_reject": ("村审核（不通过）", "village-review (reject)", ()),
        "township_approve": ("乡镇审核（通过）", "township-review (approve)", ()),
        "township_reject": ("乡镇审核（不通过）", "township-review (reject)", ()),
        "select_pass": ("选聘（通过）", "selection (passed)", ()),
        "select_fail": ("选聘（未通过）", "selection (failed)", ()),
        "start_publicity": ("公示", "publicity", ()),
        "raise_objection": ("提出异议", "objections", ()),
        "uphold_objection": ("异议处理（成立）", "objection resolution (upheld)", ()),
        "dismiss_last_objection": ("异议处理（不成立）", "objection resolution (dismissed)", ()),
        "dismiss_objection": ("异议处理（不成立）", "objection resolution (dismissed)", ()),
        "approve": ("审批", "approval", ()), "train": ("岗前培训", "training", ()),
        "onboard": ("上岗", "onboarding", ()), "record_attendance": ("考勤", "attendance", ()),
        "pay": ("发放补贴", "payments", ()), "warn": ("警告", "warnings", ()),
        "pass_review": ("年度考核（合格）", "annual-review (passed)", ()),
        "fail_review": ("年度考核（不合格）", "annual-review (failed)", ()),
        "extend": ("延期", "extension", ()), "exit": ("退出", "exit", ()),
        "end_automatically": ("自动退出", "automatic exit", ()),
        "claw_back": ("追回", "clawback", ()), "withdraw": ("撤回申请", "withdrawal", ()),
    },
    "claim_step": {  # R-FLOW-1 for claims: the API's step names
        "approve": ("审核", "review", ()), "reject": ("审核", "review", ()),
        "withdraw": ("撤回", "withdrawal", ()), "pay": ("发放", "payment", ()),
        "claw_back_part": ("追回", "clawback", ()), "claw_back_rest": ("追回", "clawback", ()),
    },
    "role": {  # who acts (API.md "Roles"); "system" is the automatic process
        "clerk": ("村（社区）文书", "clerk", ()), "village": ("村委会", "village committee", ()),
        "township": ("乡镇（街道）", "township", ()), "county": ("县人社局", "county bureau", ()),
        "inspector": ("督查人员", "inspector", ()), "admin": ("系统管理员", "administrator", ()),
        "system": ("自动流程", "automatic process", ()),
    },
    "selection_method": {  # R-FLOW-4
        "written_exam": ("笔试", "written exam", ()), "interview": ("面试", "interview", ()),
        "skills_test": ("技能测试", "skills test", ()),
        "democratic_appraisal": ("民主评议", "democratic appraisal", ()),
    },
}


def code_of(kind: str, value: Any) -> Any:
    """The code ``value`` names in ``kind``: the code itself or one of its Chinese labels.
    Anything else is returned unchanged for the field's own check to refuse."""
    if not isinstance(value, str):
        return value
    for code, (zh, _, aliases) in LABELS[kind].items():
        if value in (code, zh, *aliases):
            return code
    return value


def label_of(kind: str, code: str, language: str = "zh") -> str | None:
    found = LABELS[kind].get(code)
    if found is None:
        return None
    return found[0] if language == "zh" else found[1]


def labelled(kind: str, code: str) -> dict[str, Any]:
    """``{"code", "label", "label_en"}`` for an answer."""
    return {"code": code, "label": label_of(kind, code), "label_en": label_of(kind, code, "en")}


def alias_of(kind: str) -> Any:
    """A ``BeforeValidator`` function reading a Chinese label as its code."""
    if kind not in LABELS:
        raise PydanticCustomError("unknown_enumeration", f"no enumeration {kind}")

    def read(value: Any) -> Any:
        return code_of(kind, value)

    return read
