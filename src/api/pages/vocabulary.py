"""Names people read for the codes the pages show — Chinese first, English second. Rules and the
enumerations people also type (post kinds, categories, destinations, organisers) are named by
the domain's own registries (src/domain/rules.py, src/domain/labels.py); the tables here hold
what only the pages name: states, steps, events, roles, claim types, parameters, certificates."""

from __future__ import annotations

from postledger.domain.labels import LABELS, label_of
from postledger.domain.rules import rule_statement
from postledger.domain.subsidies.registry import CLAIM_TYPES as CLAIM_TYPE_MODULES

Names = dict[str, tuple[str, str]]


def _from_labels(kind: str) -> Names:
    return {code: (zh, en) for code, (zh, en, _) in LABELS[kind].items()}


# Placements' and claims' states, and the bases of an extension (R-EXIT-2): the domain's labels.
STATES: Names = _from_labels("state")
EXTENSION_BASES: Names = _from_labels("extension_basis")

# The placement's path through its steps, as the page draws it (R-FLOW-1).
STEP_PATH: list[str] = [
    "applied", "village_approved", "township_approved", "in_publicity", "approved", "trained",
    "active", "exited",
]

ROLES: Names = _from_labels("role")


# Each claim type by its module's own titles (src/domain/subsidies/).
CLAIM_TYPES: Names = {name: (kind.title_zh, kind.title_en)
                      for name, kind in CLAIM_TYPE_MODULES.items()}


EVENTS: Names = {
    "Applied": ("申请", "applied"),
    "VillageReviewed": ("村审核", "village review"),
    "TownshipReviewed": ("乡镇审核", "township review"),
    "PublicityStarted": ("开始公示", "publicity started"),
    "ObjectionRaised": ("提出异议", "objection raised"),
    "ObjectionResolved": ("异议处理", "objection resolved"),
    "Approved": ("批准", "approved"),
    "Trained": ("岗前培训", "trained"),
    "Onboarded": ("上岗", "onboarded"),
    "AttendanceRecorded": ("考勤签字", "attendance signed"),
    "Paid": ("发放补贴", "paid"),
    "Warned": ("警告", "warned"),
    "AnnuallyReviewed": ("年度考核", "annual review"),
    "Extended": ("延期", "extended"),
    "Exited": ("退出", "exited"),
    "EndedAutomatically": ("到期自动退出", "ended automatically"),
    "Withdrawn": ("撤回", "withdrawn"),
    "Submitted": ("提交申请", "submitted"),
    "Reviewed": ("审核", "reviewed"),
    "ClawedBack": ("追回", "clawed back"),
}


def name_of(table: Names, code: str | None, lang: str) -> str:
    """The readable name of ``code`` in ``lang``; an unknown code reads as itself."""
    if code is None:
        return ""
    found = table.get(code)
    if found is None:
        return code
    return found[0] if lang == "zh" else found[1]

STEPS: Names = {
    "village-review": ("村级审核", "village review"),
    "township-review": ("乡镇审核", "township review"),
    "publicity": ("启动公示", "start publicity"),
    "objections": ("登记异议", "raise an objection"),
    "resolution": ("处理异议", "resolve an objection"),
    "approval": ("批准", "approval"),
    "training": ("岗前培训", "training"),
    "onboarding": ("上岗", "onboarding"),
    "attendance": ("考勤签字", "attendance"),
    "payments": ("发放补贴", "payment"),
    "warnings": ("警告", "warning"),
    "annual-review": ("年度考核", "annual review"),
    "exit": ("退出", "exit"),
    "extension": ("延期（R-EXIT-2）", "extension (R-EXIT-2)"),
    "withdrawal": ("撤回申请", "withdrawal"),
    "review": ("审核", "review"),
    "payment": ("发放", "payment"),
    "clawback": ("追回", "clawback"),
}

# Who an official is (API.md v1.1 "Officials"; src/domain/official.py OFFICIAL_ROLES).
OFFICIAL_ROLES: Names = {
    "secretary": ("村党支部书记", "party secretary"),
    "director": ("村委会主任", "committee director"),
    "member": ("村委委员", "committee member"),
    "clerk": ("村（社区）文书", "clerk"),
    "village": ("村级审核人", "village reviewer"),
    "township": ("乡镇审核人", "township reviewer"),
    "county": ("县级审核人", "county reviewer"),
}

# The certificates of the claim forms (API.md, facts by type).
CHOICES: Names = {
    "excavator": ("挖掘机", "excavator"),
    "driving_b2": ("B2及以上驾驶证", "driving licence B2 or higher"),
    "driving_c": ("C照驾驶证", "driving licence C"),
    "security_guard": ("保安员", "security guard"),
    "beauty": ("美容美发", "beauty"),
    "chef": ("厨师", "chef"),
    "electrician": ("电工", "electrician"),
    "welder": ("焊工", "welder"),
    "vocational_qualification": ("职业资格证书", "vocational qualification"),
    "skill_level": ("职业技能等级证书", "skill level certificate"),
    "special_ability": ("专项能力证书", "special ability certificate"),
    "training_pass": ("培训合格证书", "training pass"),
}

# County policy parameters (API.md "Policy", RULES.md); a parameter not listed reads as its name.
PARAMETERS: Names = {
    "age_min": ("年龄下限（周岁）", "minimum age"),
    "age_max": ("年龄上限（周岁）", "maximum age"),
    "publicity_days": ("公示天数", "publicity days"),
    "notice_days": ("招募公告天数", "notice days"),
    "term_years": ("聘期（年）", "term (years)"),
    "extension_years_max": ("最长延期（年）", "longest extension (years)"),
    "monthly_subsidy_fen": ("月补贴标准（分）", "monthly subsidy (fen)"),
    "edge_cap_per_township": ("每乡镇边缘户名额", "edge households per township"),
    "backdating_days": ("补录倒签阈值（天）", "backdating threshold (days)"),
    "near_retirement_past_age_max": ("临近退休延期可超过年龄上限",
                                     "near-retirement extension past the age limit"),
    "minimum_wage_fen": ("最低工资标准（分）", "minimum wage (fen)"),
    "eligible_categories": ("可聘人员类别", "eligible categories"),
    "retirement_age_male": ("男性退休年龄", "retirement age, men"),
    "retirement_age_female": ("女性退休年龄", "retirement age, women"),
    "retirement_age_female_cadre": ("女干部退休年龄", "retirement age, women cadres"),
    "review_grace_days": ("年度考核宽限天数", "annual review grace days"),
    "pay_pro_rata": ("按出勤天数折算补贴", "pay by days worked"),
    "selection_required": ("须择优选聘", "selection required"),
}


TABLES: dict[str, Names] = {
    "STATES": STATES, "ROLES": ROLES, "CLAIM_TYPES": CLAIM_TYPES, "EVENTS": EVENTS,
    "STEPS": STEPS, "CHOICES": CHOICES, "PARAMETERS": PARAMETERS,
    "OFFICIAL_ROLES": OFFICIAL_ROLES, "EXTENSION_BASES": EXTENSION_BASES,
}

# Kinds of code named by the domain's registry of labels (src/domain/labels.py).
DOMAIN_LABELS: dict[str, tuple[str, ...]] = {
    "POST_KINDS": ("post_kind",),
    "CATEGORIES": ("category",),
    "CHOICES": ("destination", "organiser_kind"),
}


def name(table: str, code: str | None, lang: str) -> str:
    """The readable name of ``code`` from the table or registry called ``table``."""
    if code is None:
        return ""
    if table == "RULES":
        return rule_statement(code, lang) or code
    for kind in DOMAIN_LABELS.get(table, ()):
        found = label_of(kind, code, lang)
        if found:
            return found
    return name_of(TABLES.get(table, {}), code, lang)
