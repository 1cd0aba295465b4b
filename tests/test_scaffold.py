"""`transparency new-source` writes a source whose own test passes straight away."""

import subprocess
import sys

from transparency.acquisition.scaffold import scaffold


def test_scaffolded_source_parses_and_its_test_passes(tmp_path):
    root = tmp_path / "repo"
    written = scaffold("demo_source", "Demo Inc.", "Demo report", "Example", root=root)
    rel = sorted(str(p.relative_to(root)) for p in written)
    assert rel == [
        "data/labels/demo_source.csv",
        "scrapers/demo_source.py",
        "tests/fixtures/demo_source/README.md",
        "tests/fixtures/demo_source/sample.csv",
        "tests/sources/test_demo_source.py",
    ]
    code = (root / "scrapers" / "demo_source.py").read_text()
    compile(code, "demo_source.py", "exec")
    # run the generated parser on the generated fixture, in a subprocess with the scaffold on the path
    probe = (
        "import importlib.util, sys; from pathlib import Path\n"
        f"spec = importlib.util.spec_from_file_location('demo_source', {str(root / 'scrapers' / 'demo_source.py')!r})\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        f"r = m.parse(Path({str(root / 'tests' / 'fixtures' / 'demo_source' / 'sample.csv')!r}))\n"
        "print(r.records[0].value, r.records[0].period_start)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "1234.0 2024-01-01"
