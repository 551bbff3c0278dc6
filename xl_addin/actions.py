"""The add-in's actions on an open workbook: valida, totali, esporta, and main() that runs them.

Each action reads the Registro sheet, calls the same Python API as the command line and writes
back only its own column (Esito) and sheets (Verifica, Totali, Export JA, Scarti). No validation,
totals or export logic lives here.
"""

from __future__ import annotations

from registro import DEFAULT_SHEET, RegistroError, check_values
from registro.validators.render.addin import summary as check_summary, unusable_message
from registro.validators.render.outcome import ESITO, VERIFICA, Outcome
from registro.xl_addin.workbook import (
    GREEN, colour, esito_column, find_sheet, header_layout, replace_sheet, sheet_formulas, sheet_merged,
    sheet_values, write_column, write_table,
)

TITLE = "registro"


class NoRegister(RegistroError):
    """The active workbook has no register sheet."""


def _register(book):
    sheet = find_sheet(book, DEFAULT_SHEET)
    if sheet is None:
        raise NoRegister(f"la cartella '{book.name}' non ha un foglio '{DEFAULT_SHEET}': aprire il registro e riprovare.")
    return sheet


def _checked(book, sheet, values):
    # Merged ranges and SUM formulas as the client can read them, so that the add-in reads the
    # register as `registro valida` reads the saved file.
    height, width = len(values), max((len(r) for r in values), default=0)
    return check_values(values, name=book.name, sheet=sheet.name, merged=sheet_merged(sheet, height, width),
                        formulas=sheet_formulas(sheet, height, width))


def valida(book, checked=None, alert: bool = True) -> dict:
    """Fill Esito, colour faulty cells, rebuild Verifica and show a summary; returns the counts."""
    sheet = _register(book)
    values = sheet_values(sheet)
    checked = checked or _checked(book, sheet, values)
    report = checked.report
    if report.unusable_files:
        message = unusable_message(report)
        book.app.alert(message, title=TITLE, mode="critical")
        return {"righe": 0, "errori": report.errors, "avvisi": report.warnings, "messaggio": message}
    header_row, columns = header_layout(values)
    result = Outcome.of(report.problems, columns, report.total_rows_at.get(book.name, ()))
    last_row = len(values)
    filled = set(checked.row_numbers())
    col = esito_column(values, header_row)
    write_column(sheet, header_row, col, [ESITO] + result.esito_texts(header_row + 1, last_row, filled))
    # Cells coloured by an earlier run are cleared first, then the faulty cells are coloured.
    if last_row > header_row:
        for c in columns.values():
            sheet.range((header_row + 1, c), (last_row, c)).color = None
    for (r, c), fill in sorted(result.cell_colours().items()):
        sheet.range((r, c)).color = colour(fill)
    _verifica(book, sheet, result)
    message = check_summary(report)
    if alert:
        book.app.alert(message, title=TITLE, mode="critical" if report.errors else "info")
    return {"righe": report.rows, "errori": report.errors, "avvisi": report.warnings, "messaggio": message}


def _verifica(book, sheet, result: Outcome) -> None:
    """The Verifica sheet: one row per problem, its first cell a link to the faulty cell."""
    ver = replace_sheet(book, VERIFICA, after=sheet)
    rows = result.verifica_rows()
    write_table(ver, rows, table="Verifica")
    for i, location, text in result.verifica_links(sheet.name):
        ver.range((i, 1)).add_hyperlink(f"#{location}", text_to_display=text)
    if not result.problems:
        ver.range((2, 1)).color = GREEN
    # Column widths from the content: the one layout action that the classic add-in's VBA client
    # also runs (a range's setAutofit; it has no freeze, wrap or page setup actions).
    ver.range((1, 1), (len(rows), max(len(r) for r in rows))).columns.autofit()


TOTALI = "Totali"
EXPORT_SHEET, REJECTS_SHEET = "Export JA", "Scarti"


def totali(book, checked=None, result=None) -> dict:
    """Rebuild the Totali sheet: summary, then roll-ups by office, operator and LEP (result: totals already computed)."""
    from registro import totals
    from registro.validators.render.totals_workbook import FTE_LABEL, HOURS_RULE, view_rows, views

    sheet = _register(book)
    if result is None:
        checked = checked or _checked(book, sheet, sheet_values(sheet))
        result = totals(checked)
    out = replace_sheet(book, TOTALI, after=sheet)
    rows = [
        ["Totali del registro", book.name],
        ["Righe lette", result.rows_read],
        ["Righe conteggiate", result.rows_counted],
        ["Righe escluse perché con errori", result.rows_excluded],
        ["Ore", result.total.get("ore")],
        [FTE_LABEL, result.total.get("fte")],
        ["Come sono calcolate le ore", HOURS_RULE],
    ]
    write_table(out, rows)
    top = len(rows) + 2
    for n, (title, records, keys, _) in enumerate(views(result)[:3], start=1):
        out.range((top, 1)).value = title
        table = view_rows(records, keys)
        write_table(out, table, (top + 1, 1), table=f"Totali_{n}")  # each roll-up filterable on its own
        top += len(table) + 2
    return {"righe_conteggiate": result.rows_counted, "righe_escluse": result.rows_excluded, "ore": result.total.get("ore"),
            "messaggio": f"Totali nel foglio '{TOTALI}': {result.rows_counted} righe conteggiate."}


def esporta(book, checked=None, alert: bool = True, plan=None) -> dict:
    """Write the JA file and the rejects next to the workbook, or into sheets where there are no files
    (plan: the export already prepared from the same check)."""
    from registro import export_plan, output_names
    from registro.xl_addin.workbook import book_folder

    sheet = _register(book)
    checked = checked or _checked(book, sheet, sheet_values(sheet))
    plan = plan or export_plan(checked)
    folder = book_folder(book)
    if folder is not None:
        book_path = folder / book.name
        ja = output_names([book_path], lambda _, label: f"{label}_ja.csv")[book_path]
        scarti = output_names([book_path], lambda _, label: f"{label}_scarti.xlsx")[book_path]
        result = plan.write(folder / ja, folder / scarti, checked.inputs)  # both in place, or neither
        where = f"File per JA: {result.target}; scarti: {result.rejects}."
    else:
        ja, scarti = plan.tables()
        result = plan.result()
        write_table(replace_sheet(book, EXPORT_SHEET, after=sheet), ja, text=True, table="Export_JA")
        write_table(replace_sheet(book, REJECTS_SHEET, after=sheet), scarti, text=True, table="Scarti")
        where = f"Righe per JA nel foglio '{EXPORT_SHEET}', righe scartate nel foglio '{REJECTS_SHEET}'."
    message = f"{result.balance_line}. {where}"
    if alert:
        book.app.alert(message, title=TITLE, mode="info")
    return {"esportate": result.exported, "scartate": result.rejected, "lette": result.rows_read, "messaggio": message}


def run_all(book=None) -> dict:
    """The month in one pass on the open workbook (registro.month, as `registro mese`): one check, then
    Esito and Verifica, the Totali sheet and the JA export from it; errors become an Excel alert."""
    from registro import month, user_message

    if book is None:
        import xlwings as xw

        book = xw.Book.caller()  # the add-in's VBA sets the caller to the active workbook
    try:
        sheet = _register(book)
        checked = _checked(book, sheet, sheet_values(sheet))
        summary = {"valida": valida(book, checked, alert=False)}
        values = month(checked)
        if values.totals is not None:
            summary["totali"] = totali(book, checked, values.totals)
            summary["esporta"] = esporta(book, checked, alert=False, plan=values.plan)
    except Exception as exc:  # noqa: BLE001 - in Excel every failure must become a readable alert
        book.app.alert(user_message(exc), title=TITLE, mode="critical")
        return {"errore": user_message(exc)}
    if "esporta" in summary:
        text = "\n".join(part["messaggio"] for part in summary.values())
        book.app.alert(text, title=TITLE, mode="critical" if checked.report.errors else "info")
    return summary
