"""The layering rules of docs/architecture.md, enforced by reading every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

DASHBOARD_MAY_USE = {"transparency.exports", "transparency.paths"}


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in a file, relative imports resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    rel = path.relative_to(REPO).with_suffix("")
    package = list(rel.parts[1:-1] if rel.parts[0] == "src" else rel.parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            found += [(node.lineno, f"{base}.{a.name}" if base else a.name) for a in node.names] + [
                (node.lineno, base)
            ]
    return found


def violations(files: list[Path], rule) -> list[str]:
    out = []
    for f in files:
        for line, mod in imports(f):
            why = rule(f, mod)
            if why:
                out.append(f"{f.relative_to(REPO)}:{line} imports {mod}: {why}")
    return out


def core_rule(f: Path, mod: str) -> str | None:
    if mod.startswith("scrapers.") and mod.split(".")[1] != "__path__":
        return "the core knows no individual source (discover them through transparency.sources)"
    if mod.split(".")[0] == "dashboard":
        return "the core does not depend on the dashboard"
    return None


def scraper_rule(f: Path, mod: str) -> str | None:
    parts = mod.split(".")
    if parts[0] == "dashboard":
        return "scrapers do not depend on the dashboard"
    if (
        parts[0] == "scrapers"
        and len(parts) > 1
        and not parts[1].startswith("_")
        and parts[1] != f.stem
    ):
        return "a source does not import another source (share code through scrapers/_*.py or the core)"
    return None


def dashboard_rule(f: Path, mod: str) -> str | None:
    top = mod.split(".")[0]
    if top == "scrapers":
        return "the dashboard reads the warehouse only"
    if (
        top == "transparency"
        and mod != "transparency"
        and not any(mod == m or mod.startswith(m + ".") for m in DASHBOARD_MAY_USE)
    ):
        return f"the dashboard may use only {sorted(DASHBOARD_MAY_USE)} of the core"
    return None


LAYERS = {
    "core": (sorted((REPO / "src" / "transparency").rglob("*.py")), core_rule),
    "scrapers": (sorted((REPO / "scrapers").rglob("*.py")), scraper_rule),
    "dashboard": (sorted((REPO / "dashboard").rglob("*.py")), dashboard_rule),
}


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_imports(layer):
    files, rule = LAYERS[layer]
    assert files, f"no files in layer {layer}"
    assert violations(files, rule) == []


def test_the_rules_catch_a_violation(tmp_path, monkeypatch):
    bad = REPO / "src" / "transparency" / "_tmp_rule_probe.py"
    bad.write_text("from scrapers import meta_cser\nimport dashboard.data\n")
    try:
        found = violations([bad], core_rule)
    finally:
        bad.unlink()
    assert len(found) == 2 and "knows no individual source" in found[0]
