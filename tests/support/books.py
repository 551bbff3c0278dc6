"""Real xlwings Books built from sheet values, as the Excel clients send them."""

from __future__ import annotations

import datetime as dt

import xlwings as xw


def _json_value(v):
    # xlwings' JSON protocol carries dates as ISO strings ending in "Z".
    if isinstance(v, dt.datetime):
        return v.isoformat() + ".000Z"
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day).isoformat() + ".000Z"
    return v


def make_book(sheets: dict[str, list[list]], name: str = "registro.xlsx", client: str = "VBA") -> xw.Book:
    """A Book whose sheets hold the given values (anchored at A1)."""
    payload = {
        "client": client,
        "version": xw.__version__,
        "book": {"name": name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": [
            {"name": n, "values": [[_json_value(v) for v in row] for row in rows] or [[]], "tables": [], "pictures": []}
            for n, rows in sheets.items()
        ],
    }
    return xw.Book(json=payload)


def actions(book) -> list[dict]:
    """The actions the Book would send back to Excel."""
    return book.json()["actions"]
