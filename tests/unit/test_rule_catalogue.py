"""The rule catalogue: every rule once, stated in Chinese and English, and every rule the code
cites is in it."""

from __future__ import annotations

import re
from pathlib import Path

from postledger.domain.rules import CATALOGUE, RULES, rule_statement

SRC = Path(__file__).resolve().parents[2] / "src"
RULE_ID = re.compile(r"\bR-(?:[A-Z]+)-(?:[A-Z]+|\d+)\b")


def test_every_rule_once_in_both_languages() -> None:
    assert len(CATALOGUE) == len(RULES) == 45
    for rule in RULES:
        assert rule.zh and rule.en, rule.id
        assert re.search(r"[\u4e00-\u9fff]", rule.zh), rule.id
        assert not re.search(r"[\u4e00-\u9fff]", rule.en), rule.id


def test_every_rule_the_code_cites_is_catalogued() -> None:
    cited = {m for path in SRC.rglob("*.py") for m in RULE_ID.findall(path.read_text())}
    assert cited, "the code cites rules"
    assert cited <= set(CATALOGUE), sorted(cited - set(CATALOGUE))


def test_a_statement_in_the_language_asked() -> None:
    assert rule_statement("R-ELIG-1", "zh") == CATALOGUE["R-ELIG-1"].zh
    assert "66th birthday" in str(rule_statement("R-ELIG-1", "en"))
    assert rule_statement("R-NOPE-1") is None
