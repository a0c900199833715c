"""The seed counties' policies as RULES.md gives them (API.md "Presets"), each complete, and the
``default`` policy: the RULES.md defaults with Huize's subsidy tables (the most complete).

Money is integer fen (1 yuan = 100 fen). Each figure cites its seed; tests/unit/test_presets.py
checks them line by line against the seed sentences.
"""

from __future__ import annotations

from typing import Any

from postledger.domain.policy_terms import PolicyTerms

B2_OR_HIGHER = ("driving_a1", "driving_a2", "driving_a3", "driving_b1", "driving_b2")

# 000 Zhijin: "取得住建部门颁发的挖掘机操作证或B2及以上准驾大型货车（客车）驾驶证的补贴3000元，取得C类驾驶证
# 的补贴2000元，取得公安部门认定的保安培训合格证书并实现就业的补贴2000元，取得美容美发、厨师、电工、焊工相应
# 技能水平等级证书（初级以上）的补贴3000元" — all for self-paid training, certificate and employment.
_CERTIFICATES = {"excavator": 300_000, **dict.fromkeys(B2_OR_HIGHER, 300_000),
                 "driving_c": 200_000, "security_guard": 200_000, "beauty": 300_000,
                 "chef": 300_000, "electrician": 300_000, "welder": 300_000}
ZHIJIN_CERTIFICATE: dict[str, Any] = {
    "amounts_fen": _CERTIFICATES,
    "employed_required_for": list(_CERTIFICATES),
    "limit_groups": dict.fromkeys(B2_OR_HIGHER, "driving_b2_or_higher"),
}
# 000: "按每人400元的标准，给予一次性跟踪服务补贴" after 6 months stable and 1 year of follow-up,
# organised by "人力资源服务机构、劳务经纪人等市场主体" — no village committee.
ZHIJIN_LABOUR_EXPORT: dict[str, Any] = {
    "mode": "flat", "flat_fen": 40_000, "months_stable_min": 6, "follow_up_months_min": 12,
    "contract_months_min": 0, "organiser_kinds": ["agency", "broker"],
}
# 000: "稳定就业6个月以上，并签订1年以上劳动合同的各类企业…按每人500元".
ZHIJIN_ABSORPTION: dict[str, Any] = {
    "per_worker_fen": 50_000, "max_workers": None, "months_stable_min": 6,
    "contract_months_min": 12,
}
# 000: 2/3 of premiums, at most 3 years (to retirement when under 5 years from it); graduates
# 2 years; small firms hiring graduates: all five insurances, both parts, 12 months from hiring.
ZHIJIN_SOCIAL_INSURANCE: dict[str, Any] = {
    "share_numerator": 2, "share_denominator": 3, "max_months": 36, "graduate_max_months": 24,
    "small_firm_graduate": {"share_numerator": 1, "share_denominator": 1, "months": 12,
                            "contract_months_min": 12},
    "near_retirement_years": 5,
}
# 002 Hekou, 004 national: firms hiring poor 就业困难人员, "补贴期限不超过三年", no share given (all,
# as for small firms, *assumed*); no graduate schemes, no extension to retirement.
NATIONAL_SOCIAL_INSURANCE: dict[str, Any] = {
    "share_numerator": 1, "share_denominator": 1, "max_months": 36, "graduate_max_months": None,
    "small_firm_graduate": None, "near_retirement_years": None,
}
# 004 Yunnan: "取得职业资格证书后给予不超过800元…职业技能等级证书或专项职业能力证书后给予不超过600元…
# 培训合格证书后给予不超过400元"; a contract of at least a year, trained within a year of signing.
YUNNAN_JOB_TRAINING: dict[str, Any] = {
    "amounts_fen": {"vocational_qualification": 80_000, "skill_level": 60_000,
                    "special_ability": 60_000, "training_pass": 40_000},
    "contract_months_min": 12, "trained_within_months": 12,
}
# 004 Yunnan: "吸纳5人（含5人）以上…6个月（含6个月）以上劳动合同…每吸纳1名贫困劳动力…1000元…最高不超过5万元".
YUNNAN_WORKSHOP: dict[str, Any] = {
    "per_laborer_fen": 100_000, "min_laborers": 5, "contract_months_min": 6,
    "cap_fen": 5_000_000,
}
# 004 Yunnan: "人力资源服务机构、村委会和农村劳动力经纪人…省外转移300元/人、县外转移200元/人";
# "外出务工、稳定就业三个月以上的…最高不超过500元/人的一次性交通费补助" (working away: out of the county).
YUNNAN_LABOUR_EXPORT: dict[str, Any] = {
    "mode": "by_destination",
    "amounts_fen": {"other_province": 30_000, "other_county": 20_000, "in_county": None},
    "months_stable_min": 3, "follow_up_months_min": 0, "contract_months_min": 0,
    "organiser_kinds": ["agency", "village_committee", "broker"],
}
YUNNAN_TRANSPORT: dict[str, Any] = {
    "caps_fen": {"other_province": 50_000, "other_county": 50_000, "in_county": None},
    "months_stable_min": 3, "claims_per_year": 1,
}
# 002 Hekou: "人力资源服务中介机构(村委会、农村劳务经纪人可依托人力资源服务机构…)…协助签订1年以上期限劳动
# 合同、稳定就业满3个月以上的,可按省外转移就业300元/人、县外省内转移就业200元/人"; "对跨省务工的…每人每年
# 可享受一次交通补助,补助标准最高不超过500元".
HEKOU_LABOUR_EXPORT: dict[str, Any] = {
    **YUNNAN_LABOUR_EXPORT, "contract_months_min": 12, "organiser_kinds": ["agency"],
}
HEKOU_TRANSPORT: dict[str, Any] = {
    "caps_fen": {"other_province": 50_000, "other_county": None, "in_county": None},
    "months_stable_min": 0, "claims_per_year": 1,
}
# 004 Huize art. 16: "到省外务工的补助标准最高不超过500元，到县外省内务工的…300元，到县内务工的…100元",
# once a year; the Q&A asks for 3 months of stable work.
HUIZE_TRANSPORT: dict[str, Any] = {
    "caps_fen": {"other_province": 50_000, "other_county": 30_000, "in_county": 10_000},
    "months_stable_min": 3, "claims_per_year": 1,
}
# 004 Huize: "村（居）委会、农村劳务经纪人…履行劳动合同3个月以上…省外转移就业每人300元、县外转移就业每人
# 200元、县内转移就业100元".
HUIZE_LABOUR_EXPORT: dict[str, Any] = {
    **YUNNAN_LABOUR_EXPORT,
    "amounts_fen": {"other_province": 30_000, "other_county": 20_000, "in_county": 10_000},
}
# 004 Huize: "当年新吸纳建档立卡贫困劳动力10人以内、稳定就业一年以上…2000元/人…当年新吸纳建档立卡搬迁群众
# 10人以上、稳定就业一年以上的，由县级财政…3000元/人".
HUIZE_ABSORPTION: dict[str, Any] = {
    "per_worker_fen": 200_000, "max_workers": 10, "relocated_per_worker_fen": 300_000,
    "relocated_min_workers": 10, "months_stable_min": 12, "contract_months_min": 0,
    "intake_identified": True,
}
# 004 Huize: "首次创办…正常运营1年以上的就业困难人员…一次性3000元创业补贴".
HUIZE_STARTUP: dict[str, Any] = {"amount_fen": 300_000, "running_months_min": 12}
# 001 Changli: "离开户籍地到乡镇以外参加就业技能培训的，培训合格后，给予每天不超过100元的食宿和交通补贴".
CHANGLI_TRAINING_DAYS: dict[str, Any] = {"daily_cap_fen": 10_000}

PRESET_DATA: dict[str, dict[str, Any]] = {
    # 000: posts for "尚未脱贫…的建档立卡贫困劳动力"; no transport subsidy.
    "zhijin": {
        "eligible_categories": ["not_lifted"],
        "subsidies": {"certificate": ZHIJIN_CERTIFICATE, "labour_export": ZHIJIN_LABOUR_EXPORT,
                      "absorption": ZHIJIN_ABSORPTION,
                      "social_insurance": ZHIJIN_SOCIAL_INSURANCE},
    },
    # 001: "16周岁-65周岁", "每人每月400元", 已脱贫、未脱贫、边缘户 (边缘户每乡镇原则上不超过5户).
    "changli": {
        "age_min": 16, "age_max": 65, "monthly_subsidy_fen": 40_000, "edge_cap_per_township": 5,
        "eligible_categories": ["lifted", "not_lifted", "edge"],
        "subsidies": {"training_days": CHANGLI_TRAINING_DAYS},
    },
    "hekou": {
        "subsidies": {"transport": HEKOU_TRANSPORT, "labour_export": HEKOU_LABOUR_EXPORT,
                      "social_insurance": NATIONAL_SOCIAL_INSURANCE},
    },
    # 004: rural public-service posts "500元/人•月", "期限3年".
    "yunnan": {
        "monthly_subsidy_fen": 50_000, "term_years": 3,
        "subsidies": {"transport": YUNNAN_TRANSPORT, "job_training": YUNNAN_JOB_TRAINING,
                      "labour_export": YUNNAN_LABOUR_EXPORT, "workshop": YUNNAN_WORKSHOP,
                      "social_insurance": NATIONAL_SOCIAL_INSURANCE},
    },
    # 004: Huize's own measures, with the Yunnan provincial subsidies it applies.
    "huize": {
        "monthly_subsidy_fen": 50_000, "term_years": 3,
        "subsidies": {"transport": HUIZE_TRANSPORT, "job_training": YUNNAN_JOB_TRAINING,
                      "labour_export": HUIZE_LABOUR_EXPORT, "absorption": HUIZE_ABSORPTION,
                      "social_insurance": NATIONAL_SOCIAL_INSURANCE,
                      "workshop": YUNNAN_WORKSHOP, "startup": HUIZE_STARTUP},
    },
}

PRESETS: dict[str, PolicyTerms] = {
    name: PolicyTerms.model_validate(data) for name, data in PRESET_DATA.items()
}
# A county that never had a policy PUT: the RULES.md defaults with Huize's subsidy tables.
DEFAULT_TERMS = PolicyTerms(subsidies=PRESETS["huize"].subsidies)
