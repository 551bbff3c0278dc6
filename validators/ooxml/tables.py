"""How every output workbook looks and prints: one font, wrapped bold headers, widths from the
content with a cap, an autofilter and a frozen header on every table, A4 fitted to one page wide
with the header repeated on each page.

Used by the report, the rejects, the JA .xlsx and the totals workbook (both write-only and normal
openpyxl sheets). Without a font name a bold header is drawn in the application's default font
(Cambria beside Calibri in LibreOffice): every Font here names FONT.
"""

from __future__ import annotations

import math
from copy import copy
from dataclasses import dataclass

from registro.validators.ooxml.refs import column_letter
from registro.validators.ooxml.text import stored_value
from registro.validators.output import defuse

FONT = "Calibri"
HEADER_FILL = "DDEBF7"
SAMPLE_ROWS = 2000  # widths are measured on the first rows: a 300,000-row report needs no full scan
# A table longer than this is filtered, not printed: its data cells stay plain (no wrap, no row
# heights), which halves the time openpyxl takes to write 300,000 problems.
STYLED_ROWS = 20_000
MIN_WIDTH, DEFAULT_CAP = 6, 40


@dataclass(frozen=True)
class Col:
    """One table column: header, widest width, wrapped text, number format (None: General)."""

    header: str
    cap: float = DEFAULT_CAP
    wrap: bool = False
    number_format: str | None = None
    text: bool = False  # cells kept as text ('@'): codes like 00743110157 must not become numbers
    printed: bool = True  # False for the last columns, for machines (rule ids): left out of the print area


def cell_value(value):
    """What an openpyxl cell of an output is given: a formula-like text defused, any text stored as
    Excel stores it (ooxml.text.stored: openpyxl refuses control characters)."""
    return stored_value(defuse(value))


def font(bold: bool = False, size: float = 11, **kw):
    """The one font of the outputs."""
    from openpyxl.styles import Font

    return Font(name=FONT, size=size, bold=bold, **kw)


def header_style() -> dict:
    """Bold, filled, wrapped, top-aligned: a long header wraps instead of being cut."""
    from openpyxl.styles import Alignment, PatternFill

    return {"font": font(bold=True), "fill": PatternFill("solid", fgColor=HEADER_FILL),
            "alignment": Alignment(wrap_text=True, vertical="top")}


def _length(value) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    if isinstance(value, int):
        return len(f"{value:,}")
    return max((len(line) for line in str(value).split("\n")), default=0)


def widths(cols: list[Col], rows) -> list[float]:
    """Column widths from the header's longest word and the first rows' values, within each cap."""
    out = []
    for j, c in enumerate(cols):
        longest = max([len(w) for w in c.header.split()] or [0])
        for row in rows[:SAMPLE_ROWS]:
            if j < len(row):
                longest = max(longest, _length(row[j]))
        out.append(float(min(c.cap, max(MIN_WIDTH, longest + 2))))
    return out


LINE_HEIGHT = 15.0  # points per line of Calibri 11
MAX_ROW_HEIGHT = 409.0  # Excel's maximum row height, in points (Excel's documented limit)


def _lines(value, width: float) -> int:
    """Lines a wrapped cell takes at that column width (characters), a little pessimistic."""
    per_line = max(1.0, width)
    return sum(max(1, math.ceil(len(part) * 0.9 / per_line)) for part in str(value).split("\n"))


def row_height(values, cols: list[Col], col_widths: list[float], header: bool = False) -> float | None:
    """The height of a row whose wrapped cells need more than one line (None: the default height).

    Neither LibreOffice nor Excel grows a row for wrapped text written by openpyxl: without an
    explicit height two messages joined by a line break overlap the next row."""
    lines = 1
    for value, c, width in zip(values, cols, col_widths):
        if value is not None and (c.wrap or header) and isinstance(value, str):
            lines = max(lines, _lines(value, width))
    return min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines + 2) if lines > 1 else None


def body_styles(cols: list[Col]) -> list[dict]:
    """Per column, the style of its data cells (wrap, number format, Calibri)."""
    from openpyxl.styles import Alignment

    styles = []
    for c in cols:
        style = {"font": font()}
        if c.wrap:
            style["alignment"] = Alignment(wrap_text=True, vertical="top")
        else:
            style["alignment"] = Alignment(vertical="top")
        if c.text:
            style["number_format"] = "@"
        elif c.number_format:
            style["number_format"] = c.number_format
        styles.append(style)
    return styles


def apply_style(cell, style: dict) -> None:
    """Set font, fill, alignment, number format ... of a cell from a dict."""
    for name, value in style.items():
        setattr(cell, name, value)


def print_setup(ws, *, landscape: bool, title_rows: str | None = "1:1", fit_width: bool = True) -> None:
    """A4, landscape when wide, fitted to one page wide (any number of pages tall), header repeated."""
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    if fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    if title_rows:
        ws.print_title_rows = title_rows
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.horizontalCentered = False


def is_wide(col_widths: list[float]) -> bool:
    """A table wider than an A4 portrait page (about 95 characters) prints landscape."""
    return sum(col_widths) > 95


def write_only_table(wb, title: str, cols: list[Col], rows: list[list], *, landscape: bool | None = None,
                     before: list[list] = ()):
    """A write-only sheet holding one table: styled header, data, filter, frozen header, print setup.

    `before` are label/value lines written above the table (a summary), the first column bold; the
    table then starts after a blank line and only a table from A1 freezes its header."""
    from openpyxl.cell import WriteOnlyCell

    ws = wb.create_sheet(title)
    ws_widths = widths(cols, rows)
    for j, width in enumerate(ws_widths, start=1):
        ws.column_dimensions[column_letter(j)].width = width
    top = len(before) + 2 if before else 1
    if not before:
        ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A{top}:{column_letter(len(cols))}{top + max(1, len(rows))}"
    printed = [w for c, w in zip(cols, ws_widths) if c.printed]
    print_setup(ws, landscape=is_wide(printed) if landscape is None else landscape, title_rows=f"{top}:{top}")
    if len(printed) < len(cols):
        ws.print_area = f"A1:{column_letter(len(printed))}{top + max(1, len(rows))}"
    for line in before:
        label = WriteOnlyCell(ws, stored_value(line[0]))
        label.font = font(bold=True)
        ws.append([label, *(_plain(ws, v) for v in line[1:])])
    if before:
        ws.append([])
    head = header_style()
    cells = []
    for c in cols:
        cell = WriteOnlyCell(ws, c.header)
        apply_style(cell, head)
        cells.append(cell)
    _height(ws, top, row_height([c.header for c in cols], cols, ws_widths, header=True))
    ws.append(cells)
    # A styled cell per column, made once: each data cell copies its style array. Setting font and
    # alignment cell by cell would cost openpyxl a style lookup each (minutes for 300,000 problems).
    # Columns without wrap or format keep plain values: the workbook's default font is FONT already.
    templates = []
    for c, style in zip(cols, body_styles(cols)):
        if c.text or (c.wrap or c.number_format) and len(rows) <= STYLED_ROWS:
            template = WriteOnlyCell(ws, None)
            apply_style(template, style)
            templates.append(template._style)
        else:
            templates.append(None)
    wrapped = any(c.wrap for c in cols) and len(rows) <= STYLED_ROWS
    for r, row in enumerate(rows, start=top + 1):
        if wrapped:
            _height(ws, r, row_height(row, cols, ws_widths))
        out = [stored_value(v) for v in row]
        for j, style in enumerate(templates):
            if style is not None and j < len(out):
                cell = WriteOnlyCell(ws, out[j])
                cell._style = copy(style)
                out[j] = cell
        ws.append(out)
    return ws


def _height(ws, row: int, height: float | None) -> None:
    if height is not None:
        ws.row_dimensions[row].height = height


def _plain(ws, value):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment

    cell = WriteOnlyCell(ws, stored_value(value))
    cell.font = font()
    cell.alignment = Alignment(horizontal="left")
    if isinstance(value, int):
        cell.number_format = "#,##0"
    return cell


def style_table(ws, cols: list[Col], first_row: int, last_data_row: int, total_row: int | None = None,
                measure: list[list] | None = None) -> list[float]:
    """Style a table already written in a normal sheet (header at first_row, an optional bold total
    row after the data, outside the filter so that sorting leaves it last); returns the widths set.

    measure: the rows the widths are measured on, when the sheet holds only the first of them
    (the rest written later straight into the sheet's XML: ooxml/table_rows.py)."""
    head = header_style()
    last = total_row or last_data_row
    for j in range(1, len(cols) + 1):
        apply_style(ws.cell(first_row, j), head)
    # Each column's style made once on its first data cell, then copied (see write_only_table).
    arrays = []
    for j, style in enumerate(body_styles(cols), start=1):
        apply_style(ws.cell(first_row + 1, j), style)
        arrays.append(ws.cell(first_row + 1, j)._style)
    for r in range(first_row + 2, last + 1):
        for j, array in enumerate(arrays, start=1):
            ws.cell(r, j)._style = copy(array)
    if total_row:
        for j in range(1, len(cols) + 1):
            ws.cell(total_row, j).font = font(bold=True)
    values = [[ws.cell(r, j).value for j in range(1, len(cols) + 1)] for r in range(first_row + 1, last + 1)]
    col_widths = widths(cols, values if measure is None else measure)
    for j, width in enumerate(col_widths, start=1):
        ws.column_dimensions[column_letter(j)].width = width
    _height(ws, first_row, row_height([c.header for c in cols], cols, col_widths, header=True))
    for r, row in enumerate(values, start=first_row + 1):
        _height(ws, r, row_height(row, cols, col_widths))
    ws.auto_filter.ref = f"A{first_row}:{column_letter(len(cols))}{max(last_data_row, first_row + 1)}"
    ws.freeze_panes = f"A{first_row + 1}"
    return col_widths
