"""Documentation that must not go stale: every CLI command in the README, every reliability test
in docs/reliability.md, every declared source in the generated catalogue with a docstring."""

from __future__ import annotations

import ast
import re

import typer.main

from tests.conftest import REPO
from transparency.acquisition.sources import all_sources
from transparency.cli.main import app


def command_names() -> list[str]:
    group = typer.main.get_group(app)
    names = []
    for name, cmd in group.commands.items():
        sub = getattr(cmd, "commands", None)
        names += [f"{name} {s}" for s in sub] if sub else [name]
    return sorted(names)


def test_every_command_is_in_the_readme():
    readme = (REPO / "README.md").read_text()
    missing = [c for c in command_names() if f"transparency {c}" not in readme]
    assert missing == [], f"commands missing from README.md: {missing}"


def test_every_reliability_test_is_in_the_report():
    marked = set()
    for path in (REPO / "tests").rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and any(
                "reliability" in ast.unparse(d) for d in node.decorator_list
            ):
                marked.add(node.name)
    report = (REPO / "docs" / "reliability.md").read_text()
    listed = set(re.findall(r"::(test_\w+)", report))
    assert marked - listed == set(), (
        "regenerate docs/reliability.md (scripts/reliability_report.py)"
    )


def test_every_source_documents_its_coverage():
    for sid, src in all_sources().items():
        doc = (src.module.__doc__ or "").strip()
        assert len(doc) > 40, f"{sid}: the module docstring must say what is and is not covered"
        assert src.decl.coverage, f"{sid}: declaration has no coverage"
