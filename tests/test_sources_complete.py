"""Walk every declared source: declaration complete, a parser test, documented coverage, and a
fixture whose every label has a harmonised mapping."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import FIXTURES, REPO
from transparency.acquisition.sources import REQUIRED_FIELDS, all_sources
from transparency.harmonisation import registries
from transparency.harmonisation.normalise import Context, normalise
from transparency.reading.records import ParseError

SOURCES = sorted(all_sources())


@pytest.fixture(scope="module")
def reg():
    return registries.load()


@pytest.mark.parametrize("source_id", SOURCES)
def test_declaration_is_complete(source_id):
    decl = all_sources()[source_id].decl
    empty = [f for f in REQUIRED_FIELDS if not getattr(decl, f)]
    assert empty == [], f"{source_id}: empty declaration field(s) {empty}"
    assert decl.download_urls or decl.hosts, f"{source_id}: no download URLs or hosts"


# Fixtures that are not reports (a landing page, a JS bundle fetch reads) or that are
# deliberately malformed: each must raise ParseError, saying this; every other fixture must parse.
NOT_PARSEABLE = {
    "discord_transparency": {"landing-page.html": "no table header row"},
    "dsa_harmonised_reports": {
        "snap_quirks_V1/7_appeals_and_recidivism.csv": "no reporting period"
    },
    "google_csam": {"http/app.js": "guard", "http/landing.html": "guard"},
    "reddit_transparency": {"http/hub.html": "no report period"},
    "snap_transparency": {"http/landing.html": "no report period"},
}


@pytest.mark.parametrize("source_id", SOURCES)
def test_has_a_parser_test_and_docs(source_id):
    test_file = REPO / "tests" / "sources" / f"test_{source_id}.py"
    assert test_file.exists(), f"{source_id}: no parser test tests/sources/test_{source_id}.py"
    text = test_file.read_text()
    assert "def test_" in text and "parse" in text, f"{source_id}: its test never parses"
    module = all_sources()[source_id].module
    assert len((module.__doc__ or "").strip()) > 40, (
        f"{source_id}: the module docstring must document coverage"
    )


@pytest.mark.parametrize(
    "source_id", [s for s in SOURCES if getattr(all_sources()[s].module, "OBSERVATIONS", True)]
)
def test_fixture_labels_are_all_mapped(source_id, reg):
    src = all_sources()[source_id]
    files = [
        p
        for p in sorted((FIXTURES / source_id).rglob("*"))
        if p.is_file() and p.suffix not in (".md", ".py")
    ]
    assert files, f"{source_id}: no fixture in tests/fixtures/{source_id}/"
    parsed = 0
    expected_errors = NOT_PARSEABLE.get(source_id, {})
    rels = {f.relative_to(FIXTURES / source_id).as_posix() for f in files}
    assert set(expected_errors) <= rels, f"{source_id}: listed but missing fixtures"
    for f in files:
        rel = f.relative_to(FIXTURES / source_id).as_posix()
        if rel in expected_errors:
            with pytest.raises(ParseError, match=expected_errors[rel]):
                src.parse(f)
            continue
        result = src.parse(f)  # a fixture that stops parsing fails here, naming it
        parsed += 1
        _, findings = normalise(
            result.records,
            reg,
            Context(source_id, src.decl.reporter, "x", date(2024, 1, 1), f.name),
        )
        unmapped = [str(x) for x in findings if x.check == "unmapped_label"]
        assert unmapped == [], f"{source_id}: {f.name} has unmapped labels: {unmapped[:5]}"
    assert parsed, f"{source_id}: no fixture parses"
