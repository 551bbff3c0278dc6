"""Dates and durations as people type them, parsed by vectorised polars expressions.

Each function returns an expression over one text column; normalise.py evaluates it once per
distinct cell. Nothing here guesses: a cell that fits none of the shapes below stays null (and
the rules report it as typed).
"""

from __future__ import annotations

import polars as pl

EXCEL_EPOCH = pl.date(1899, 12, 30)
# Excel serial numbers accepted as dates: 1954-10-14 .. 2173-10-14 (plausible register dates).
SERIAL_MIN, SERIAL_MAX = 20000, 100000

# Italian month names and the abbreviations people write ("02-mar-26", "2 sett. 2026").
MONTHS = {
    "gennaio": 1, "gen": 1, "febbraio": 2, "feb": 2, "marzo": 3, "mar": 3, "aprile": 4, "apr": 4,
    "maggio": 5, "mag": 5, "giugno": 6, "giu": 6, "luglio": 7, "lug": 7, "agosto": 8, "ago": 8,
    "settembre": 9, "set": 9, "sett": 9, "ottobre": 10, "ott": 10, "novembre": 11, "nov": 11,
    "dicembre": 12, "dic": 12,
}
# A time after a date, as Excel exports a date-time cell ("02/03/2026 10:05", "...10:05:00").
_TIME = r"(?:[ T]+\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?)?"
# A time value in a duration cell as calamine and xlwings render it: Excel stores 0:30 as the
# fraction 0.0208 of a day, that is a date-time on Excel's day 0 (1899-12-30, or 1899-12-31 in
# the 1900 system's count) with the time as the duration.
TIME_OF_DAY_ZERO = r"^1899-12-3[01][ T](\d{2}):(\d{2})(?::(\d{2})(?:\.0+)?)?$"


def _year(text: pl.Expr) -> pl.Expr:
    return pl.when(text.str.len_chars() == 2).then(pl.lit("20") + text).otherwise(text)


def _ymd(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    text = pl.concat_str([_year(year), month.str.zfill(2), day.str.zfill(2)], separator="-")
    return text.str.to_date("%Y-%m-%d", strict=False)


def parse_dates(column: str) -> pl.Expr:
    """Excel dates (ISO text from calamine, with or without a time), dd/mm/yyyy and d/m/yy with
    or without a time, '2 marzo 2026' and '02-mar-26', or Excel serials."""
    s = pl.col(column).str.strip_chars()
    iso = s.str.extract(r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?$", 1).str.to_date(
        "%Y-%m-%d", strict=False)
    parts = s.str.extract_groups(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})" + _TIME + "$")
    dmy = _ymd(parts.struct.field("3"), parts.struct.field("2"), parts.struct.field("1"))
    # "lunedì 2 marzo 2026", "2 mar. 2026", "02-mar-26", "2/marzo/2026"
    named = s.str.to_lowercase().str.extract_groups(
        r"^(?:[a-zàèéìòù]+,?\s+)?(\d{1,2})[\s/.\-]+([a-z]+)\.?[\s/.\-]+(\d{2}|\d{4})" + _TIME + "$")
    month = named.struct.field("2").replace_strict(MONTHS, default=None, return_dtype=pl.Int64).cast(pl.String)
    by_name = _ymd(named.struct.field("3"), month, named.struct.field("1"))
    number = s.cast(pl.Float64, strict=False)
    serial = pl.when(number.is_between(SERIAL_MIN, SERIAL_MAX) & (number == number.floor())).then(
        EXCEL_EPOCH + pl.duration(days=number.cast(pl.Int64))
    )
    return pl.coalesce(iso, dmy, by_name, serial.cast(pl.Date))


def duration_as_typed(column: str) -> pl.Expr:
    """The duration cell as the user typed it: a time value shown as '0:30', anything else as it is."""
    s = pl.col(column)
    time = s.str.extract_groups(TIME_OF_DAY_ZERO)
    hours = time.struct.field("1").cast(pl.Int64, strict=False).cast(pl.String)
    seconds = time.struct.field("3")
    shown = pl.concat_str([hours, pl.lit(":"), time.struct.field("2"),
                           pl.when(seconds.is_not_null() & (seconds != "00")).then(pl.lit(":") + seconds)
                           .otherwise(pl.lit(""))])
    return pl.when(hours.is_not_null()).then(shown).otherwise(s)


# "1 h 30", "1h30", "1h", "2 ore", "1 ora e 30", "90 minuti", "30 min", "30'", "1,5 ore"
_UNITS = (r"^(?:(\d+(?:,\d+)?)\s*(?:h|ore|ora|hr)\.?)?\s*(?:e\s+)?"
          r"(?:(\d+)\s*(?:m|min|mins|minuti|minuto|')?\.?)?$")


def parse_minutes(column: str) -> pl.Expr:
    """Minutes (Int64, null when the cell is not a positive whole number of minutes).

    Read: whole numbers ("45", "45,0"), an Italian thousands separator ("1.500" = 1500), a time
    value or text ("0:30" = 30, "1:15" = 75, seconds only when zero), and hours and minutes
    with their units ("30 min", "30'", "90 minuti", "1h30", "1 h 30", "2 ore", "1,5 ore").
    """
    s = duration_as_typed(column).str.strip_chars()
    thousands = s.str.contains(r"^\d{1,3}(?:\.\d{3})+$")
    text = pl.when(thousands).then(s.str.replace_all(".", "", literal=True)).otherwise(s)
    number = text.str.replace(",", ".").cast(pl.Float64, strict=False)
    plain = pl.when(number == number.floor()).then(number)

    clock = s.str.extract_groups(r"^(\d{1,3}):([0-5]\d)(?::(00))?$")
    clock_minutes = (clock.struct.field("1").cast(pl.Float64) * 60 + clock.struct.field("2").cast(pl.Float64))

    units = s.str.to_lowercase().str.extract_groups(_UNITS)
    h = units.struct.field("1").str.replace(",", ".").cast(pl.Float64, strict=False)
    m = units.struct.field("2").cast(pl.Float64, strict=False)
    has_unit = s.str.contains(r"(?i)[a-z']")
    in_units = (pl.when(has_unit & (h.is_not_null() | m.is_not_null()) & (h.is_null() | m.is_null() | (m < 60)))
                .then(h.fill_null(0) * 60 + m.fill_null(0)))
    in_units = pl.when(in_units == in_units.floor()).then(in_units)

    value = pl.coalesce(plain, clock_minutes, in_units)
    return pl.when((value > 0) & (value < 1e7)).then(value.cast(pl.Int64))
