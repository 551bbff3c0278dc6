"""Shared look of the template: fills, fonts, header style, number formats and cell helpers.

LibreOffice does not draw Excel table styles, so every header and input area gets an explicit
style that both programs show the same way.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from registro.validators.ooxml.refs import column_letter

DATE_FORMAT = "dd/mm/yyyy"
TEXT_FORMAT = "@"
HOURS_FORMAT = "#,##0.0"
WHOLE_FORMAT = "#,##0"
PERCENT_FORMAT = "0%"

HEADER_FILL = PatternFill("solid", fgColor="1F4E78", bgColor="1F4E78")
FONT = "Calibri"  # openpyxl's default; fonts without a name fall back to a serif face in LibreOffice
HEADER_FONT = Font(name=FONT, size=11, bold=True, color="FFFFFF")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
COMPUTED_FILL = PatternFill("solid", fgColor="EDEDED", bgColor="EDEDED")
COMPUTED_FONT = Font(name=FONT, size=11, color="404040")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC", bgColor="FFF2CC")
TITLE_FONT = Font(name=FONT, bold=True, size=14, color="1F4E78")
SECTION_FONT = Font(name=FONT, bold=True, size=12, color="1F4E78")
BOLD = Font(name=FONT, size=11, bold=True)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

# Conditional formatting driven by the Controllo column.
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
ERROR_FONT = Font(color="9C0006")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C", bgColor="FFEB9C")
WARNING_FONT = Font(color="7F6000")


def put(cell, value, number_format: str | None = None):
    """Write a value; text is always stored as text, never run as a formula."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    return cell


def put_formula(cell, formula: str, number_format: str | None = None):
    """Write a formula (text starting with '=')."""
    if not formula.startswith("="):
        raise ValueError(f"not a formula: {formula!r}")
    cell.value = formula
    if number_format:
        cell.number_format = number_format
    return cell


def header_row(ws: Worksheet, row: int, column: int, titles: list[str]) -> None:
    """A row of header cells with the explicit header style."""
    for j, title in enumerate(titles):
        cell = put(ws.cell(row=row, column=column + j), title)
        cell.fill, cell.font, cell.alignment, cell.border = HEADER_FILL, HEADER_FONT, HEADER_ALIGN, BOX


def set_widths(ws: Worksheet, widths: dict[int, float]) -> None:
    """Column widths by 1-based column number."""
    for column, width in widths.items():
        ws.column_dimensions[column_letter(column)].width = width


def absolute(sheet: str, first_col: int, first_row: int, last_col: int | None = None, last_row: int | None = None) -> str:
    """An absolute reference such as Catalogo!$A$2:$A$106 (sheet names here need no quotes)."""
    start = f"${column_letter(first_col)}${first_row}"
    if last_col is None:
        return f"{sheet}!{start}"
    return f"{sheet}!{start}:${column_letter(last_col)}${last_row}"


def landscape(ws: Worksheet, title_rows: str | None = None, orientation: str = "landscape") -> None:
    """Print setup: A4 (landscape unless told), fit to one page wide."""
    ws.page_setup.orientation = orientation
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows
