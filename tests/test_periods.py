from datetime import date

import pytest

from transparency.reading.periods import PeriodError, parse_period


@pytest.mark.parametrize(
    ("label", "start", "end", "canonical"),
    [
        ("2023Q4", date(2023, 10, 1), date(2023, 12, 31), "2023-Q4"),
        ("2021 Q2", date(2021, 4, 1), date(2021, 6, 30), "2021-Q2"),
        ("Q3 2022", date(2022, 7, 1), date(2022, 9, 30), "2022-Q3"),
        ("Oct-Dec 2023", date(2023, 10, 1), date(2023, 12, 31), "2023-Q4"),
        ("Jul-Sep 2020", date(2020, 7, 1), date(2020, 9, 30), "2020-Q3"),
        ("Jul - Dec 2020", date(2020, 7, 1), date(2020, 12, 31), "2020-H2"),
        ("January - June 2023", date(2023, 1, 1), date(2023, 6, 30), "2023-H1"),
        ("Jan - Jun 2022", date(2022, 1, 1), date(2022, 6, 30), "2022-H1"),
        ("July-December 2021", date(2021, 7, 1), date(2021, 12, 31), "2021-H2"),
        ("H1 2024", date(2024, 1, 1), date(2024, 6, 30), "2024-H1"),
        ("2024-H1", date(2024, 1, 1), date(2024, 6, 30), "2024-H1"),
        ("2025-07-01/2025-12-31", date(2025, 7, 1), date(2025, 12, 31), "2025-H2"),
        ("2019", date(2019, 1, 1), date(2019, 12, 31), "2019"),
        ("March 2024", date(2024, 3, 1), date(2024, 3, 31), "2024-03"),
        ("Sept 2021", date(2021, 9, 1), date(2021, 9, 30), "2021-09"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
        ("2024-03-05", date(2024, 3, 5), date(2024, 3, 5), "2024-03-05"),
        ("Dec 2023 - Feb 2024", date(2023, 12, 1), date(2024, 2, 29), "2023-12-01/2024-02-29"),
    ],
)
def test_every_label_format(label, start, end, canonical):
    p = parse_period(label)
    assert (p.start, p.end, p.label()) == (start, end, canonical)


@pytest.mark.parametrize(
    "label", ["", "2023Q5", "H3 2024", "Foo 2020", "2024-13", "2025-12-31/2025-07-01"]
)
def test_bad_labels_name_themselves(label):
    with pytest.raises(PeriodError, match="period|month|ends"):
        parse_period(label)
