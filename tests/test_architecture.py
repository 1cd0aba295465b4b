"""The layering rules of docs/architecture.md, enforced by reading every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

DASHBOARD_MAY_USE = {
    "transparency.publishing.table_download",
    "transparency.publishing.query",
    "transparency.paths",
}


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
        return "the core knows no individual source (discover them through transparency.acquisition.sources)"
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
        and not any(
            mod == m or mod.startswith(m + ".") or m.startswith(mod + ".")
            for m in DASHBOARD_MAY_USE
        )
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


# ------------------------------------------------------------------ the core's own layers

CORE = REPO / "src" / "transparency"
# The flow of docs/architecture.md, bottom to top. A layer may import itself and any layer below
# it; `accountability` and `sor` are two domains side by side (neither imports the other).
LAYER_ORDER: list[set[str]] = [
    {"paths"},
    {"reading"},
    {"acquisition"},
    {"harmonisation"},
    {"warehouse"},
    {"accountability", "sor"},
    {"build"},
    {"publishing"},
    {"cli"},
]
RANK = {name: i for i, names in enumerate(LAYER_ORDER) for name in names}


def core_modules() -> dict[str, Path]:
    """Dotted name -> file of every module of the core (packages by their __init__)."""
    found = {}
    for f in sorted(CORE.rglob("*.py")):
        parts = f.relative_to(CORE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = f
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "transparency" or len(parts) < 2 or parts[1] in {"__main__", "__init__"}:
        return None
    return parts[1]


def core_edges() -> dict[str, set[str]]:
    """Module -> the core modules it imports (an imported name resolves to its module)."""
    mods = core_modules()
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for mod, f in mods.items():
        for _, target in imports(f):
            while target and target not in mods:
                target = target.rpartition(".")[0]
            if target and target != mod and target != "transparency":
                edges[mod].add(target)
    return edges


def layer_violations(edges: dict[str, set[str]]) -> list[str]:
    out = []
    for mod, targets in edges.items():
        here = layer_of(mod)
        for t in targets:
            there = layer_of(t)
            if here is None or there is None or here == there:
                continue
            if here not in RANK or there not in RANK:
                out.append(
                    f"{mod} -> {t}: layer {here if here not in RANK else there} is not in LAYER_ORDER"
                )
            elif RANK[there] >= RANK[here]:
                out.append(f"{mod} imports {t}: {here} may not import {there} (it is not below)")
    return sorted(out)


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle among the modules, or None (iterative depth-first search)."""
    state: dict[str, int] = {}
    for root in sorted(edges):
        if state.get(root):
            continue
        stack = [(root, iter(sorted(edges[root])))]
        path = [root]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(child) == 1:
                return path[path.index(child) :] + [child]
            elif not state.get(child):
                state[child] = 1
                stack.append((child, iter(sorted(edges.get(child, ())))))
                path.append(child)
    return None


def test_every_core_folder_is_a_known_layer_with_a_docstring():
    folders = sorted(p for p in CORE.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert {p.name for p in folders} == set(RANK) - {"paths"}
    for p in folders:
        doc = ast.get_docstring(ast.parse((p / "__init__.py").read_text()))
        assert doc and len(doc) > 60, f"{p.name}/__init__.py says what belongs there"
    top = sorted(p.stem for p in CORE.glob("*.py"))
    assert top == ["__init__", "__main__", "paths"], "modules belong in a layer's folder"


def test_layers_import_only_downwards():
    assert layer_violations(core_edges()) == []


def test_no_import_cycle_in_the_core():
    assert find_cycle(core_edges()) is None


def test_the_layer_and_cycle_checks_catch_a_violation():
    edges = core_edges()
    edges["transparency.reading.numbers"].add("transparency.build.compose")
    assert layer_violations(edges) == [
        "transparency.reading.numbers imports transparency.build.compose: "
        "reading may not import build (it is not below)"
    ]
    edges["transparency.build.compose"].add("transparency.reading.numbers")
    cycle = find_cycle(edges)
    assert cycle is not None and cycle[0] == cycle[-1]
    assert {"transparency.reading.numbers", "transparency.build.compose"} <= set(cycle)


def test_no_folder_of_more_than_15_modules():
    for folder in [CORE, *(p for p in CORE.rglob("*") if p.is_dir())]:
        mods = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
        assert len(mods) <= 15, f"{folder.relative_to(REPO)} has {len(mods)} modules"


def look_alike(stems: list[str]) -> list[tuple[str, str]]:
    """Pairs of names equal but for an ending (exports / exporting, record / records)."""
    import re

    def root(name: str) -> str:
        return re.sub(r"e?(s|es|ing|ed|er|ers|ion|ions)?$", "", name)

    return [(a, b) for a in stems for b in stems if a < b and root(a) == root(b)]


def test_no_look_alike_module_names():
    stems = sorted({p.stem for p in CORE.rglob("*.py")} - {"__init__", "__main__"})
    assert look_alike(stems) == []
    assert look_alike(["exports", "exporting", "scrape", "scrape_commands"]) == [
        ("exporting", "exports")
    ]
