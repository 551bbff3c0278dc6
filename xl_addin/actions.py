"""The add-in's actions on an open workbook: valida, totali, esporta, and main() that runs them.

Each action reads the Registro sheet, calls the same Python API as the command line and writes
back only its own column (Esito) and sheets (Verifica, Totali, Export JA, Scarti). No validation,
totals or export logic lives here.
"""

from __future__ import annotations

from collections import defaultdict

from validators.api import check_values
from validators.errors import RegistroError
from validators.read import DEFAULT_SHEET
from xl_addin.workbook import (
    GREEN, SEVERITY_COLOUR, esito_column, find_sheet, header_layout, replace_sheet, sheet_values, write_column,
    write_table,
)

TITLE = "registro"
VERIFICA = "Verifica"


class NoRegister(RegistroError):
    """The active workbook has no register sheet."""


def _register(book):
    sheet = find_sheet(book, DEFAULT_SHEET)
    if sheet is None:
        raise NoRegister(f"la cartella '{book.name}' non ha un foglio '{DEFAULT_SHEET}': aprire il registro e riprovare.")
    return sheet


def _checked(book, sheet, values):
    return check_values(values, name=book.name, sheet=sheet.name)


def _esito_texts(problems, first_row: int, last_row: int, filled: set[int]) -> list[str]:
    by_row = defaultdict(list)
    for p in problems:
        if p.row is not None:
            by_row[p.row].append(p)
    texts = []
    for r in range(first_row, last_row + 1):
        ps = by_row.get(r)
        if ps:
            worst = "errore" if any(p.severity == "errore" for p in ps) else "avviso"
            texts.append(f"{worst.upper()}: " + " | ".join(p.message.split(": ", 1)[-1] for p in ps))
        else:
            texts.append("OK" if r in filled else "")
    return texts


def valida(book) -> dict:
    """Fill Esito, colour faulty cells, rebuild Verifica and show a summary; returns the counts."""
    sheet = _register(book)
    values = sheet_values(sheet)
    checked = _checked(book, sheet, values)
    report = checked.report
    if report.unusable_files:
        book.app.alert(report.unusable_files[0].message, title=TITLE, mode="critical")
        return {"righe": 0, "errori": report.errors, "avvisi": report.warnings}
    header_row, columns = header_layout(values)
    last_row = len(values)
    filled = set(checked.frame["_riga"].to_list())
    col = esito_column(values, header_row)
    write_column(sheet, header_row, col, ["Esito"] + _esito_texts(report.problems, header_row + 1, last_row, filled))
    # Cells coloured by an earlier run are cleared first, then the faulty cells are coloured.
    if last_row > header_row:
        for c in columns.values():
            sheet.range((header_row + 1, c), (last_row, c)).color = None
    worst: dict[tuple[int, int], str] = {}
    for p in report.problems:
        c = columns.get(p.column)
        if p.row is not None and c:
            if worst.get((p.row, c)) != "errore":
                worst[(p.row, c)] = p.severity
    for (r, c), severity in sorted(worst.items()):
        sheet.range((r, c)).color = SEVERITY_COLOUR[severity]
    _verifica(book, sheet, report.problems, columns)
    book.app.alert(
        f"Controllate {report.rows} righe: {report.errors} errori e {report.warnings} avvisi. "
        + ("Dettagli nel foglio Verifica e nella colonna Esito." if report.problems else "Il registro è pronto per JA."),
        title=TITLE, mode="critical" if report.errors else "info",
    )
    return {"righe": report.rows, "errori": report.errors, "avvisi": report.warnings}


def _verifica(book, sheet, problems, columns) -> None:
    ver = replace_sheet(book, VERIFICA, after=sheet)
    rows = [["Riga", "Colonna", "Regola", "Gravità", "Messaggio"]]
    rows += [[p.row, p.column, p.rule, p.severity, p.message] for p in problems]
    write_table(ver, rows)
    for i, p in enumerate(problems, start=2):
        if p.row is not None:
            c = columns.get(p.column, 1)
            target = sheet.range((p.row, c)).get_address(False, False)
            ver.range((i, 1)).add_hyperlink(f"#'{sheet.name}'!{target}", text_to_display=str(p.row))
    if not problems:
        ver.range((2, 1)).value = "Nessun problema."
        ver.range((2, 1)).color = GREEN
