"""Italian working days: Monday to Friday, national holidays excluded."""

from __future__ import annotations

import calendar
import datetime as dt

# (month, day) of the fixed national holidays.
FIXED_HOLIDAYS = ((1, 1), (1, 6), (4, 25), (5, 1), (6, 2), (8, 15), (11, 1), (12, 8), (12, 25), (12, 26))


def easter(year: int) -> dt.date:
    """Easter Sunday (Gregorian calendar, anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def holidays(year: int) -> set[dt.date]:
    """National holidays of a year, Easter Monday included."""
    return {dt.date(year, m, d) for m, d in FIXED_HOLIDAYS} | {easter(year) + dt.timedelta(days=1)}


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """'2026-10' -> the month, '2026' -> the whole year (first and last day)."""
    parts = [int(x) for x in text.strip().split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    year, month = parts
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def months_before(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` before the month of `day`."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """Working days from first to last, both included."""
    off = set().union(*(holidays(y) for y in range(first.year, last.year + 1)))
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and day not in off:
            days.append(day)
        day += dt.timedelta(days=1)
    return days
