"""find_period: a period label inside a file name, title row or page header."""

from datetime import date

import pytest

from transparency.reading.periods import find_period


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Discord-Transparency-Report-Q1-2022.zip", date(2022, 1, 1), date(2022, 3, 31)),
        ("Discord-Transparency-Report-H1-2024.zip", date(2024, 1, 1), date(2024, 6, 30)),
        ("discord-2020-h2.csv", date(2020, 7, 1), date(2020, 12, 31)),
        ("discord_2023_q3.csv", date(2023, 7, 1), date(2023, 9, 30)),
        ("Discord January-June 2024 Transparency Report CSV", date(2024, 1, 1), date(2024, 6, 30)),
        ("7 Global Transparency Report | H1 2024", date(2024, 1, 1), date(2024, 6, 30)),
        (
            "covers X Safety Enforcement for the period of January to June 2024.",
            date(2024, 1, 1),
            date(2024, 6, 30),
        ),
        ("report for Dec 2023 - Feb 2024 only", date(2023, 12, 1), date(2024, 2, 29)),
    ],
)
def test_finds_the_period(text, start, end):
    p = find_period(text)
    assert p is not None and (p.start, p.end) == (start, end)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Transparency Report CSV",
        "x-global-transparency-report-h1.pdf",
        "Summary 2024",
        "Q5 2024",
        "HQ12024",
    ],
)
def test_none_when_no_period(text):
    assert find_period(text) is None
