"""Renderings of a Report: the terminal summary and the report files (.json, .csv, .xlsx)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from validators.errors import UsageError
from validators.output import atomic_path, defuse
from validators.report import COLUMNS, Report

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


def _write_xlsx(report: Report, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Problemi")
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEFGH", (28, 12, 7, 18, 30, 9, 100, 24)):
        ws.column_dimensions[col].width = width
    ws.append(["File", "Foglio", "Riga", "Colonna", "Regola", "Gravità", "Messaggio", "Valore"])
    for p in report.problems:
        ws.append([defuse(v) for v in p.as_dict().values()])
    summary = wb.create_sheet("Riepilogo")
    summary.column_dimensions["A"].width = 34
    summary.append(["Righe controllate", report.rows])
    summary.append(["Errori", report.errors])
    summary.append(["Avvisi", report.warnings])
    summary.append(["Catalogo", report.catalogue_version])
    summary.append([])
    summary.append(["Regola", "Gravità", "Numero"])
    for r, s, n in report.counts():
        summary.append([r, s, n])
    for f in report.files:
        summary.append(["File controllato", f])
    wb.save(path)


# ---------------------------------------------------------------------------------------------
# Terminal


def render_text(console, report: Report, limit: int = 20) -> None:
    """Counts per rule and severity, then the first problems (messages carry no codici fiscali)."""
    from rich.markup import escape
    from rich.table import Table

    files = len(report.files)
    console.print(
        f"Controllate {report.rows} righe in {files} file"
        + (f" (storico: {len(report.history)} file)" if report.history else "")
        + f" con il catalogo {report.catalogue_version}: "
        + f"[bold red]{report.errors} errori[/], [bold yellow]{report.warnings} avvisi[/]."
    )
    # A file that cannot be used gets one line of its own, never wrapped.
    for p in report.unusable_files:
        console.print(f"[bold red]{p.rule}:[/] {escape(p.message)}", soft_wrap=True)
    if not report.problems:
        console.print("[green]Nessun problema: il registro è pronto per JA.[/]")
        return
    counts = Table(title="Problemi per regola", title_justify="left", header_style="bold")
    counts.add_column("Regola")
    counts.add_column("Gravità")
    counts.add_column("Numero", justify="right")
    for r, s, n in report.counts():
        counts.add_row(r, f"[red]{s}[/]" if s == "errore" else f"[yellow]{s}[/]", str(n))
    console.print(counts)
    shown = [p for p in report.problems if p.row is not None][:limit]
    if not shown:
        return
    rows = sum(1 for p in report.problems if p.row is not None)
    table = Table(title=f"Primi {len(shown)} problemi su {rows}", title_justify="left", header_style="bold")
    table.add_column("File")
    table.add_column("Riga", justify="right")
    table.add_column("Regola")
    table.add_column("Messaggio", overflow="fold")
    for p in shown:
        style = "red" if p.severity == "errore" else "yellow"
        table.add_row(escape(Path(p.file).name), "" if p.row is None else str(p.row), f"[{style}]{p.rule}[/]",
                      escape(p.message))
    console.print(table)
