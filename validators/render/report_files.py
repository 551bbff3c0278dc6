"""Renderings of a Report: the terminal summary and the report files (.json, .csv, .xlsx)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from registro.validators.errors import UsageError
from registro.validators.messages import SHEET, TERMINAL, text, title
from registro.validators.output import atomic_path, defuse, save_workbook
from registro.validators.report import COLUMNS, Problem, Report
from registro.validators.text import counted, rows_checked
from registro.validators.ooxml.tables import Col, write_only_table

# ---------------------------------------------------------------------------------------------
# Files


def write_report(report: Report, target: str | Path, inputs=()) -> Path:
    """Write the report as .json, .csv (';', UTF-8 with BOM) or .xlsx, atomically."""
    target = Path(target)
    suffix = target.suffix.lower()
    writers = {".json": _write_json, ".csv": _write_csv, ".xlsx": _write_xlsx}
    if suffix not in writers:
        raise UsageError(f"formato del rapporto '{target.suffix}' non supportato: usare .json, .csv o .xlsx.")
    with atomic_path(target, inputs) as tmp:
        writers[suffix](report, tmp)
    return target


def _write_json(report: Report, path: Path) -> None:
    path.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")


def _write_csv(report: Report, path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        w.writerow(COLUMNS)
        for p in report.problems:
            w.writerow([defuse(v) if v is not None else "" for v in p.as_dict().values()])


PROBLEM_COLUMNS = [
    Col("File", 24, wrap=True), Col("Foglio", 10), Col("Riga", 6), Col("Colonna", 16),
    Col("Problema", 24, wrap=True), Col("Gravità", 8), Col("Messaggio", 60, wrap=True), Col("Valore", 16, wrap=True),
    Col("Regola (codice)", 24, printed=False),
]


def rows_with(report: Report, severity: str) -> int:
    """How many rows have at least one problem of that severity."""
    return len({(p.file, p.row) for p in report.problems if p.severity == severity and p.row is not None})


def problem_rows(report: Report) -> list[list]:
    """The Problemi sheet's rows (PROBLEM_COLUMNS order), text defused."""
    return [[defuse(v) for v in (p.file, p.sheet, p.row, p.column, title(p.rule), p.severity, text(p, SHEET),
                                  None if p.value is None else str(p.value), p.rule)]
            for p in report.problems]


def summary_rows(report: Report) -> list[list]:
    """The Riepilogo sheet: counts ("problemi" and "righe" kept apart), then problems per rule."""
    return [
        ["Righe controllate", report.rows],
        *([["Righe di totale escluse", report.total_rows]] if report.total_rows else []),
        ["Errori (problemi)", report.errors],
        ["Righe con errori", rows_with(report, "errore")],
        ["Avvisi (problemi)", report.warnings],
        ["Righe con avvisi", rows_with(report, "avviso")],
        ["Catalogo", report.catalogue_version],
        *[["File controllato", defuse(f)] for f in report.files],
        *[["Nota", defuse(f"{f}: {n}")] for f, n in report.notes],
        *[["Lasciato fuori", defuse(f"{f}: {r}")] for f, r in report.left_out],
    ]


COUNT_COLUMNS = [Col("Problema", 36, wrap=True), Col("Gravità", 9), Col("Numero", 9, number_format="#,##0"),
                 Col("Regola (codice)", 30)]


def _write_xlsx(report: Report, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    write_only_table(wb, "Problemi", PROBLEM_COLUMNS, problem_rows(report), landscape=True)
    counts = [[title(r), s, n, r] for r, s, n in report.counts()]
    write_only_table(wb, "Riepilogo", COUNT_COLUMNS, counts, landscape=False, before=summary_rows(report))
    save_workbook(wb, path)


# ---------------------------------------------------------------------------------------------
# Terminal


def _in_rows(count: int, plural: str, singular: str, rows: int) -> str:
    """'16 errori in 15 righe': problems and the rows they are in, never mixed up."""
    return counted(count, singular, plural) + (f" in {counted(rows, 'riga', 'righe')}" if rows else "")  # 0: problems of whole files


# What the command line adds to a file-level problem (the API's messages name no option).
COMMAND_HINTS = {"foglio.mancante": " Scegliere il foglio con --foglio NOME."}
LEFT_OUT_SHOWN = 10  # lines of left-out files in the terminal (the report files list them all)


def render_unusable(console, report: Report) -> None:
    """One line, never wrapped, for each file that cannot be used: the rule id (as --escludi takes it)
    and the message."""
    from rich.markup import escape

    for p in report.unusable_files:
        console.print(f"[bold red]{p.rule}:[/] {escape(text(p, TERMINAL))}{COMMAND_HINTS.get(p.rule, '')}",
                      soft_wrap=True)


def render_reading(console, report: Report) -> None:
    """How the files were read (notes) and what the folders held that was not read, once each."""
    from rich.markup import escape

    for file, note in report.notes:
        console.print(f"Nota: {escape(file)}: {escape(note)}.", soft_wrap=True)
    if report.left_out:
        count = len(report.left_out)
        console.print(f"Lasciati fuori (non letti): {counted(count, 'file', 'file')}"
                      + (" (elenco completo nel rapporto)" if count > LEFT_OUT_SHOWN else "") + ":")
        for file, reason in report.left_out[:LEFT_OUT_SHOWN]:
            console.print(f"  {escape(file)}: {escape(reason)}", soft_wrap=True)
        if count > LEFT_OUT_SHOWN:
            console.print(f"  ... e altri {count - LEFT_OUT_SHOWN}.")


def _short(file: str) -> str:
    """A file's name in the terminal's table: as found in a folder ('Jesi/registro.xlsx'), or
    without its folders when given by an absolute path."""
    return Path(file).name if Path(file).is_absolute() else file


def shown_title(shown: int, total: int, report_file=None) -> str:
    """'I 3 problemi', 'Primi 20 problemi su 22, gli altri in rapporto.xlsx' (the table's title)."""
    if shown == total:
        return "Il problema" if total == 1 else f"I {total} problemi"
    first = "Il primo problema" if shown == 1 else f"Primi {shown} problemi"
    rest = "l'altro" if total - shown == 1 else "gli altri"
    return f"{first} su {total}" + (f", {rest} in {Path(report_file).name}" if report_file else "")


def render_text(console, report: Report, limit: int = 20, report_file=None) -> None:
    """Counts per rule and severity, then the first problems (messages carry no codici fiscali);
    report_file: the report file written with every problem, named when some are not shown."""
    from rich.markup import escape
    from rich.table import Table

    files = len(report.files)
    console.print(
        f"{rows_checked(report.rows)} in {files} file"
        + (f" (storico: {len(report.history)} file)" if report.history else "")
        + (f" (storico: {report.archive})" if report.archive else "")
        + f" con il catalogo {report.catalogue_version}: "
        + f"[bold red]{_in_rows(report.errors, 'errori', 'errore', rows_with(report, 'errore'))}[/], "
        + f"[bold yellow]{_in_rows(report.warnings, 'avvisi', 'avviso', rows_with(report, 'avviso'))}[/]."
    )
    # A file that cannot be used gets one line of its own, never wrapped.
    render_unusable(console, report)
    render_reading(console, report)
    if not report.problems:
        console.print("[green]Nessun problema: il registro è pronto per JA.[/]")
        return
    counts = Table(title="Problemi per regola", title_justify="left", header_style="bold")
    counts.add_column("Problema")
    counts.add_column("Regola")
    counts.add_column("Gravità")
    counts.add_column("Numero", justify="right")
    for r, s, n in report.counts():
        counts.add_row(title(r), r, f"[red]{s}[/]" if s == "errore" else f"[yellow]{s}[/]", str(n))
    console.print(counts)
    shown = [p for p in report.problems if p.row is not None][:limit]
    if not shown:
        return
    rows = sum(1 for p in report.problems if p.row is not None)
    table = Table(title=escape(shown_title(len(shown), rows, report_file)), title_justify="left", header_style="bold")
    table.add_column("File")
    table.add_column("Riga", justify="right")
    table.add_column("Problema")
    table.add_column("Messaggio", overflow="fold")
    for p in shown:
        style = "red" if p.severity == "errore" else "yellow"
        table.add_row(escape(_short(p.file)), "" if p.row is None else str(p.row), f"[{style}]{title(p.rule)}[/]",
                      escape(text(p, TERMINAL)))
    console.print(table)
