"""What the Excel add-in draws on an open workbook, as values: where a register's outcome goes (its
sheet, header row, columns, the Esito column) and the text of the summary alert.

No polars at module level: the xlwings Lite buttons use these before they know polars is there.
"""

from __future__ import annotations

from registro.validators.messages import SHEET, text
from registro.validators.ooxml.text import shown
from registro.validators.options import DEFAULT_SHEET
from registro.validators.text import counted, norm_key, rows_checked


def same_name(a: object, b: object) -> bool:
    """Two sheet or header names that people would call the same (case, accents, spaces ignored)."""
    return norm_key(a) == norm_key(b)


def register_sheet(names: list[str], wanted: str | None = None) -> int | None:
    """Position of the sheet called wanted (default: the register's, any case), or of the only sheet; None."""
    wanted = wanted or DEFAULT_SHEET
    match = [i for i, name in enumerate(names) if same_name(name, wanted)]
    if match:
        return match[0]
    return 0 if len(names) == 1 else None


def header_layout(values: list[list]) -> tuple[int, dict[str, int]]:
    """(1-based header row, {contract column: 1-based column index}) of a register's values."""
    from registro.validators.read.register import locate_header

    index, mapping = locate_header(values, "registro", None)
    return index + 1, {name: j + 1 for j, name in mapping.items()}


def esito_column(values: list[list], header_row: int) -> int:
    """The 1-based column of an existing 'Esito' header, else the first free one after the headers."""
    header = values[header_row - 1] if len(values) >= header_row else []
    for j, cell in enumerate(header):
        if cell is not None and same_name(cell, "esito"):
            return j + 1
    used = [j for j, cell in enumerate(header) if cell not in (None, "")]
    return (max(used) + 2) if used else 1


def excel_value(value):
    """A value as the add-in hands it to Excel: a text as a cell can show it (a lone surrogate
    visible as U+FFFD, a text longer than a cell cut with a mark; ooxml.text.shown)."""
    return shown(value) if isinstance(value, str) else value


def summary(report) -> str:
    """The alert after a check: rows, errori and avvisi, and where to look (a Report)."""
    return (f"{rows_checked(report.rows)}: "
            f"{counted(report.errors, 'errore', 'errori')} e {counted(report.warnings, 'avviso', 'avvisi')}. "
            + ("Dettagli nel foglio Verifica e nella colonna Esito." if report.problems else "Il registro è pronto per JA."))


def unusable_message(report) -> str:
    """The alert when the register cannot be checked at all: its file-level problem, as read in Excel."""
    return text(report.unusable_files[0], SHEET)
