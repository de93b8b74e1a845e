"""govkit.util.timeutil: the UTC timestamp formats and their parsers."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from govkit.util import timeutil as tu

T = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC).timestamp()  # 1714564800.123456


def test_iso_from_datetime_float_and_now():
    assert tu.iso(datetime(2024, 5, 1, 12, 0, 0, 123999, tzinfo=UTC)) == "2024-05-01T12:00:00.123Z"
    # another zone is converted to UTC
    cest = timezone(timedelta(hours=2))
    assert tu.iso(datetime(2024, 5, 1, 14, 0, 0, tzinfo=cest)) == "2024-05-01T12:00:00.000Z"
    assert tu.iso(0) == "1970-01-01T00:00:00.000Z"
    assert tu.iso(T) == "2024-05-01T12:00:00.123Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", tu.iso())


def test_microsecond_stamps():
    assert tu.iso_us(T) == "2024-05-01T12:00:00.123456Z"
    assert tu.compact_us(T) == "20240501T120000.123456Z"
    assert tu.compact_seconds(T) == "20240501120000"
    assert tu.token_stamp(T) == "010520241200"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", tu.iso_us())


def test_iso_us_sorts_as_text():
    stamps = [tu.iso_us(T + d) for d in (0, 0.000001, 0.5, 59, 3600)]
    assert stamps == sorted(stamps)


@pytest.mark.parametrize("text, want", [
    ("2024-05-01T12:00:00Z", datetime(2024, 5, 1, 12, tzinfo=UTC)),
    ("2024-05-01T12:00:00.123z", datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=UTC)),
    ("  2024-05-01T14:00:00+02:00 ", datetime(2024, 5, 1, 12, tzinfo=UTC)),
    ("2024-05-01T07:00:00-05:00", datetime(2024, 5, 1, 12, tzinfo=UTC)),
])
def test_parse_iso_accepts_aware_times(text, want):
    got = tu.parse_iso(text)
    assert got == want and got.tzinfo is not None


@pytest.mark.parametrize("value", [None, "", "   ", "2024-05-01T12:00:00", "2024-05-01",
                                   "yesterday", "2024-13-01T00:00:00Z", 1714564800, ["2024"]])
def test_parse_iso_rejects_naive_garbage_and_non_strings(value):
    assert tu.parse_iso(value) is None


@pytest.mark.parametrize("text, want", [
    ("2024-05-01", "2024-05-01T00:00:00.000000Z"),
    ("2024-05-01T12:30", "2024-05-01T12:30:00.000000Z"),
    ("2024-05-01T14:30:00+02:00", "2024-05-01T12:30:00.000000Z"),
    (" 2024-05-01T12:30:00.5 ", "2024-05-01T12:30:00.500000Z"),
    ("last week", None),
    ("", None),
])
def test_parse_since(text, want):
    assert tu.parse_since(text) == want


def test_parse_since_output_compares_with_iso_us():
    assert tu.parse_since("2024-05-01T12:00") < tu.iso_us(T) < tu.parse_since("2024-05-01T12:01")


NOW = datetime(2024, 5, 1, 12, tzinfo=UTC).timestamp()


def test_ts_problem_ok_for_past_and_small_skew():
    assert tu.ts_problem({"timestamp": "2024-05-01T11:00:00Z"}, "refine", NOW) is None
    ahead = tu.iso(NOW + tu.CLOCK_SKEW_TOLERANCE - 1)
    assert tu.ts_problem({"timestamp": ahead}, "refine", NOW) is None


@pytest.mark.parametrize("entry", [{}, {"timestamp": None}, {"timestamp": "soon"},
                                   {"timestamp": "2024-05-01T12:00:00"}])
def test_ts_problem_missing_or_garbage(entry):
    msg = tu.ts_problem(entry, "sign", NOW)
    assert msg.startswith("sign timestamp ")
    assert "missing or not an ISO-8601 UTC time" in msg
    assert repr(entry.get("timestamp")) in msg


def test_ts_problem_future_beyond_tolerance():
    raw = tu.iso(NOW + 120)
    msg = tu.ts_problem({"timestamp": raw}, "prepare", NOW)
    assert msg == (f"prepare timestamp {raw} is 120s in the future (clock skew?); "
                   "fix the clock or the record")
