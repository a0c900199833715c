"""The seed counties' presets (API.md "Presets"), each complete, checked line by line against
the seed's own figures (quoted), and the ``default`` policy: RULES.md defaults, Huize's tables."""

from __future__ import annotations

from typing import Any

import pytest

from postledger.domain.policy_terms import PlacementTerms, PolicyTerms, policy_schema
from postledger.domain.presets import DEFAULT_TERMS, PRESETS
from postledger.domain.rules import CATALOGUE
from postledger.domain.subsidies.registry import CLAIM_TYPES

YUAN = 100  # fen


def tables(preset: str) -> dict[str, Any]:
    subsidies: dict[str, Any] = PRESETS[preset].as_dict()["subsidies"]
    return subsidies


# (preset, path in the policy, value, the seed's words)
SEED_FIGURES: list[tuple[str, str, Any, str]] = [
    # 000 Zhijin
    ("zhijin", "eligible_categories", ["not_lifted"],
     "尚未脱贫且无法离乡、无业可扶、无力脱贫又有就业愿望和劳动能力的建档立卡贫困劳动力"),
    ("zhijin", "subsidies.transport", None, "no transport subsidy in the Zhijin plan"),
    ("zhijin", "subsidies.certificate.amounts_fen.excavator", 3000 * YUAN,
     "取得住建部门颁发的挖掘机操作证或B2及以上准驾大型货车（客车）驾驶证的补贴3000元"),
    ("zhijin", "subsidies.certificate.amounts_fen.driving_b2", 3000 * YUAN, "B2及以上…3000元"),
    ("zhijin", "subsidies.certificate.amounts_fen.driving_a1", 3000 * YUAN, "B2及以上…3000元"),
    ("zhijin", "subsidies.certificate.amounts_fen.driving_c", 2000 * YUAN, "取得C类驾驶证的补贴2000元"),
    ("zhijin", "subsidies.certificate.amounts_fen.security_guard", 2000 * YUAN,
     "取得公安部门认定的保安培训合格证书并实现就业的补贴2000元"),
    ("zhijin", "subsidies.certificate.amounts_fen.welder", 3000 * YUAN,
     "取得美容美发、厨师、电工、焊工相应技能水平等级证书（初级以上）的补贴3000元"),
    ("zhijin", "subsidies.labour_export.flat_fen", 400 * YUAN, "按每人400元的标准"),
    ("zhijin", "subsidies.labour_export.months_stable_min", 6, "稳定就业6个月以上"),
    ("zhijin", "subsidies.labour_export.follow_up_months_min", 12, "且提供1年跟踪服务的"),
    ("zhijin", "subsidies.labour_export.organiser_kinds", ["agency", "broker"],
     "对人力资源服务机构、劳务经纪人等市场主体开展有组织劳务输出"),
    ("zhijin", "subsidies.absorption.per_worker_fen", 500 * YUAN, "按每人500元的标准给予一次性补贴"),
    ("zhijin", "subsidies.absorption.months_stable_min", 6, "稳定就业6个月以上"),
    ("zhijin", "subsidies.absorption.contract_months_min", 12, "并签订1年以上劳动合同的各类企业"),
    ("zhijin", "subsidies.social_insurance.share_numerator", 2, "…失业保险费的2/3给予补贴"),
    ("zhijin", "subsidies.social_insurance.share_denominator", 3, "…失业保险费的2/3给予补贴"),
    ("zhijin", "subsidies.social_insurance.max_months", 36, "其余人员最长不超过3年"),
    ("zhijin", "subsidies.social_insurance.near_retirement_years", 5,
     "除对距法定退休年龄不足5年的可延长至退休外"),
    ("zhijin", "subsidies.social_insurance.graduate_max_months", 24, "补贴期限最长不超过2年"),
    ("zhijin", "subsidies.social_insurance.small_firm_graduate.months", 12,
     "补贴期限为企业吸纳高校毕业生就业当月起的12个月"),
    ("zhijin", "subsidies.social_insurance.small_firm_graduate.share_numerator", 1,
     "基本养老保险、基本医疗保险、失业保险、生育保险和工伤保险单位及个人缴纳部分"),
    ("zhijin", "subsidies.social_insurance.small_firm_graduate.contract_months_min", 12,
     "并与其签订1年以上劳动合同"),
    # 001 Changli
    ("changli", "monthly_subsidy_fen", 400 * YUAN, "由县财政按照每人每月400元的标准"),
    ("changli", "age_min", 16, "针对 16 周岁-65 周岁有就业意愿和就业能力人员"),
    ("changli", "age_max", 65, "针对 16 周岁-65 周岁有就业意愿和就业能力人员"),
    ("changli", "edge_cap_per_township", 5, "边缘户每乡镇原则上不超过5户"),
    ("changli", "eligible_categories", ["lifted", "not_lifted", "edge"], "已脱贫、未脱贫、边缘户"),
    ("changli", "subsidies.training_days.daily_cap_fen", 100 * YUAN,
     "给予每天不超过100元的食宿和交通补贴"),
    ("changli", "subsidies.training_days.eligible_categories", ["lifted", "not_lifted", "edge"],
     "结合我县建档立卡及边缘户劳动力人口实际情况"),
    # 002 Hekou
    ("hekou", "subsidies.transport.caps_fen.other_province", 500 * YUAN,
     "对跨省务工的建档立卡贫困劳动力每人每年可享受一次交通补助,补助标准最高不超过500元"),
    ("hekou", "subsidies.transport.caps_fen.other_county", None, "跨省务工 only"),
    ("hekou", "subsidies.transport.claims_per_year", 1, "每人每年可享受一次"),
    ("hekou", "subsidies.labour_export.amounts_fen.other_province", 300 * YUAN,
     "可按省外转移就业300元/人"),
    ("hekou", "subsidies.labour_export.amounts_fen.other_county", 200 * YUAN,
     "县外省内转移就业200元/人"),
    ("hekou", "subsidies.labour_export.amounts_fen.in_county", None, "no in-county tier"),
    ("hekou", "subsidies.labour_export.contract_months_min", 12, "协助签订1年以上期限劳动合同"),
    ("hekou", "subsidies.labour_export.months_stable_min", 3, "稳定就业满3个月以上的"),
    ("hekou", "subsidies.labour_export.organiser_kinds", ["agency"],
     "人力资源服务中介机构(村委会、农村劳务经纪人可依托人力资源服务机构组织发动)"),
    ("hekou", "subsidies.social_insurance.max_months", 36, "补贴期限不超过三年"),
    # 004 Yunnan
    ("yunnan", "monthly_subsidy_fen", 500 * YUAN, "可享受500元/人•月标准的乡村公共服务岗位补贴"),
    ("yunnan", "subsidies.transport.caps_fen.other_province", 500 * YUAN,
     "给予最高不超过500元/人的一次性交通费补助"),
    ("yunnan", "subsidies.transport.months_stable_min", 3, "外出务工、稳定就业三个月以上的"),
    ("yunnan", "subsidies.labour_export.amounts_fen.other_province", 300 * YUAN, "省外转移300元/人"),
    ("yunnan", "subsidies.labour_export.amounts_fen.other_county", 200 * YUAN, "县外转移200元/人"),
    ("yunnan", "subsidies.labour_export.organiser_kinds", ["agency", "village_committee",
                                                          "broker"],
     "人力资源服务机构、村委会和农村劳动力经纪人等开展有组织劳务输出的"),
    ("yunnan", "subsidies.job_training.amounts_fen.vocational_qualification", 800 * YUAN,
     "取得职业资格证书后给予不超过800元的职业培训补贴"),
    ("yunnan", "subsidies.job_training.amounts_fen.skill_level", 600 * YUAN,
     "取得职业技能等级证书或专项职业能力证书后给予不超过600元"),
    ("yunnan", "subsidies.job_training.amounts_fen.special_ability", 600 * YUAN,
     "…或专项职业能力证书后给予不超过600元"),
    ("yunnan", "subsidies.job_training.amounts_fen.training_pass", 400 * YUAN,
     "取得培训合格证书后给予不超过400元的职业培训补贴"),
    ("yunnan", "subsidies.job_training.contract_months_min", 12, "签订1年以上期限劳动合同"),
    ("yunnan", "subsidies.job_training.trained_within_months", 12, "于签订劳动合同之日起1年内参加"),
    ("yunnan", "subsidies.workshop.min_laborers", 5, "吸纳5人（含5人）以上贫困劳动力"),
    ("yunnan", "subsidies.workshop.contract_months_min", 6, "签订6个月（含6个月）以上劳动合同"),
    ("yunnan", "subsidies.workshop.per_laborer_fen", 1000 * YUAN, "每吸纳1名贫困劳动力…1000元一次性奖补"),
    ("yunnan", "subsidies.workshop.cap_fen", 50_000 * YUAN, "奖补金额最高不超过5万元"),
    # 004 Huize
    ("huize", "monthly_subsidy_fen", 500 * YUAN, "按每人每月500元标准给予岗位补贴"),
    ("huize", "term_years", 3, "按每人每月500元标准给予岗位补贴，期限3年"),
    ("huize", "subsidies.transport.caps_fen.other_province", 500 * YUAN,
     "到省外务工的补助标准最高不超过500元"),
    ("huize", "subsidies.transport.caps_fen.other_county", 300 * YUAN,
     "到县外省内务工的补助标准最高不超过300元"),
    ("huize", "subsidies.transport.caps_fen.in_county", 100 * YUAN, "到县内务工的补助标准最高不超过100元"),
    ("huize", "subsidies.transport.claims_per_year", 1, "每人每年可享受一次交通补助"),
    ("huize", "subsidies.labour_export.amounts_fen.other_province", 300 * YUAN, "省外转移就业每人300元"),
    ("huize", "subsidies.labour_export.amounts_fen.other_county", 200 * YUAN, "县外转移就业每人200元"),
    ("huize", "subsidies.labour_export.amounts_fen.in_county", 100 * YUAN, "县内转移就业100元补助"),
    ("huize", "subsidies.labour_export.months_stable_min", 3, "履行劳动合同3个月以上的证明"),
    ("huize", "subsidies.absorption.per_worker_fen", 2000 * YUAN,
     "当年新吸纳建档立卡贫困劳动力10人以内、稳定就业一年以上的…2000元/人用工补贴"),
    ("huize", "subsidies.absorption.max_workers", 10, "10人以内"),
    ("huize", "subsidies.absorption.relocated_per_worker_fen", 3000 * YUAN,
     "当年新吸纳建档立卡搬迁群众10人以上…3000元/人用工补贴"),
    ("huize", "subsidies.absorption.relocated_min_workers", 10, "搬迁群众10人以上"),
    ("huize", "subsidies.absorption.months_stable_min", 12, "稳定就业一年以上"),
    ("huize", "subsidies.startup.amount_fen", 3000 * YUAN, "给予一次性3000元创业补贴"),
    ("huize", "subsidies.startup.running_months_min", 12, "自工商登记注册之日起正常运营1年以上"),
    ("huize", "subsidies.certificate", None, "a Zhijin-only subsidy"),
    ("huize", "subsidies.training_days", None, "a Changli-only subsidy"),
]


def at(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data[part]
    return data


@pytest.mark.parametrize(("preset", "path", "value", "seed"), SEED_FIGURES,
                         ids=[f"{p}:{path}" for p, path, _, _ in SEED_FIGURES])
def test_each_preset_figure_is_the_seeds(preset: str, path: str, value: Any, seed: str) -> None:
    assert at(PRESETS[preset].as_dict(), path) == value, seed


@pytest.mark.parametrize("preset", list(PRESETS))
def test_each_preset_is_complete_and_valid(preset: str) -> None:
    terms = PRESETS[preset]
    again = PolicyTerms.model_validate(terms.as_dict())  # what is stored reads back the same
    assert again == terms
    assert any(tables(preset).values()), f"{preset} pays no subsidy at all"


def test_the_default_is_the_rules_defaults_with_huizes_tables() -> None:
    assert DEFAULT_TERMS.as_dict()["subsidies"] == tables("huize")
    placement = {k: v for k, v in DEFAULT_TERMS.as_dict().items() if k != "subsidies"}
    assert placement == PlacementTerms().model_dump(mode="json")
    assert (DEFAULT_TERMS.age_min, DEFAULT_TERMS.age_max, DEFAULT_TERMS.publicity_days,
            DEFAULT_TERMS.review_grace_days, DEFAULT_TERMS.retirement_age_male,
            DEFAULT_TERMS.retirement_age_female, DEFAULT_TERMS.retirement_age_female_cadre,
            DEFAULT_TERMS.pay_pro_rata, DEFAULT_TERMS.selection_required) == (
        16, 65, 5, 30, 60, 50, 55, False, False)


def test_county_tables_do_not_inherit_zhijin_only_subsidies() -> None:
    for preset in ("changli", "hekou", "yunnan", "huize"):
        assert tables(preset)["certificate"] is None, preset


def test_the_schema_names_every_claim_type_and_every_parameter_cites_a_catalogued_rule() -> None:
    schema = policy_schema()
    tables_schema = schema["$defs"]["SubsidyTables"]["properties"]
    assert set(tables_schema) == set(CLAIM_TYPES)
    for name, spec in schema["properties"].items():
        if name != "subsidies":
            assert spec["x-rule"] in CATALOGUE, name
            assert name in CATALOGUE[spec["x-rule"]].parameters, name
