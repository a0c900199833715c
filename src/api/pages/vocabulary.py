"""Names people read for the service's codes: rules, states, steps, roles, post kinds, claim
types — Chinese first, English second. One table per kind of code."""

from __future__ import annotations

Names = dict[str, tuple[str, str]]

RULES: Names = {
    "R-POST-1": ("岗位类别", "Post kinds"),
    "R-POST-2": ("全日制岗位不低于最低工资", "Full-time posts pay at least the minimum wage"),
    "R-POST-3": ("招募信息提前一周公开发布", "Recruitment notice published a week ahead"),
    "R-POST-4": ("岗位人数不得超过核定名额", "No more workers than the post's headcount"),
    "R-POST-5": ("公益岗位只安排就业困难人员", "Posts only for those in need"),
    "R-ELIG-1": ("年龄条件", "Age"),
    "R-ELIG-2": ("身份证号码有效", "A valid resident id"),
    "R-ELIG-3": ("人员类别与边缘户名额", "Category and the edge-household cap"),
    "R-ELIG-4": ("同一时间只占一个岗位", "One post at a time"),
    "R-FLOW-1": ("按程序顺序办理", "Steps in their order"),
    "R-FLOW-2": ("不予通过须说明理由", "A rejection states its reason"),
    "R-FLOW-3": ("上岗前可撤回申请", "Withdrawal before onboarding"),
    "R-FLOW-4": ("择优选聘", "Selection"),
    "R-PUB-1": ("公示不少于5天", "Publicity runs at least five days"),
    "R-PUB-2": ("公示异议须处理完毕", "Objections are resolved first"),
    "R-ATT-1": ("考勤须三方签字", "Attendance signed by three people"),
    "R-ATT-2": ("每月25日前上报实名台账", "Ledger reported by the 25th"),
    "R-PAY-1": ("补贴标准", "Subsidy amount"),
    "R-PAY-2": ("无签字考勤不发放补贴", "No pay without signed attendance"),
    "R-PAY-3": ("追回骗取的岗位补贴", "Clawback of post pay"),
    "R-REV-1": ("年度考核", "Annual review"),
    "R-EXIT-1": ("聘期与年龄上限", "Term and age limit"),
    "R-EXIT-2": ("延期条件", "Extension"),
    "R-EXIT-3": ("解除协议的情形", "Grounds for dismissal"),
    "R-EXIT-4": ("其他退出情形", "Other exits"),
    "R-FRAUD-1": ("无签字考勤发放补贴", "Pay without signed attendance"),
    "R-FRAUD-2": ("退出后或超期发放补贴", "Pay after exit or past the limit"),
    "R-FRAUD-3": ("证件号或电话多人共用", "Shared id or phone"),
    "R-FRAUD-4": ("公示或招募期不足即审批", "Approval before publicity or notice ran"),
    "R-FRAUD-5": ("优亲厚友、本人代签", "Favouritism, signing for oneself"),
    "R-FRAUD-6": ("年龄不符或证件无效", "Outside the age range or invalid id"),
    "R-FRAUD-7": ("空岗挂岗迹象", "Empty or nominal post"),
    "R-FRAUD-8": ("历史记录被篡改", "History altered"),
    "R-FRAUD-9": ("补录倒签", "Backdating"),
    "R-INPUT-1": ("输入格式", "Input format"),
    "R-INPUT-2": ("日期不得晚于今天", "No date after today"),
    "R-SUB-TRANSPORT": ("交通补助", "Transport subsidy"),
    "R-SUB-CERT": ("培训补贴直补", "Training certificate subsidy"),
    "R-SUB-JOBTRAIN": ("岗位技能培训补贴", "Post-hire skill training"),
    "R-SUB-EXPORT": ("劳务输出补助", "Organised labour export"),
    "R-SUB-ABSORB": ("吸纳就业补贴", "Employer absorption"),
    "R-SUB-SOCIAL": ("社会保险补贴", "Social-insurance subsidy"),
    "R-SUB-WORKSHOP": ("就业扶贫车间补贴", "Poverty-alleviation workshop"),
    "R-SUB-TRAINDAY": ("培训食宿交通补贴", "Training board and travel"),
    "R-SUB-STARTUP": ("创业补贴", "Start-up subsidy"),
}

STATES: Names = {
    "applied": ("已申请", "applied"),
    "village_approved": ("村审核通过", "village approved"),
    "township_approved": ("乡镇审核通过", "township approved"),
    "selected": ("已选聘", "selected"),
    "in_publicity": ("公示中", "in publicity"),
    "objection_pending": ("异议待处理", "objection pending"),
    "approved": ("已批准", "approved"),
    "trained": ("已培训", "trained"),
    "active": ("在岗", "active"),
    "exited": ("已退出", "exited"),
    "rejected": ("未通过", "rejected"),
    "withdrawn": ("已撤回", "withdrawn"),
    "submitted": ("已提交", "submitted"),
    "paid": ("已发放", "paid"),
    "clawed_back": ("已追回", "clawed back"),
    "partly_clawed_back": ("部分追回", "partly clawed back"),
}

# The placement's path through its steps, as the page draws it (R-FLOW-1).
STEP_PATH: list[str] = [
    "applied", "village_approved", "township_approved", "in_publicity", "approved", "trained",
    "active", "exited",
]

ROLES: Names = {
    "clerk": ("村（社区）文书", "clerk"),
    "village": ("村委会", "village committee"),
    "township": ("乡镇（街道）", "township"),
    "county": ("县人社局", "county bureau"),
    "inspector": ("督查人员", "inspector"),
    "admin": ("系统管理员", "administrator"),
}

POST_KINDS: Names = {
    "school": ("护校", "school care"),
    "road": ("护路", "road care"),
    "forest": ("护林", "forest care"),
    "medical": ("护医", "medical care"),
    "industrial_park": ("护厂", "industrial-park care"),
    "river": ("护河", "river care"),
    "village": ("护寨", "village care"),
    "patrol": ("治安巡防", "public-order patrol"),
    "elderly_care": ("养老护理", "elderly care"),
    "other": ("其他", "other"),
}

CLAIM_TYPES: Names = {
    "transport": ("交通补助", "transport"),
    "certificate": ("培训补贴直补", "training certificate"),
    "job_training": ("岗位技能培训", "job training"),
    "labour_export": ("劳务输出", "labour export"),
    "absorption": ("吸纳就业", "absorption"),
    "social_insurance": ("社会保险补贴", "social insurance"),
    "workshop": ("就业扶贫车间", "workshop"),
    "training_days": ("培训食宿交通", "training days"),
    "startup": ("创业补贴", "start-up"),
}

CATEGORIES: Names = {
    "lifted": ("已脱贫", "lifted out of poverty"),
    "not_lifted": ("未脱贫", "not yet lifted"),
    "edge": ("边缘易致贫户", "edge household"),
}

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
    "withdrawal": ("撤回申请", "withdrawal"),
    "review": ("审核", "review"),
    "payment": ("发放", "payment"),
    "clawback": ("追回", "clawback"),
}

# The choices of the claim forms (API.md, facts by type).
CHOICES: Names = {
    "other_province": ("省外", "another province"),
    "other_county": ("省内县外", "another county"),
    "in_county": ("县内", "in the county"),
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
    "agency": ("人力资源服务机构", "agency"),
    "broker": ("劳务经纪人", "broker"),
    "village_committee": ("村委会", "village committee"),
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
