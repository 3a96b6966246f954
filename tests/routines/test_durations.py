import pytest
from hypothesis import given
from hypothesis import strategies as st

from coach.routines.durations import format_clock, format_duration, parse_duration


@pytest.mark.parametrize("text, seconds", [
    ("90s", 90), ("5m", 300), ("1m30s", 90), ("1h", 3600), ("1h2m3s", 3723), (" 2m ", 120),
    ("1.5m", 90),
])
def test_parse(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["", "5", "m", "-3m", "5 minutes", "0s", 0, -1, True, None, [],
                                 "1m1h", "nan", 45, 2.5, "0x10",
                                 "9" * 400 + "m"])
def test_parse_rejects(bad):
    with pytest.raises(ValueError):
        parse_duration(bad)


def test_negative_message_names_the_value():
    with pytest.raises(ValueError, match="must be positive, got -3m"):
        parse_duration("-3m")


@given(st.integers(min_value=1, max_value=4 * 3600))
def test_format_round_trips(seconds):
    assert parse_duration(format_duration(seconds)) == seconds


def test_format_clock():
    assert format_clock(0) == "00:00"
    assert format_clock(61.9) == "01:01"
    assert format_clock(3725) == "1:02:05"


@pytest.mark.parametrize("bare, hint", [(5, "write 5m for minutes or 5s for seconds"),
                                        ("5", "write 5m for minutes or 5s for seconds"),
                                        ("0x10", "write 5m for minutes"),
                                        ("1" * 400, "write 5m for minutes")])
def test_a_bare_number_asks_for_a_unit(bare, hint):
    with pytest.raises(ValueError, match="needs a unit") as err:
        parse_duration(bare)
    assert hint in str(err.value) and len(str(err.value)) < 200
