"""Censored values printed as percentages (X: ``<0.0001%``) are censored, not errors."""

import pytest

from transparency.reading.numbers import parse_number


@pytest.mark.parametrize("text", ["<0.0001%", "< 0.01 %", "<10", "≤5%"])
def test_censored_percent(text):
    n = parse_number(text)
    assert (n.value, n.qualifier) == (None, "censored")
