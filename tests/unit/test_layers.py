"""Layers point inward: the domain imports no other layer of the project, projections read
events (not workflows), settings, clock, keys, stores, engine and idempotency live in one
infrastructure place, and one claim type is one module named once in the registry."""

from __future__ import annotations

import ast
from pathlib import Path

from postledger.domain.subsidies.registry import CLAIM_TYPES

SRC = Path(__file__).resolve().parents[2] / "src"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _assert_imports_none_of(layer: str, *outer: str) -> None:
    for path in (SRC / layer).rglob("*.py"):
        outward = {m for m in _imports(path) if m.startswith(outer)}
        assert not outward, f"{path.relative_to(SRC)} imports {sorted(outward)}"


def test_the_domain_imports_no_other_layer() -> None:
    _assert_imports_none_of("domain", "postledger.workflows", "postledger.api",
                            "postledger.projections", "postledger.infrastructure")


def test_projections_read_events_not_workflows_or_the_api() -> None:
    _assert_imports_none_of("projections", "postledger.workflows", "postledger.api")


def test_the_infrastructure_place_reads_no_layer_but_the_domain() -> None:
    _assert_imports_none_of("infrastructure", "postledger.workflows", "postledger.api",
                            "postledger.projections")


def test_each_claim_type_is_one_module_named_once_in_the_registry() -> None:
    modules = {p.stem for p in (SRC / "domain" / "subsidies").glob("*.py")}
    assert set(CLAIM_TYPES) <= modules
    for name, kind in CLAIM_TYPES.items():
        module = SRC / "domain" / "subsidies" / f"{name}.py"
        assert f'name="{name}"' in module.read_text(), name
        assert kind.calculate.__module__ == f"postledger.domain.subsidies.{name}"
