"""Registers in the shapes offices give them: merged cells, total rows, descriptive columns.

Rows are lists in the order of a header; a cell is a value, or `Formula(text, cached)`. Merged
ranges are (first row, column, last row) in 1-based sheet coordinates, vertical (the shapes
people make: the Data of a day, the Sede of a block).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from tests.support.registri import ods_package


@dataclass(frozen=True)
class Formula:
    """A formula cell: Excel text ("=SUM(H2:H9)") and the value a program cached for it (or None)."""

    text: str
    cached: object = None


def merged_runs(rows: list[list], column: int, first_row: int) -> list[tuple[int, int, int]]:
    """The runs of equal, non-empty values of a column (0-based) as merged ranges (1-based rows)."""
    runs, start = [], 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i][column] != rows[start][column] or rows[start][column] is None:
            if i - start > 1 and rows[start][column] is not None:
                runs.append((first_row + start, column + 1, first_row + i - 1))
            start = i
    return runs


def blank_merged(rows: list[list], merges: list[tuple[int, int, int]], first_row: int) -> list[list]:
    """The rows as a merged sheet holds them: only the first cell of each range keeps its value."""
    out = [list(r) for r in rows]
    for r1, c, r2 in merges:
        for r in range(r1 + 1, r2 + 1):
            out[r - first_row][c - 1] = None
    return out


def write_xlsx(path: Path, header: list, rows: list[list], merges=(), *, title: str | None = None) -> Path:
    """An .xlsx as Excel saves it; formulas get the value LibreOffice would cache, if given."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Registro"
    if title:
        ws.append([title])
    ws.append(header)
    cached = {}
    for r in rows:
        ws.append([c.text if isinstance(c, Formula) else c for c in r])
        for j, c in enumerate(r, start=1):
            if isinstance(c, Formula) and c.cached is not None:
                cached[f"{get_column_letter(j)}{ws.max_row}"] = c.cached
    for r1, c, r2 in merges:
        ws.merge_cells(start_row=r1, start_column=c, end_row=r2, end_column=c)
    wb.save(path)
    if cached:
        _cache_values(path, cached)
    return path


def _cache_values(path: Path, cached: dict[str, object]) -> None:
    """Put the cached results into the formula cells (openpyxl writes formulas without them)."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    for ref, value in cached.items():
        xml = re.sub(rf'(<c r="{ref}"[^>]*>\s*<f>[^<]*</f>)\s*(?:<v\s*/>|<v>[^<]*</v>)?', rf"\g<1><v>{value}</v>", xml)
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def _ods_cell(value, span: int) -> str:
    spanned = f' table:number-rows-spanned="{span}" table:number-columns-spanned="1"' if span > 1 else ""
    if isinstance(value, Formula):
        ods = "of:=" + re.sub(r"([A-Z]+\d+)", r".\1", value.text.lstrip("=")).replace("(", "([").replace(")", "])")
        cached = value.cached if value.cached is not None else 0
        return (f'<table:table-cell table:formula="{escape(ods)}" office:value-type="float" office:value="{cached}"'
                f"{spanned}><text:p>{cached}</text:p></table:table-cell>")
    if value is None:
        return f"<table:table-cell{spanned}/>"
    if isinstance(value, dt.date):
        return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}"{spanned}>'
                f"<text:p>{value:%d/%m/%Y}</text:p></table:table-cell>")
    if isinstance(value, (int, float)):
        return (f'<table:table-cell office:value-type="float" office:value="{value}"{spanned}>'
                f"<text:p>{value}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"{spanned}><text:p>{escape(str(value))}</text:p></table:table-cell>'


def write_ods(path: Path, header: list, rows: list[list], merges=()) -> Path:
    """An .ods as LibreOffice saves it: merged ranges as spanned and covered cells, formulas with their value."""
    grid = [list(header)] + [list(r) for r in rows]
    spans = {(r1 - 1, c - 1): r2 - r1 + 1 for r1, c, r2 in merges}
    covered = {(r - 1, c - 1) for r1, c, r2 in merges for r in range(r1 + 1, r2 + 1)}
    body = "".join(
        "<table:table-row>" + "".join("<table:covered-table-cell/>" if (i, j) in covered else _ods_cell(v, spans.get((i, j), 1))
                                      for j, v in enumerate(row)) + "</table:table-row>"
        for i, row in enumerate(grid))
    return ods_package(path, body)


def write_csv(path: Path, header: list, rows: list[list], *, encoding: str = "utf-8-sig") -> Path:
    """A CSV as Italian Excel exports it (';', dates dd/mm/yyyy); formulas give their cached value."""
    def text(v):
        if isinstance(v, Formula):
            v = v.cached
        if v is None:
            return ""
        return v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v

    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(header)
        w.writerows([text(v) for v in r] for r in rows)
    return path
