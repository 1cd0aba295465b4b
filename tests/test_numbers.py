import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transparency.reading.numbers import NumberError, parse_number


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ('"25,700,000"', 25_700_000, ""),
        ("25,700,000", 25_700_000, ""),
        ("99.50%", 0.995, ""),
        ("0.05%", 0.0005, ""),
        ("0.998", 0.998, ""),
        ("N/A", None, ""),
        ("--", None, ""),
        ("", None, ""),
        ("15,935*", 15_935, "footnote"),
        ("4%-5%", 0.04, "range"),
        ("<10", None, "censored"),
        ("43086543.0", 43_086_543, ""),
        ("85,680,819", 85_680_819, ""),
        ("35.852.803", 35_852_803, ""),
        ("45M", 45_000_000, "approx"),
        ("over 3.7 million", 3_700_000, "lower_bound"),
        ("0", 0, ""),
        (1234, 1234, ""),
    ],
)
def test_printed_numbers(text, value, qualifier):
    n = parse_number(text)
    assert n.value == (pytest.approx(value) if value is not None else None)
    assert n.qualifier == qualifier


@pytest.mark.parametrize("text", ["abc", "12 apples", "1,2,3,4", "%"])
def test_text_is_not_a_number(text):
    with pytest.raises(NumberError):
        parse_number(text)


@given(st.text(max_size=30))
def test_any_text_parses_or_raises_number_error(text):
    with contextlib.suppress(NumberError):
        parse_number(text)
