"""The validation report as a plain value, and its renderings (terminal, JSON, CSV, XLSX)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from operator import attrgetter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from validators.errors import UsageError
from validators.output import atomic_path, defuse

REPORT_VERSION = 1
COLUMNS = ("file", "foglio", "riga", "colonna", "regola", "gravita", "messaggio", "valore")


class Problem(NamedTuple):
    """One problem: where (file, sheet, Excel row, column), which rule, how bad, what to do."""

    file: str
    sheet: str | None
    row: int | None  # None for file-level problems
    column: str | None
    rule: str
    severity: str  # "errore" | "avviso"
    message: str
    value: object = None

    def as_dict(self) -> dict:
        """The report's JSON record of this problem (Italian keys)."""
        return dict(zip(COLUMNS, (self.file, self.sheet, self.row, self.column, self.rule, self.severity,
                                  self.message, None if self.value is None else str(self.value))))


@dataclass
class Report:
    """What `registro valida` found in a set of registers."""

    files: list[str]
    rows: int
    problems: list[Problem]
    history: list[str] = field(default_factory=list)
    catalogue_version: str = ""
    archive: str = ""  # the archive used as history, if any ("archivio DIR")

    @property
    def errors(self) -> int:
        """Number of problems of severity errore."""
        return self._severities().count("errore")

    @property
    def warnings(self) -> int:
        """Number of problems of severity avviso."""
        return self._severities().count("avviso")

    def _severities(self) -> list[str]:
        return list(map(attrgetter("severity"), self.problems))  # C speed on 300,000 problems

    @property
    def unusable_files(self) -> list[Problem]:
        """File-level problems: files that could not be checked at all."""
        return [p for p in self.problems if p.row is None]

    @property
    def exit_code(self) -> int:
        """2 if a file is unusable, 1 if any errore, else 0."""
        if self.unusable_files:
            return 2
        return 1 if self.errors else 0

    def counts(self) -> list[tuple[str, str, int]]:
        """(rule, severity, count), most frequent first."""
        c = Counter(map(attrgetter("rule", "severity"), self.problems))
        return [(r, s, n) for (r, s), n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))]

    def rows_with_errors(self) -> set[tuple[str, int]]:
        """(file, row) of every row that has at least one errore."""
        return {(p.file, p.row) for p in self.problems if p.severity == "errore" and p.row is not None}

    def to_dict(self) -> dict:
        """The JSON document of `--rapporto FILE.json`."""
        return {
            "versione": REPORT_VERSION,
            "catalogo": self.catalogue_version,
            "file": self.files,
            "storico": self.history,
            **({"archivio": self.archive} if self.archive else {}),
            "righe": self.rows,
            "errori": self.errors,
            "avvisi": self.warnings,
            "problemi": [p.as_dict() for p in self.problems],
        }


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
        + (f" (storico: {report.archive})" if report.archive else "")
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
