"""`transparency actions`: the CSV contract and the filters."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

from tests.conftest import REPO

HEADER = "case_id,date,regulator,jurisdiction,platform,action_type,amount,currency,amount_eur,status,source_url"


def run(*args: str, home) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}",
        "COLUMNS": "200",
        "TRANSPARENCY_HOME": str(home),
    }
    return subprocess.run(
        [sys.executable, "-m", "transparency", *args], capture_output=True, text=True, env=env
    )


def test_actions_csv_contract_and_filters(isolated_home):
    assert run("build", "--quiet", home=isolated_home).returncode == 0
    p = run("actions", "--format", "csv", home=isolated_home)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    register = (REPO / "data/registers/regulator_actions.csv").read_text(encoding="utf-8")
    assert len(rows) == len(register.splitlines()) - 1
    telegram = [
        r for r in rows if r["platform"] == "telegram" and r["action_type"] == "infringement_notice"
    ]
    assert telegram == [
        {
            "case_id": "au_esafety-telegram-bose-tvem-2024",
            "date": "2025-02-24",
            "regulator": "eSafety Commissioner",
            "jurisdiction": "AU",
            "platform": "telegram",
            "action_type": "infringement_notice",
            "amount": "957780",
            "currency": "AUD",
            "amount_eur": f"{957780 / 1.6434:.2f}",
            "status": telegram[0]["status"],
            "source_url": "https://newshub.medianet.com.au/2025/11/telegram-discontinues-its-federal-court-challenge-to-esafety-reporting-notice/129800",
        }
    ]
    # a month-precision action prints as YYYY-MM
    assert "2025-07" in [
        r["date"] for r in rows if r["regulator"] == "Coimisiún na Meán" and r["platform"] == "x"
    ]

    x = list(
        csv.DictReader(
            io.StringIO(
                run(
                    "actions",
                    "--format",
                    "csv",
                    "--platform",
                    "X Corp",
                    "--regulator",
                    "eSafety",
                    home=isolated_home,
                ).stdout
            )
        )
    )
    assert [(r["date"], r["action_type"]) for r in x] == [
        ("2023-02-22", "transparency_notice"),
        ("2023-10-03", "infringement_notice"),
        ("2023-12-21", "court_proceedings"),
        ("2024-03-19", "transparency_notice"),
        ("2024-04-16", "removal_notice"),
        ("2024-10-04", "court_judgment"),
        ("2025-07-31", "court_judgment"),
        ("2026-05-21", "court_penalty"),
    ]
    ofcom = run("actions", "--format", "csv", "--regulator", "uk_ofcom", home=isolated_home).stdout
    assert len(ofcom.splitlines()) == 1 + 38


def test_actions_table_help_and_missing_warehouse(isolated_home):
    p = run("actions", "--help", home=isolated_home)
    assert p.returncode == 0 and "--platform" in p.stdout and "--format" in p.stdout
    p = run("actions", home=isolated_home)
    assert p.returncode == 2 and "run `transparency build` first" in p.stderr
    run("build", "--quiet", home=isolated_home)
    p = run("actions", "--platform", "telegram", home=isolated_home)
    assert p.returncode == 0 and "infringement_notice" in p.stdout and "957,780 AUD" in p.stdout
