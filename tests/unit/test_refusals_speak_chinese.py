"""Every refusal a placement step or a subsidy claim can raise carries its particulars in
Chinese (``zh=``) beside the English, so a reader who prefers Chinese never meets a bare English
detail after the Chinese rule (README, "Labels")."""

from __future__ import annotations

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "src" / "domain"
REFUSALS = {"InvalidInput", "StepNotAllowed", "LimitReached", "refused"}
MODULES = [*DOMAIN.glob("placement*.py"), *(DOMAIN / "subsidies").glob("*.py")]


def _without_chinese(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text())):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in REFUSALS
                and not any(keyword.arg in ("zh", None) for keyword in node.keywords)):
            lines.append(node.lineno)
    return lines


def test_every_refusal_of_a_placement_step_or_a_claim_says_it_in_chinese_too() -> None:
    missing = {str(path.relative_to(DOMAIN)): found for path in MODULES
               if (found := _without_chinese(path))}
    assert missing == {}
