"""The public entry points: what the command line and the Excel add-in call.

    validate(paths, ...)          -> Report
    validate_values(values, ...)  -> Report   (cells of an open workbook)
    totals(paths, ...)            -> Totals   (time totals and workload; totals_of(checked) reuses a check)
    export(paths, target, ...)    -> ExportResult (clean file for JA + rejects; export_of(checked, ...))

Totals and export start from the same checked rows (see `check`), so the three always agree.
"""

from __future__ import annotations

import calendar
import datetime as dt
import importlib
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import polars as pl

from validators.catalogue import Catalogue, load_catalogue
from validators.errors import FileProblem, UsageError
from validators.export import ExportResult
from validators.normalise import normalise
from validators.read import COLUMNS, RawRegister, find_registers, read_register, register_from_values
from validators.report import Problem, Report
from validators.rules.context import DEFAULT_WORKDAY_MINUTES, Context, Options
from validators.rules.registry import BY_ID
from validators.totals import DEFAULT_FTE_HOURS, Totals, compare_plan
from validators.totals import compute as compute_totals

Progress = Callable[[str, int, int], None]  # (stage, steps done, total steps)


@dataclass
class Checked:
    """Checked rows (internal frame), their report and the catalogue used."""

    frame: pl.DataFrame  # current rows only, normalised, with _errori / _avvisi counts
    report: Report
    catalogue: Catalogue
    inputs: list[Path]


def parse_month(text: str | None) -> tuple[dt.date, dt.date] | None:
    """'2026-10' -> (2026-10-01, 2026-10-31); UsageError when malformed."""
    if not text:
        return None
    try:
        year, month = (int(x) for x in text.strip().split("-"))
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, 1), dt.date(year, month, last)
    except (ValueError, calendar.IllegalMonthError):
        raise UsageError(f"mese '{text}' non valido: usare il formato AAAA-MM, ad es. 2026-10.") from None


def make_options(month=None, today=None, workday_minutes=DEFAULT_WORKDAY_MINUTES, exclude=()) -> Options:
    """Options from user-level values, checking rule ids and limits."""
    unknown = [r for r in exclude if r not in BY_ID]
    if unknown:
        raise UsageError(f"regola sconosciuta in --escludi: {', '.join(unknown)} (vedere 'registro regole').")
    if workday_minutes <= 0:
        raise UsageError("la giornata lavorativa deve essere di almeno un minuto.")
    return Options(
        today=today or dt.date.today(),
        month=parse_month(month) if isinstance(month, str) or month is None else month,
        workday_minutes=workday_minutes,
        exclude=frozenset(exclude),
    )


def _file_problem(p: FileProblem) -> Problem:
    return Problem(p.file, p.sheet, None, None, p.rule, "errore", f"File '{p.file}': {p}", None)


def _read_all(paths: list[Path], sheet, progress: Progress | None, total: int = 0) -> tuple[list[RawRegister], list[Problem]]:
    registers, problems = [], []
    for i, path in enumerate(paths):
        if progress:
            progress(f"Lettura di {path.name}", i, total or len(paths) + 1)
        try:
            registers.append(read_register(path, sheet))
        except FileProblem as exc:
            problems.append(_file_problem(exc))
    return registers, problems


def _stack(registers: list[RawRegister], history: bool) -> pl.DataFrame:
    frames = [
        r.frame.with_columns(
            pl.lit(r.file).alias("_file"), pl.lit(r.sheet, dtype=pl.String).alias("_foglio"), pl.lit(history).alias("_storico")
        )
        for r in registers
    ]
    return pl.concat(frames, how="vertical") if frames else pl.DataFrame()


# The checking engine, and pandera's built-in checks that pandera itself imports only at the
# first validation (their registration takes a quarter of a second).
_ENGINE_MODULES = ("validators.engine", "pandera.backends.polars.builtin_checks")


def _import_engine_in_background() -> None:
    """Start importing the checking engine while the registers are read.

    Reading a spreadsheet or a CSV releases the GIL, so these imports (about 0.5 s) run on the
    other core instead of after the reading. A failed import is left to the code that needs it.
    """
    if sys.platform == "emscripten":  # Pyodide (xlwings Lite) cannot start threads
        return

    def imports():
        for name in _ENGINE_MODULES:
            try:
                importlib.import_module(name)
            except ImportError:
                return

    threading.Thread(target=imports, daemon=True).start()


def run(current: list[RawRegister], history: list[RawRegister], file_problems: list[Problem],
        catalogue: Catalogue, options: Options, names: list[str], history_names: list[str],
        inputs: list[Path], progress: Progress | None = None) -> Checked:
    """Normalise, check and report the rows of already-read registers."""
    from validators import engine

    ctx = Context(catalogue, options)
    frames = [f for f in (_stack(current, False), _stack(history, True)) if f.height or f.width]
    if frames:
        frame = pl.concat(frames, how="vertical").with_row_index("_idx")
        if progress:
            progress(f"Controllo di {frame.height} righe", len(names) + len(history_names), len(names) + len(history_names) + 1)
        frame = engine.prepare(normalise(frame, catalogue), ctx)
        checks = engine.all_checks(ctx)
        problems = engine.problems(frame, checks, engine.failures(frame, checks), names)
        frame = frame.filter(~pl.col("_storico"))
    else:
        frame, problems = pl.DataFrame(schema={c: pl.String for c in COLUMNS}), []
    if file_problems:  # the engine's problems come sorted already
        problems = sorted(file_problems + problems, key=engine.sort_key(names))
    report = Report(files=names, rows=frame.height, problems=problems, history=history_names,
                    catalogue_version=catalogue.version)
    return Checked(_with_counts(frame, problems), report, catalogue, inputs)


def _with_counts(frame: pl.DataFrame, problems: list[Problem]) -> pl.DataFrame:
    """Attach per-row counts of errori and avvisi (for totals and export)."""
    if "_file" not in frame.columns:
        return frame
    rows = [p for p in problems if p.row is not None]
    if not rows:  # a clean register: no join needed
        return frame.with_columns(pl.lit(0, dtype=pl.UInt32).alias("_errori"), pl.lit(0, dtype=pl.UInt32).alias("_avvisi"))
    counts = (
        pl.DataFrame({"_file": [p.file for p in rows], "_riga": [p.row for p in rows], "_g": [p.severity for p in rows]},
                     schema={"_file": pl.String, "_riga": pl.Int64, "_g": pl.String})
        .group_by("_file", "_riga")
        .agg((pl.col("_g") == "errore").sum().alias("_errori"), (pl.col("_g") == "avviso").sum().alias("_avvisi"))
    )
    return frame.join(counts, on=["_file", "_riga"], how="left", maintain_order="left").with_columns(
        pl.col("_errori").fill_null(0), pl.col("_avvisi").fill_null(0)
    )


def check(paths, *, history=(), month=None, sheet=None, catalogue=None, today=None,
          workday_minutes=DEFAULT_WORKDAY_MINUTES, exclude=(), progress: Progress | None = None) -> Checked:
    """Read and check registers (files or folders) with optional history files."""
    cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)
    options = make_options(month, today, workday_minutes, exclude)
    files = find_registers(list(paths))
    if not files:
        raise UsageError("nessun registro trovato nei percorsi indicati (.xlsx, .xlsm, .ods, .csv).")
    past = find_registers(list(history))
    _import_engine_in_background()
    total = len(files) + len(past) + 1
    current, problems = _read_all(files, sheet, progress, total)
    old, old_problems = _read_all(past, sheet, (lambda stage, i, n: progress(stage, len(files) + i, n)) if progress else None, total)
    return run(current, old, problems + old_problems, cat, options,
               [str(f) for f in files], [str(f) for f in past], files + past, progress)


def validate(paths, **kwargs) -> Report:
    """Check registers and return the report (see `check` for the options)."""
    return check(paths, **kwargs).report


def check_values(values: list[list], *, name: str, sheet: str = "Registro", catalogue=None, today=None,
                 month=None, workday_minutes=DEFAULT_WORKDAY_MINUTES) -> Checked:
    """Check the cells of an open workbook's sheet (2-D values from A1)."""
    cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)
    options = make_options(month, today, workday_minutes)
    try:
        current, problems = [register_from_values(values, name, sheet)], []
    except FileProblem as exc:
        current, problems = [], [_file_problem(exc)]
    return run(current, [], problems, cat, options, [name], [], [])


def validate_values(values: list[list], **kwargs) -> Report:
    """Report for the cells of an open workbook's sheet."""
    return check_values(values, **kwargs).report


# ---------------------------------------------------------------------------------------------
# Totals and export: both start from one check, and refuse to work on a partial set of files.


def require_usable(checked: Checked) -> None:
    """Raise FileProblem when an input could not be read at all (its rows would be silently missing)."""
    unusable = checked.report.unusable_files
    if unusable:
        first = unusable[0]
        others = f" (e altri {len(unusable) - 1} file)" if len(unusable) > 1 else ""
        raise FileProblem(first.rule, first.file,
                          f"{first.message}{others} Nessun risultato prodotto: correggere il file o toglierlo "
                          "dall'elenco.", first.sheet)


def totals_of(checked: Checked, *, fte_hours: float = DEFAULT_FTE_HOURS, carichi=None) -> Totals:
    """Totals of already-checked rows (rows with errori left out and counted); carichi = a Carichi file."""
    require_usable(checked)
    result = compute_totals(checked.frame, checked.catalogue, files=checked.report.files, fte_hours=fte_hours)
    if carichi is not None:
        from validators.plan import read_plan

        result = compare_plan(result, read_plan(carichi, checked.catalogue), checked.catalogue)
    return result


def totals(paths, *, fte_hours: float = DEFAULT_FTE_HOURS, carichi=None, **check_options) -> Totals:
    """Check registers and total their time (see `check` for the options)."""
    return totals_of(check(paths, **check_options), fte_hours=fte_hours, carichi=carichi)


def _export_parts(checked: Checked, profile):
    """(profile, JA rows, their identities, rejected rows) once the balance is proven."""
    from validators import export as ex
    from validators.profile import Profile, load_profile

    require_usable(checked)
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    laid_out, identities = ex.records(checked.frame, prof)
    rejected = ex.rejected_rows(checked.frame, checked.report)
    ex.check_balance(checked.frame, identities, rejected)
    return prof, laid_out, identities, rejected


def export_of(checked: Checked, target, *, rejects=None, profile=None) -> ExportResult:
    """Write the clean JA file and the rejects from already-checked rows; the balance must add up."""
    from validators import export as ex

    target = Path(target)
    rejects = Path(rejects) if rejects else ex.default_rejects(target)
    ex.check_targets(target, rejects)
    prof, laid_out, identities, rejected = _export_parts(checked, profile)
    ex.write_files(target, rejects, prof, laid_out, identities, rejected, checked.inputs)
    return ExportResult(target=target, rejects=rejects, profile=prof.name, rows_read=checked.frame.height,
                        exported=laid_out.height, rejected=len(rejected), rejected_by_rule=ex.rule_counts(rejected))


def export_tables_of(checked: Checked, *, profile=None) -> tuple[list[list], list[list], ExportResult]:
    """The JA rows and the rejects as tables (header first), for places without files (xlwings Lite)."""
    from validators import export as ex

    prof, laid_out, _, rejected = _export_parts(checked, profile)
    ja = ([prof.headers] if prof.header else []) + ex.rows_of(laid_out, prof)
    scarti = [list(ex.REJECT_HEADERS)] + ex.reject_table(rejected)
    result = ExportResult(target=None, rejects=None, profile=prof.name, rows_read=checked.frame.height,
                          exported=laid_out.height, rejected=len(rejected), rejected_by_rule=ex.rule_counts(rejected))
    return ja, scarti, result


def export(paths, target, *, rejects=None, profile=None, **check_options) -> ExportResult:
    """Check registers and write the clean JA file plus the rejects (see `check` for the options)."""
    return export_of(check(paths, **check_options), target, rejects=rejects, profile=profile)
