"""Period labels the web sources print: days, day ranges, year-to-date readings, period-end slugs."""

from datetime import date

import pytest

from transparency.reading.periods import PeriodError, half_ending, parse_period, year_to_date


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2021-6-30", date(2021, 6, 30), date(2021, 6, 30)),  # Snap period-end slug
        ("23 March 2024", date(2024, 3, 23), date(2024, 3, 23)),  # Telegram chart day
        ("March 23, 2024", date(2024, 3, 23), date(2024, 3, 23)),
        ("Mar 23 2024", date(2024, 3, 23), date(2024, 3, 23)),
        ("July 1, 2023 – December 31, 2023", date(2023, 7, 1), date(2023, 12, 31)),
        ("1 July 2023 - 31 December 2023", date(2023, 7, 1), date(2023, 12, 31)),
        ("2023-07-01 to 2023-12-31", date(2023, 7, 1), date(2023, 12, 31)),
        ("YTD 2024-12-11", date(2024, 1, 1), date(2024, 12, 11)),  # Telegram year-to-date reading
        ("2024 YTD to 2024-12-11", date(2024, 1, 1), date(2024, 12, 11)),
        ("year-to-date as of 11 December 2024", date(2024, 1, 1), date(2024, 12, 11)),
        ("January–June 2020", date(2020, 1, 1), date(2020, 6, 30)),  # Google CSAM dropdown
        ("Oct–Dec 2023", date(2023, 10, 1), date(2023, 12, 31)),  # YouTube UI
        ("July to December 2023", date(2023, 7, 1), date(2023, 12, 31)),  # Reddit title
        ("h2-2023", date(2023, 7, 1), date(2023, 12, 31)),  # Snap page slug
    ],
)
def test_web_source_labels(label, start, end):
    p = parse_period(label)
    assert (p.start, p.end) == (start, end)


def test_existing_labels_unchanged():
    assert parse_period("2024-03-05").label() == "2024-03-05"
    assert parse_period("Jul - Dec 2020").label() == "2020-H2"
    assert parse_period("Dec 2023 - Feb 2024").label() == "2023-12-01/2024-02-29"


@pytest.mark.parametrize(
    "label",
    ["2023 YTD to 2024-12-11", "YTD March 2024", "Foo - Bar", "2024-02-30", "July 1, 2023 – foo"],
)
def test_bad_web_labels(label):
    with pytest.raises(PeriodError):
        parse_period(label)


def test_helpers():
    assert year_to_date(date(2025, 12, 5)).label() == "2025-01-01/2025-12-05"
    assert half_ending(date(2021, 6, 30)).label() == "2021-H1"
    assert half_ending(date(2019, 12, 31)).label() == "2019-H2"
    with pytest.raises(PeriodError):
        half_ending(date(2021, 5, 31))
