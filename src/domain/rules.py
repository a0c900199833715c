"""The rule catalogue: every rule of RULES.md once, with a one-line statement in Chinese and
English and the policy parameters it reads. Refusals name a rule id; the API words them from
here (Chinese when the request prefers it), and ``GET /rules`` / ``postledger rules`` list it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    zh: str
    en: str
    parameters: tuple[str, ...] = ()

    def statement(self, language: str = "en") -> str:
        return self.zh if language == "zh" else self.en


RULES: tuple[Rule, ...] = (
    Rule(
        "R-POST-1",
        "岗位按十个一批分类，属于部门和乡镇（村），有定员",
        "posts have a kind of the ten batches, a department, a township or village and a "
        "headcount",
    ),
    Rule(
        "R-POST-2",
        "长期全日制岗位补助不得低于当地最低工资标准；兼职岗位按工作量确定",
        "a long-term full-time post pays at least the local minimum wage; part-time posts pay by "
        "workload",
        ("minimum_wage_fen",),
    ),
    Rule(
        "R-POST-3",
        "招募信息提前7天以上公开，写明招募条件、补助标准和工作职责",
        "a recruitment notice runs at least 7 days and states the conditions, the subsidy "
        "standard and the duties",
        ("notice_days", "monthly_subsidy_fen"),
    ),
    Rule(
        "R-POST-4",
        "岗位在岗人数不超过定员",
        "a post holds no more active placements than its headcount",
    ),
    Rule(
        "R-POST-5",
        "公益性岗位不得安排非就业困难人员",
        "posts go only to people with employment difficulty",
    ),
    Rule(
        "R-ELIG-1",
        "年龄按周岁计，16至65周岁（含）可申请；年满66周岁之日起为超过65周岁",
        "age is completed years; 16 to 65 included may hold a post; over 65 begins on the 66th "
        "birthday",
        ("age_min", "age_max"),
    ),
    Rule(
        "R-ELIG-2",
        "以身份证号（GB 11643-1999）识别本人，校验码不符即拒绝",
        "the resident id (GB 11643-1999) identifies the person; an invalid number is refused",
    ),
    Rule(
        "R-ELIG-3",
        "人员类别须为县里准入的类别；边缘户每乡镇原则上不超过5户",
        "the applicant's category must be one the county admits; at most 5 edge households per "
        "township",
        ("eligible_categories", "edge_cap_per_township"),
    ),
    Rule(
        "R-ELIG-4",
        "一人同时只能在一个岗位",
        "a person holds at most one active placement",
    ),
    Rule(
        "R-FLOW-1",
        "各环节不得跳过或颠倒，已终止的安置不再办理",
        "no step is skipped or taken out of order; an ended placement takes no further step",
    ),
    Rule(
        "R-FLOW-2",
        "村、乡审核和异议处理可以否决，否决须说明理由",
        "village and township review and objection handling may reject, stating the reason",
    ),
    Rule(
        "R-FLOW-3",
        "上岗前申请人可以撤回申请",
        "the applicant may withdraw before onboarding",
    ),
    Rule(
        "R-FLOW-4",
        "考试环节可采用笔试、面试、技能测试、民主评议等方式，在公示前进行",
        "an optional selection (exam, interview, skills test, appraisal) precedes publicity; a "
        "fail rejects",
        ("selection_required",),
    ),
    Rule(
        "R-PUB-1",
        "拟聘人员公示不少于5天，期满方可审批",
        "the publicity runs at least 5 days before approval",
        ("publicity_days",),
    ),
    Rule(
        "R-PUB-2",
        "公示期间的异议暂停审批，成立则否决，不成立则继续公示",
        "an objection suspends approval: upheld rejects, dismissed resumes the publicity",
    ),
    Rule(
        "R-ATT-1",
        "考勤表由村支书（或主任）、另一名村委委员和本人签字",
        "the attendance sheet is signed by the village secretary, another committee member and "
        "the worker",
    ),
    Rule(
        "R-ATT-2",
        "乡镇每月25日前向县报送实名台账",
        "townships report the real-name ledger by the 25th",
    ),
    Rule(
        "R-PAY-1",
        "岗位补贴按月发放，标准由县确定（默认500元/人·月）",
        "the monthly post subsidy is the county's standard (default 500 yuan)",
        ("monthly_subsidy_fen",),
    ),
    Rule(
        "R-PAY-2",
        "凭当月签字考勤发放，每月一次；出勤0天不发放；可按出勤折算",
        "paid against that month's signed attendance, once; a month with 0 days worked is not "
        "paid; pro rata is a county option",
        ("pay_pro_rata",),
    ),
    Rule(
        "R-PAY-3",
        "虚报冒领等骗取的岗位补贴全部追回，追回不超过当月已发金额",
        "post pay obtained by fraud is clawed back, never more than that month's pay net of "
        "earlier clawbacks",
    ),
    Rule(
        "R-REV-1",
        "在岗人员每年考核一次，本人签字；逾期未考核的不发补贴",
        "each placement is reviewed yearly, signed by the worker; months after an overdue review "
        "are not paid",
        ("review_grace_days",),
    ),
    Rule(
        "R-EXIT-1",
        "安置期限最长3年；协议期满或年满66周岁之日协议自行终止",
        "a placement lasts at most 3 years; it ends by itself at term or on the 66th birthday",
        ("term_years", "age_max", "near_retirement_past_age_max"),
    ),
    Rule(
        "R-EXIT-2",
        "家庭特别困难、期满仍难就业且距法定退休年龄不足5年、残疾或零就业家庭的，经县就业服务中心审核公示可延长，最长5年",
        "the county centre may extend, after its own publicity, a placement of a family in "
        "hardship still without work that is under 5 years from retirement, disabled or of a "
        "zero-employment family; at most 5 years",
        (
            "extension_years_max",
            "publicity_days",
            "retirement_age_male",
            "retirement_age_female",
            "retirement_age_female_cadre",
            "near_retirement_past_age_max",
        ),
    ),
    Rule(
        "R-EXIT-3",
        "不符合条件、超龄、失职、不服从管理等情形予以辞退，首次问题先警告",
        "dismissal on the five grounds; a first problem gets a recorded warning",
    ),
    Rule(
        "R-EXIT-4",
        "不遵守纪律或享受政策期满的清退；辞职、死亡",
        "exit at the end of entitlement, on resignation or death",
    ),
    Rule(
        "R-FRAUD-1",
        "无签字考勤或签字不全而发放补贴",
        "payment without signed attendance",
    ),
    Rule(
        "R-FRAUD-2",
        "退出后、上岗前或超期超龄发放补贴",
        "payment after exit, before onboarding or past the term or age limit",
    ),
    Rule(
        "R-FRAUD-3",
        "同一身份证两个在岗安置，或多人共用电话、银行账户",
        "one person in two placements, or a phone or account shared",
    ),
    Rule(
        "R-FRAUD-4",
        "公示不足5天或招募公告不足7天即审批",
        "approval before the publicity or the notice ran its days",
        ("publicity_days", "notice_days"),
    ),
    Rule(
        "R-FRAUD-5",
        "本人既是工人又是签字人，或审批亲属（优亲厚友）",
        "a worker signing as approver, or an official approving a relative (favouritism)",
    ),
    Rule(
        "R-FRAUD-6",
        "环节或发放月份年龄不在范围内，或身份证号无效",
        "a person outside the age range on a step or paid month, or an invalid id",
        ("age_min", "age_max"),
    ),
    Rule(
        "R-FRAUD-7",
        "多月考勤雷同且无年度考核，或岗位有发放无考勤（空岗、挂岗）",
        "identical attendance for months without review, or pay without attendance (empty or "
        "nominal posts)",
    ),
    Rule(
        "R-FRAUD-8",
        "历史记录被事后改动、删除或插入",
        "history altered after the fact",
    ),
    Rule(
        "R-FRAUD-9",
        "记录时间远晚于业务日期（补记），或日期倒序",
        "a step recorded long after its date, or dates going backwards",
        ("backdating_days",),
    ),
    Rule(
        "R-SUB-TRANSPORT",
        "交通补助按车票与上限取小，每人每年一次",
        "transport subsidy: min(ticket, cap by destination), once per person a year",
        ("subsidies.transport",),
    ),
    Rule(
        "R-SUB-CERT",
        "自费培训取得证书并就业的，按证书直补",
        "certificate subsidy for self-paid training, certificate obtained and employed",
        ("subsidies.certificate",),
    ),
    Rule(
        "R-SUB-JOBTRAIN",
        "新招用签订1年以上合同并1年内参加岗位技能培训的，按证书等级补贴",
        "post-hire training subsidy by certificate level",
        ("subsidies.job_training",),
    ),
    Rule(
        "R-SUB-EXPORT",
        "有组织劳务输出按人补贴，一次性",
        "organised labour export subsidy per worker, once",
        ("subsidies.labour_export",),
    ),
    Rule(
        "R-SUB-ABSORB",
        "吸纳建档立卡劳动力稳定就业的用工补贴，一次性",
        "employer absorption subsidy per worker, once",
        ("subsidies.absorption",),
    ),
    Rule(
        "R-SUB-SOCIAL",
        "按实际缴纳社会保险费的比例补贴，期限有上限",
        "social-insurance subsidy: a share of premiums paid, for a limited span",
        ("subsidies.social_insurance",),
    ),
    Rule(
        "R-SUB-WORKSHOP",
        "扶贫车间每吸纳1名贫困劳动力奖补1000元，最高5万元",
        "workshop subsidy per poor laborer, capped per workshop",
        ("subsidies.workshop",),
    ),
    Rule(
        "R-SUB-TRAINDAY",
        "离开户籍地到乡镇以外培训合格的，每天不超过100元食宿交通补贴",
        "training board and travel, at most 100 yuan a day",
        ("subsidies.training_days",),
    ),
    Rule(
        "R-SUB-STARTUP",
        "就业困难人员首次创业正常运营1年以上，一次性3000元",
        "start-up subsidy for a first business running a year",
        ("subsidies.startup",),
    ),
    Rule(
        "R-INPUT-1",
        "证件号、日期、月份和金额只用半角数字",
        "ids, dates, months and amounts use ASCII digits only",
    ),
    Rule(
        "R-INPUT-2",
        "任何环节的日期不得晚于今天（北京时间）",
        "no step is dated after today (Asia/Shanghai)",
    ),
)

CATALOGUE: dict[str, Rule] = {rule.id: rule for rule in RULES}


def rule_statement(rule_id: str | None, language: str = "en") -> str | None:
    """The catalogue's statement of ``rule_id`` in ``language`` ("zh" or "en")."""
    found = CATALOGUE.get(rule_id or "")
    return found.statement(language) if found else None
