"""The clean file for JA and the rejects: every row read ends in exactly one of the two.

Rows without errori (avvisi allowed) become normalised records laid out by a profile
(validators.profile); rows with errori go to the rejects with file, sheet, row and the messages
of their problems. The balance "read = exported + rejected" is checked on the row identities
before anything is written; both files are written atomically and together.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from validators.errors import BalanceError, UsageError
from validators.output import atomic_path, defuse, save_workbook
from validators.profile import Profile
from validators.read import COLUMNS
from validators.report import Report

EXPORT_SUFFIXES = (".csv", ".xlsx")
REJECT_HEADERS = ("File", "Foglio", "Riga", "Errori", "Avvisi", "Regole", *COLUMNS)


@dataclass(frozen=True)
class Rejected:
    """A row left out of the export, with where it is and why."""

    file: str
    sheet: str | None
    row: int
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    rules: tuple[str, ...]
    cells: tuple[str | None, ...]  # the row's original cells, in COLUMNS order


@dataclass(frozen=True)
class ExportResult:
    """What `registro esporta` wrote and the balance of rows."""

    target: Path | None  # None when the tables were returned instead of written (xlwings Lite)
    rejects: Path | None
    profile: str
    rows_read: int
    exported: int
    rejected: int
    rejected_by_rule: tuple[tuple[str, int], ...]

    @property
    def balanced(self) -> bool:
        """True when every row read is either exported or rejected."""
        return self.rows_read == self.exported + self.rejected

    @property
    def balance_line(self) -> str:
        """'N righe lette = X esportate + Y scartate'."""
        return f"{self.rows_read} righe lette = {self.exported} esportate + {self.rejected} scartate"


def _source_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The exportable values of every row, computed once and vectorised."""
    return frame.select(
        "_file", "_foglio", "_riga", "_errori",
        pl.col("_cf").alias("codice_fiscale"),
        pl.when(pl.col("_tipo") == "persona").then(pl.lit("Persona"))
        .when(pl.col("_tipo") == "azienda").then(pl.lit("Azienda")).alias("tipo_utente"),
        pl.col("_data").alias("data"),
        pl.col("_codice").alias("codice_servizio"),
        pl.col("_c_nome").alias("nome_servizio"),
        pl.col("_c_lep").alias("lep"),
        pl.col("_programma").alias("programma"),
        pl.col("_modalita").alias("modalita"),
        pl.col("_durata").alias("durata_minuti"),
        pl.col("_c_medio").alias("durata_standard"),
        pl.col("_sede").alias("sede"),
        pl.col("Operatore").str.replace_all(r"\s+", " ").str.strip_chars().alias("operatore"),
        pl.col("Note").alias("note"),
        pl.col("_file").alias("file"),
        pl.col("_foglio").alias("foglio"),
        pl.col("_riga").alias("riga"),
    )


def _sort_key(rec: dict) -> tuple:
    """Deterministic order: office, date, operator, codice fiscale, code, file, row."""
    return (rec["sede"] or "", rec["data"], (rec["operatore"] or "").casefold(), rec["codice_fiscale"] or "",
            rec["codice_servizio"] or "", rec["file"], rec["riga"])


def _cell(value, column, profile: Profile):
    """One output value: dates formatted, recoded by the profile, text defused."""
    if value is None:
        return ""
    if column.field == "data":
        value = value.strftime(profile.date_format)
    if column.values is not None:
        value = column.values.get(str(value), value)
    if isinstance(value, str):
        return defuse(value)
    return value


def records(frame: pl.DataFrame, profile: Profile) -> tuple[list[list], list[tuple[str, int]]]:
    """(rows laid out by the profile, their (file, row) identities), rows without errori only, sorted."""
    source = _source_frame(frame).filter(pl.col("_errori") == 0)
    recs = sorted(source.iter_rows(named=True), key=_sort_key)
    rows = [[_cell(rec[c.field], c, profile) for c in profile.columns] for rec in recs]
    return rows, [(rec["_file"], rec["_riga"]) for rec in recs]


def rejected_rows(frame: pl.DataFrame, report: Report) -> list[Rejected]:
    """Rows with errori, in file and row order, with the messages of their problems."""
    by_row: dict[tuple[str, int], list] = {}
    for p in report.problems:
        if p.row is not None:
            by_row.setdefault((p.file, p.row), []).append(p)
    order = {f: i for i, f in enumerate(report.files)}
    bad = frame.filter(pl.col("_errori") > 0).select("_file", "_foglio", "_riga", *COLUMNS)
    out = []
    for rec in bad.iter_rows(named=True):
        problems = by_row.get((rec["_file"], rec["_riga"]), [])
        out.append(Rejected(
            file=rec["_file"], sheet=rec["_foglio"], row=rec["_riga"],
            errors=tuple(p.message for p in problems if p.severity == "errore"),
            warnings=tuple(p.message for p in problems if p.severity == "avviso"),
            rules=tuple(dict.fromkeys(p.rule for p in problems if p.severity == "errore")),
            cells=tuple(rec[c] for c in COLUMNS),
        ))
    return sorted(out, key=lambda r: (order.get(r.file, len(order)), r.file, r.row))


def check_balance(frame: pl.DataFrame, exported: list[tuple[str, int]], rejected: list[Rejected]) -> None:
    """Every row read is exported or rejected, exactly once; BalanceError otherwise."""
    read = list(zip(frame["_file"].to_list(), frame["_riga"].to_list())) if frame.height else []
    out = exported + [(r.file, r.row) for r in rejected]
    if len(read) == len(out) and sorted(read) == sorted(out):
        return
    missing = sorted(set(read) - set(out))
    extra = sorted(set(out) - set(read))
    where = "; ".join(f"{f} riga {r}" for f, r in (missing or extra)[:5])
    raise BalanceError(
        f"i conti non tornano: {len(read)} righe lette, {len(exported)} esportate + {len(rejected)} scartate"
        + (f" (ad es. {where})" if where else " (righe ripetute)")
        + ". Nessun file scritto: segnalare il problema all'assistenza."
    )


# ---------------------------------------------------------------------------------------------
# Files


def check_targets(target: Path, rejects: Path) -> None:
    """Supported formats, and the export and the rejects are two different files."""
    if target.suffix.lower() not in EXPORT_SUFFIXES:
        raise UsageError(f"formato del file per JA '{target.suffix}' non supportato: usare .csv o .xlsx.")
    if rejects.suffix.lower() not in EXPORT_SUFFIXES:
        raise UsageError(f"formato del file degli scarti '{rejects.suffix}' non supportato: usare .xlsx o .csv.")
    if target.resolve() == rejects.resolve():
        raise UsageError("il file per JA e quello degli scarti devono essere diversi.")


def default_rejects(target: Path) -> Path:
    """Where the rejects go when not given: beside the export, '<name>_scarti.xlsx'."""
    return target.with_name(f"{target.stem}_scarti.xlsx")


def csv_bytes(rows: list[list], headers: list[str] | None, profile: Profile, identities=None) -> bytes:
    """The CSV text encoded as the profile says (a value the encoding cannot hold is an error)."""
    buffer = io.StringIO()
    w = csv.writer(buffer, delimiter=profile.delimiter, lineterminator=profile.line_end)
    if headers:
        w.writerow(headers)
    for i, row in enumerate(rows):
        line = io.StringIO()
        csv.writer(line, delimiter=profile.delimiter, lineterminator=profile.line_end).writerow(row)
        try:
            line.getvalue().encode(profile.encoding)
        except UnicodeEncodeError as exc:
            where = f" ({identities[i][0]}, riga {identities[i][1]})" if identities else ""
            bad = exc.object[exc.start:exc.end]
            raise UsageError(f"il carattere '{bad}'{where} non si può scrivere con la codifica {profile.encoding}: "
                             "usare 'codifica: utf-8-sig' nel profilo.") from None
        buffer.write(line.getvalue())
    return buffer.getvalue().encode(profile.encoding)


def _write_rows_xlsx(path: Path, sheet: str, headers: list[str] | None, rows: list[list], widths=None) -> None:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    if headers:
        ws.freeze_panes = "A2"
        for j, width in enumerate(widths or [], start=1):
            ws.column_dimensions[get_column_letter(j)].width = width
        ws.append(headers)
    for row in rows:
        ws.append(row)
    save_workbook(wb, path)


def reject_table(rejected: list[Rejected]) -> list[list]:
    """The rejects as rows of cells (REJECT_HEADERS order), text defused."""
    return [
        [(defuse(v) or None) if isinstance(v, str) else v for v in
         (r.file, r.sheet, r.row, "\n".join(r.errors), "\n".join(r.warnings), ", ".join(r.rules), *r.cells)]
        for r in rejected
    ]


def write_files(target: Path, rejects: Path, profile: Profile, rows: list[list], identities, rejected: list[Rejected],
                inputs) -> None:
    """Write the JA file and the rejects atomically, both or neither, never onto an input."""
    headers = profile.headers if profile.header else None
    export_data = csv_bytes(rows, headers, profile, identities) if target.suffix.lower() == ".csv" else None
    reject_data = reject_table(rejected)
    with atomic_path(target, inputs) as tmp_target, atomic_path(rejects, inputs) as tmp_rejects:
        if export_data is not None:
            tmp_target.write_bytes(export_data)
        else:
            _write_rows_xlsx(tmp_target, profile.sheet, headers, rows)
        if rejects.suffix.lower() == ".csv":
            rejects_profile = Profile(name="scarti", path="", columns=())
            tmp_rejects.write_bytes(csv_bytes(reject_data, list(REJECT_HEADERS), rejects_profile))
        else:
            widths = [28, 10, 7, 90, 60, 30] + [14] * len(COLUMNS)
            _write_rows_xlsx(tmp_rejects, "Scarti", list(REJECT_HEADERS), reject_data, widths)


def rule_counts(rejected: list[Rejected]) -> tuple[tuple[str, int], ...]:
    """How many rejected rows each rule caused, most frequent first."""
    counts: dict[str, int] = {}
    for r in rejected:
        for rule in r.rules:
            counts[rule] = counts.get(rule, 0) + 1
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
