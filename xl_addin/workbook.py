"""Reading and writing an open workbook through the xlwings API subset that classic xlwings,
xlwings Server and xlwings Lite share (values, colours, sheets, hyperlinks, alerts).

Writes are batched (one block per column or table): per-cell writes are slow in xlwings.
Nothing here imports polars at module level, so the Book helpers also work in a Pyodide without it.
"""

from __future__ import annotations

from pathlib import Path

from registro.validators.render import outcome  # values only: no polars
# Where the outcome goes in the values of a sheet (esito_column and header_layout are offered here too).
from registro.validators.render.addin import esito_column, header_layout, register_sheet, same_name  # noqa: F401
from registro.validators.render.addin import excel_value


def colour(rgb: str) -> str:
    """An outcome colour (RRGGBB, registro.validators.render.outcome) as xlwings writes it (#RRGGBB)."""
    return f"#{rgb}"


RED, YELLOW, GREEN = (colour(c) for c in (outcome.RED, outcome.YELLOW, outcome.GREEN))
SEVERITY_COLOUR = {severity: colour(c) for severity, c in outcome.SEVERITY_COLOUR.items()}


def find_sheet(book, name: str | None = None):
    """The sheet called name (default: the register's, any case), or the only sheet; None if absent."""
    sheets = list(book.sheets)
    found = register_sheet([s.name for s in sheets], name)
    return None if found is None else sheets[found]


def sheet_values(sheet) -> list[list]:
    """All cell values from A1 to the last used cell, as a 2-D list."""
    last = sheet.used_range.last_cell
    values = sheet.range((1, 1), (max(last.row, 1), max(last.column, 1))).options(ndim=2).value
    return values or [[]]


def sheet_merged(sheet, height: int, width: int) -> list[tuple[int, int, int, int]]:
    """The merged ranges of the sheet's first height x width cells, 0-based (first row, first
    column, last row, last column); [] where the client cannot say (xlwings Server and Lite read
    merge areas only asynchronously): then a merged range's value stays in its first cell."""
    found: dict[tuple[int, int], tuple[int, int, int, int]] = {}

    def scan(column: int, top: int, bottom: int) -> None:
        # Halving a column costs a few calls per merged range, not one call per cell.
        while top <= bottom and sheet.range((top, column), (bottom, column)).merge_cells is not False:
            cell = sheet.range((top, column))
            if cell.merge_cells:
                area = cell.merge_area
                last = area.last_cell
                found.setdefault((area.row, area.column), (area.row - 1, area.column - 1, last.row - 1, last.column - 1))
                top = last.row + 1
                continue
            if top == bottom:
                return
            middle = (top + bottom) // 2
            scan(column, top + 1, middle)
            top = middle + 1

    try:
        for column in range(1, width + 1):
            scan(column, 1, height)
    except Exception:  # NotImplementedError on the remote clients; any client error: values as they are
        return []
    return sorted(found.values())


def sheet_formulas(sheet, height: int, width: int) -> list[list] | None:
    """The formulas of the sheet's first height x width cells (None where the client cannot read them)."""
    try:
        formulas = sheet.range((1, 1), (max(height, 1), max(width, 1))).formula
    except Exception:  # NotImplementedError on xlwings Server and Lite
        return None
    if isinstance(formulas, str):
        return [[formulas]]
    return [list(row) if isinstance(row, (list, tuple)) else [row] for row in formulas]


def write_column(sheet, row: int, column: int, values: list) -> None:
    """Write values downwards from (row, column) in one action."""
    if values:
        sheet.range((row, column)).options(transpose=True).value = [excel_value(v) for v in values]


def replace_sheet(book, name: str, after):
    """Delete the sheet called name if present and add a fresh one after `after`."""
    for s in list(book.sheets):
        if same_name(s.name, name):
            s.delete()
    return book.sheets.add(name, after=after)


def write_table(sheet, rows: list[list], top_left: tuple[int, int] = (1, 1), text: bool = False,
                table: str | None = None) -> None:
    """Write a 2-D block in one action (rows padded to the same width).

    text=True formats the block as text first: Excel would read a code like the partita IVA
    00743110157 written into a General cell as the number 743110157. table names the block as an
    Excel table (header row with filter buttons, banded rows) when it has data rows: the classic
    add-in's VBA and xlwings Lite both run that action. Freeze panes and page setup are left out:
    the classic add-in's VBA (xlwings 0.37.8 Remote.bas) has no such actions and stops at one it
    does not know; whether xlwings Lite runs them cannot be checked without Excel."""
    if not rows:
        return
    width = max(len(r) for r in rows)
    block = sheet.range(top_left).resize(len(rows), width)
    if text:
        block.number_format = "@"
    sheet.range(top_left).value = [[excel_value(v) for v in r] + [None] * (width - len(r)) for r in rows]
    if table and len(rows) > 1:
        sheet.tables.add(source=block, name=table, has_headers=True, table_style_name=TABLE_STYLE)


TABLE_STYLE = "TableStyleLight9"  # plain banding and a dark header, legible when printed


def book_folder(book) -> Path | None:
    """The folder of the workbook file, or None where there is no file system (xlwings Lite, Server)."""
    try:
        path = Path(book.fullname)
    except Exception:  # noqa: BLE001 - engines without files raise their own errors
        return None
    return path.parent if path.is_absolute() and path.parent.is_dir() else None
