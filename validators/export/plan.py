"""The clean file for JA and the rejects: every row read ends in exactly one of the two.

Rows without errori (avvisi allowed) become normalised records laid out by a profile
(registro.validators.export.profile); rows with errori go to the rejects with file, sheet, row and the messages
of their problems. The balance "read = exported + rejected" is checked on the row identities
before anything is written; both files are written atomically and together.
"""

from __future__ import annotations

import csv
import io
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from registro.validators.errors import BalanceError, UsageError
from registro.validators.output import UTF8, defuse, defused, save_workbook, write_frame_csv
from registro.validators.output_set import OutputSet
from registro.validators.export.profile import Profile
from registro.validators.messages import REJECTS, text, title
from registro.validators.read.register import COLUMNS
from registro.validators.report import Report
from registro.validators.ooxml.tables import Col, write_only_table
from registro.validators.text import balance, total_rows_note

EXPORT_SUFFIXES = (".csv", ".xlsx")
REJECT_HEADERS = ("File", "Foglio", "Riga", "Errori", "Avvisi", "Problemi", *COLUMNS, "Regole (codici)")
# How the rejects look in Excel: the reasons wrapped at a readable width, the row's cells as text.
REJECT_COLUMNS = [Col("File", 24, wrap=True), Col("Foglio", 10), Col("Riga", 6),
                  Col("Errori", 50, wrap=True), Col("Avvisi", 36, wrap=True), Col("Problemi", 22, wrap=True),
                  *(Col(c, 20, wrap=True, text=True) for c in COLUMNS), Col("Regole (codici)", 24, printed=False)]


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

    @property
    def titles(self) -> tuple[str, ...]:
        """The Italian titles of the rules that rejected the row."""
        return tuple(map(title, self.rules))


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
    total_rows: int = 0  # the registers' own total rows: not services, not among the rows read

    @property
    def balanced(self) -> bool:
        """True when every row read is either exported or rejected."""
        return self.rows_read == self.exported + self.rejected

    @property
    def balance_line(self) -> str:
        """'N righe lette = X esportate + Y scartate', then '(escluse K righe di totale)' if any."""
        return (balance(self.rows_read, (self.exported, "esportata", "esportate"), (self.rejected, "scartata", "scartate"))
                + total_rows_note(self.total_rows))


# Deterministic order: office, date, operator (any case), codice fiscale, code, file, row.
SORT_KEYS = (
    pl.col("sede").fill_null(""), pl.col("data"), pl.col("operatore").fill_null("").str.to_lowercase(),
    pl.col("codice_fiscale").fill_null(""), pl.col("codice_servizio").fill_null(""), pl.col("file"), pl.col("riga"),
)
def _output(column, profile: Profile, text: bool) -> pl.Expr:
    """One output column: dates formatted, text recoded by the profile and defused."""
    value = pl.col(column.field)
    if column.field == "data":
        value, text = value.dt.strftime(profile.date_format), True
    if text:
        if column.values is not None:
            value = value.replace(column.values)
        value = defused(value)
    return value


def records(clean: pl.DataFrame, profile: Profile) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows laid out by the profile, their identities file/riga) of the clean rows (Checked.clean()), sorted."""
    source = clean.sort(*SORT_KEYS, maintain_order=True)
    schema = source.schema
    text = [schema[c.field] == pl.String for c in profile.columns]
    laid_out = source.select(*(_output(c, profile, t).alias(f"c{i}") for i, (c, t) in enumerate(zip(profile.columns, text))))
    return laid_out, source.select("file", "riga")


def _numeric_recoding(profile: Profile, laid_out: pl.DataFrame) -> list[int]:
    """Columns recoded by the profile that are not text (handled value by value, as _cell says)."""
    return [i for i, c in enumerate(profile.columns) if c.values is not None and laid_out.dtypes[i] != pl.String]


def rows_of(laid_out: pl.DataFrame, profile: Profile) -> list[list]:
    """The laid-out rows as Python lists ('' for empty cells)."""
    rows = [["" if v is None else v for v in row] for row in laid_out.iter_rows()]
    for i in _numeric_recoding(profile, laid_out):
        for row in rows:
            row[i] = _cell(row[i] if row[i] != "" else None, profile.columns[i], profile)
    return rows


def _cell(value, column, profile: Profile):
    """One output value: recoded by the profile, text defused, empty for null."""
    if value is None:
        return ""
    if column.values is not None:
        value = column.values.get(str(value), value)
    if isinstance(value, str):
        return defuse(value)
    return value


def rejected_rows(bad: pl.DataFrame, report: Report) -> list[Rejected]:
    """Rows with errori (Checked.rejected_cells()), in file and row order, with the messages of their problems."""
    by_row: dict[tuple[str, int], list] = {}
    for p in report.problems:
        if p.row is not None:
            by_row.setdefault((p.file, p.row), []).append(p)
    order = {f: i for i, f in enumerate(report.files)}
    out = []
    for rec in bad.iter_rows(named=True):
        problems = by_row.get((rec["file"], rec["riga"]), [])
        out.append(Rejected(
            file=rec["file"], sheet=rec["foglio"], row=rec["riga"],
            errors=tuple(text(p, REJECTS) for p in problems if p.severity == "errore"),
            warnings=tuple(text(p, REJECTS) for p in problems if p.severity == "avviso"),
            rules=tuple(dict.fromkeys(p.rule for p in problems if p.severity == "errore")),
            cells=tuple(rec[c] for c in COLUMNS),
        ))
    return sorted(out, key=lambda r: (order.get(r.file, len(order)), r.file, r.row))


def check_balance(read: pl.DataFrame, exported: pl.DataFrame, rejected: list[Rejected]) -> None:
    """Every row read (identities file/riga) is exported or rejected, exactly once; BalanceError otherwise."""
    keys = {"file": pl.String, "riga": pl.Int64}
    read = read.select(*(pl.col(k).cast(t) for k, t in keys.items())) if read.height else pl.DataFrame(schema=keys)
    out = pl.concat([exported.select(*(pl.col(k).cast(t) for k, t in keys.items())),
                     pl.DataFrame([(r.file, r.row) for r in rejected], schema=keys, orient="row")])
    if read.height == out.height and _same_rows(read, out):
        return
    missing = read.join(out, on=list(keys), how="anti").sort(list(keys)).rows()
    extra = out.join(read, on=list(keys), how="anti").sort(list(keys)).rows()
    where = "; ".join(f"{f} riga {r}" for f, r in (missing or extra)[:5])
    raise BalanceError(
        f"i conti non tornano: {read.height} righe lette, {exported.height} esportate + {len(rejected)} scartate"
        + (f" (ad es. {where})" if where else " (righe ripetute)")
        + ". Nessun file scritto: segnalare il problema all'assistenza."
    )


def _same_rows(a: pl.DataFrame, b: pl.DataFrame) -> bool:
    """Whether two file/riga tables hold the same rows, repeats included, in any order.

    Each row becomes one integer (the file's position among the files, then the row number), so
    the comparison sorts two integer columns instead of two tables with text.
    """
    if not a.height or not b.height:
        return a.height == b.height
    files = pl.concat([a["file"], b["file"]]).unique().sort()
    if files.null_count():
        return a.sort(a.columns).equals(b.sort(b.columns))

    def codes(t: pl.DataFrame) -> pl.Series:
        position = pl.col("file").replace_strict(files, pl.int_range(0, files.len(), eager=True), return_dtype=pl.Int64)
        return t.select((position * (1 << 32) + pl.col("riga")).sort()).to_series()

    rows = pl.concat([a["riga"], b["riga"]])
    if rows.len() and (rows.min() < 0 or rows.max() >= 1 << 32 or rows.null_count()):
        return a.sort(a.columns).equals(b.sort(b.columns))
    return codes(a).equals(codes(b))


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
    w.writerows(rows)
    text = buffer.getvalue()
    try:
        return text.encode(profile.encoding)
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start:exc.end]
        row = next((i for i, r in enumerate(rows) if any(bad in str(v) for v in r)), None)
        where = ""
        if identities is not None and row is not None:
            file, line = identities.row(row)
            where = f" ({file}, riga {line})"
        raise UsageError(f"il carattere '{bad}'{where} non si può scrivere con la codifica {profile.encoding}: "
                         "usare 'codifica: utf-8-sig' nel profilo.") from None


def _write_rows_xlsx(path: Path, sheet: str, cols: list[Col] | None, rows: list[list]) -> None:
    """One table in a workbook; without cols (no header) the bare rows."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    if cols:
        write_only_table(wb, sheet, cols, rows)
    else:
        ws = wb.create_sheet(sheet)
        for row in rows:
            ws.append(row)
    save_workbook(wb, path)


def export_columns(profile: Profile, laid_out: pl.DataFrame) -> list[Col]:
    """The JA .xlsx columns: text columns stay text cells (a partita IVA 00743110157 keeps its zeros)."""
    return [Col(h, 30, text=laid_out.dtypes[i] == pl.String) for i, h in enumerate(profile.headers)]


def reject_table(rejected: list[Rejected]) -> list[list]:
    """The rejects as rows of cells (REJECT_HEADERS order), text defused."""
    return [
        [(defuse(v) or None) if isinstance(v, str) else v for v in
         (r.file, r.sheet, r.row, "\n".join(r.errors), "\n".join(r.warnings), "\n".join(r.titles),
          *r.cells, ", ".join(r.rules))]
        for r in rejected
    ]


def frame_csv_bytes(laid_out: pl.DataFrame, headers: list[str] | None, profile: Profile, identities) -> bytes:
    """The JA CSV written by polars (the same text as csv.writer, quoting where needed)."""
    if _numeric_recoding(profile, laid_out):
        return csv_bytes(rows_of(laid_out, profile), headers, profile, identities)
    head = io.StringIO()
    if headers:
        csv.writer(head, delimiter=profile.delimiter, lineterminator=profile.line_end).writerow(headers)
    body = laid_out.with_columns(pl.col(pl.String).replace("", None)).write_csv(
        include_header=False, separator=profile.delimiter, line_terminator=profile.line_end, quote_char='"',
        quote_style="necessary", null_value="",
    )
    try:
        return (head.getvalue() + body).encode(profile.encoding)
    except UnicodeEncodeError:
        return csv_bytes(rows_of(laid_out, profile), headers, profile, identities)  # names the row at fault


def write_files(target: Path, rejects: Path, profile: Profile, laid_out: pl.DataFrame, identities,
                rejected: list[Rejected], out: OutputSet) -> None:
    """Write the JA file and the rejects into the OutputSet out (put in place with the run's other files)."""
    headers = profile.headers if profile.header else None
    as_csv = target.suffix.lower() == ".csv"
    direct = as_csv and profile.encoding in UTF8 and not _numeric_recoding(profile, laid_out)
    # any other encoding: the text built first, so that a character it cannot hold names its row
    export_data = frame_csv_bytes(laid_out, headers, profile, identities) if as_csv and not direct else None
    reject_data = reject_table(rejected)

    def write_export(tmp_target: Path) -> None:
        if direct:
            write_frame_csv(tmp_target, laid_out, headers, delimiter=profile.delimiter, line_end=profile.line_end,
                            encoding=profile.encoding)
        elif export_data is not None:
            tmp_target.write_bytes(export_data)
        else:
            _write_rows_xlsx(tmp_target, profile.sheet, export_columns(profile, laid_out) if headers else None,
                             rows_of(laid_out, profile))

    def write_rejects(tmp_rejects: Path) -> None:
        if rejects.suffix.lower() == ".csv":
            rejects_profile = Profile(name="scarti", path="", columns=())
            tmp_rejects.write_bytes(csv_bytes(reject_data, list(REJECT_HEADERS), rejects_profile))
        else:
            _write_rows_xlsx(tmp_rejects, "Scarti", REJECT_COLUMNS, reject_data)

    out.write(target, write_export)
    out.write(rejects, write_rejects)


def rule_counts(rejected: list[Rejected]) -> tuple[tuple[str, int], ...]:
    """How many rejected rows each rule caused, most frequent first."""
    counts: dict[str, int] = {}
    for r in rejected:
        for rule in r.rules:
            counts[rule] = counts.get(rule, 0) + 1
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


# ---------------------------------------------------------------------------------------------
# The plan: prepare (lay out, reject, balance), then tables or files.


@dataclass
class ExportPlan:
    """The export of one check, proven balanced: the JA rows laid out by the profile and the rejects."""

    profile: Profile
    laid_out: pl.DataFrame
    identities: pl.DataFrame  # file/riga of each laid-out row
    rejected: list[Rejected]
    rows_read: int
    total_rows: int = 0

    @classmethod
    def prepare(cls, checked, profile: Profile) -> "ExportPlan":
        """Lay out the clean rows and collect the rejects of a Checked; BalanceError if they don't add up."""
        laid_out, identities = records(checked.clean(), profile)
        rejected = rejected_rows(checked.rejected_cells(), checked.report)
        check_balance(checked.row_ids(), identities, rejected)
        return cls(profile, laid_out, identities, rejected, checked.rows_read, checked.report.total_rows)

    def result(self, target: Path | None = None, rejects: Path | None = None) -> ExportResult:
        """The counts of this plan (and where it was written, if it was)."""
        return ExportResult(target=target, rejects=rejects, profile=self.profile.name, rows_read=self.rows_read,
                            exported=self.laid_out.height, rejected=len(self.rejected),
                            rejected_by_rule=rule_counts(self.rejected), total_rows=self.total_rows)

    def tables(self) -> tuple[list[list], list[list]]:
        """The JA rows and the rejects as tables (header first), for places without files (xlwings Lite)."""
        ja = ([self.profile.headers] if self.profile.header else []) + rows_of(self.laid_out, self.profile)
        return ja, [list(REJECT_HEADERS)] + reject_table(self.rejected)

    def write(self, target, rejects=None, inputs=(), *, out: OutputSet | None = None) -> ExportResult:
        """Write the JA file and the rejects (default beside it), both or neither, never onto an input;
        with out (an OutputSet), put in place with the run's other files."""
        target = Path(target)
        rejects = Path(rejects) if rejects else default_rejects(target)
        check_targets(target, rejects)
        with nullcontext(out) if out is not None else OutputSet(inputs) as files:
            write_files(target, rejects, self.profile, self.laid_out, self.identities, self.rejected, files)
        return self.result(target, rejects)
