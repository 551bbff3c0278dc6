"""Total rows: a register's own "Totale" line, left out of the rows to check.

A row is a total when it has no codice fiscale and no service code and either a cell (outside
Note) says Totale/Totali/Tot. or a cell holds a SUM/SUBTOTAL formula (read/cells.py). A cached
result is not a code: the Codice servizio cell of a total may hold a number (LibreOffice saves
the SUM's value) or the label itself. A service row whose Note says "totale" is an ordinary row.
"""

from __future__ import annotations

import polars as pl

LABEL = r"(?i)^\s*(?:tot\.?|totale|totali)(?:\s+[\w\s.']*)?\s*:?\s*$"


def total_rows(body: pl.DataFrame, present: dict[str, str], formulas: dict[str, list[int]], row_number: str,
               ) -> pl.Expr:
    """An expression over body (raw columns plus row_number, the Excel row) true on its total rows.

    present: contract name -> raw column; formulas: raw column -> Excel rows where it holds a
    total formula."""
    note = present.get("Note")
    row = pl.col(row_number)

    def formula(column: str) -> pl.Expr:
        return row.is_in(formulas[column]) if formulas.get(column) else pl.lit(False)

    def label(column: str) -> pl.Expr:
        return pl.col(column).str.contains(LABEL).fill_null(False)

    def blank(column: str | None, numbers: bool) -> pl.Expr:
        if column is None:
            return pl.lit(True)
        text = pl.col(column).str.strip_chars()
        empty = text.is_null() | (text == "") | label(column) | formula(column)
        return empty | text.str.contains(r"^[\d.,\s-]+$").fill_null(False) if numbers else empty

    raw = [c for c in body.columns if c != row_number]
    said = pl.any_horizontal([label(c) for c in raw if c != note] or [pl.lit(False)])
    summed = pl.any_horizontal([formula(c) for c in raw] or [pl.lit(False)])
    return (said | summed) & blank(present.get("Codice fiscale"), False) & blank(present.get("Codice servizio"), True)
