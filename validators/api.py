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
from pathlib import Path

from validators.catalogue import Catalogue, load_catalogue
from validators.errors import FileProblem, UsageError
from validators.export.plan import ExportResult
from validators.check.checked import Checked, Progress, check_registers, prerequisite_codes
from validators.read.register import RawRegister, find_registers, read_register, register_from_values
from validators.report import Problem, Report
from validators.check.rules.context import DEFAULT_WORKDAY_MINUTES, Options
from validators.check.rules.registry import BY_ID
from validators.totals import DEFAULT_FTE_HOURS, Totals, compare_plan
from validators.totals import compute as compute_totals


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


# The checking engine, and pandera's built-in checks that pandera itself imports only at the
# first validation (their registration takes a quarter of a second).
_ENGINE_MODULES = ("validators.check.engine", "pandera.backends.polars.builtin_checks")


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


def check(paths, *, history=(), month=None, sheet=None, catalogue=None, today=None,
          workday_minutes=DEFAULT_WORKDAY_MINUTES, exclude=(), progress: Progress | None = None,
          archive=None, key=None) -> Checked:
    """Read and check registers (files or folders) with optional history files and an archive
    (`archive` a folder, `key` its key file, default beside it) used as history."""
    cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)
    options = make_options(month, today, workday_minutes, exclude)
    files = find_registers(list(paths))
    if not files:
        raise UsageError("nessun registro trovato nei percorsi indicati (.xlsx, .xlsm, .ods, .csv).")
    archived = _archive_history(archive, key)
    if archived is not None:
        archived.prefetch(prerequisite_codes(cat))  # reads the archive while the registers are read
    past = find_registers(list(history))
    _import_engine_in_background()
    total = len(files) + len(past) + 1
    current, problems = _read_all(files, sheet, progress, total)
    old, old_problems = _read_all(past, sheet, (lambda stage, i, n: progress(stage, len(files) + i, n)) if progress else None, total)
    return check_registers(current, history=old, file_problems=problems + old_problems, catalogue=cat,
                           options=options, names=[str(f) for f in files], history_names=[str(f) for f in past],
                           inputs=files + past, progress=progress, archived=archived)


def _archive_history(archive, key):
    """The archive as a history source (None without an archive); opened before any reading, so a
    missing archive or a wrong key stops the run at once."""
    if archive is None:
        return None
    from validators.archive.history import ArchiveHistory
    from validators.archive.store import Archive

    return ArchiveHistory(archive if isinstance(archive, Archive) else Archive.open(archive, key))


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
    return check_registers(current, history=[], file_problems=problems, catalogue=cat, options=options,
                           names=[name], history_names=[], inputs=[])


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
    result = compute_totals(checked.clean(), checked.catalogue, files=checked.report.files,
                            rows_read=checked.rows_read, fte_hours=fte_hours)
    if carichi is not None:
        from validators.read.carichi import read_plan

        result = compare_plan(result, read_plan(carichi, checked.catalogue), checked.catalogue)
    return result


def totals(paths, *, fte_hours: float = DEFAULT_FTE_HOURS, carichi=None, **check_options) -> Totals:
    """Check registers and total their time (see `check` for the options)."""
    return totals_of(check(paths, **check_options), fte_hours=fte_hours, carichi=carichi)


def export_plan(checked: Checked, *, profile=None):
    """The export of already-checked rows, proven balanced (validators.export.plan.ExportPlan)."""
    from validators.export.plan import ExportPlan
    from validators.export.profile import Profile, load_profile

    require_usable(checked)
    return ExportPlan.prepare(checked, profile if isinstance(profile, Profile) else load_profile(profile))


def export_of(checked: Checked, target, *, rejects=None, profile=None) -> ExportResult:
    """Write the clean JA file and the rejects from already-checked rows; the balance must add up."""
    from validators.export.plan import check_targets, default_rejects

    target = Path(target)
    check_targets(target, Path(rejects) if rejects else default_rejects(target))  # before any work
    return export_plan(checked, profile=profile).write(target, rejects, checked.inputs)


def export_tables_of(checked: Checked, *, profile=None) -> tuple[list[list], list[list], ExportResult]:
    """The JA rows and the rejects as tables (header first), for places without files (xlwings Lite)."""
    plan = export_plan(checked, profile=profile)
    ja, scarti = plan.tables()
    return ja, scarti, plan.result()


def export(paths, target, *, rejects=None, profile=None, **check_options) -> ExportResult:
    """Check registers and write the clean JA file plus the rejects (see `check` for the options)."""
    return export_of(check(paths, **check_options), target, rejects=rejects, profile=profile)


# ---------------------------------------------------------------------------------------------
# Archive: the checked months kept with pseudonyms (validators.archive)


def open_archive(folder, key=None, *, create: bool = False, need_key: bool = True):
    """The archive in `folder` (validators.archive.store.Archive); key = its key file (default beside it)."""
    from validators.archive.store import Archive

    return Archive.open(folder, key, create=create, need_key=need_key)


def archive_of(checked: Checked, archive, key=None):
    """Store the rows without errori of already-checked registers (AddResult); creates the archive if new."""
    from validators.archive.store import Archive

    require_usable(checked)
    target = archive if isinstance(archive, Archive) else open_archive(archive, key, create=True)
    return target.add(checked)


def archive_add(paths, archive, *, key=None, **check_options):
    """Check registers against the archive's history and store their rows without errori (AddResult)."""
    target = open_archive(archive, key, create=True)
    return archive_of(check(paths, archive=target, **check_options), target)


def archive_totals(archive, *, since=None, until=None, catalogue=None, fte_hours: float = DEFAULT_FTE_HOURS) -> Totals:
    """Totals of the archived months since..until ('AAAA-MM'), from the archive alone (no key needed)."""
    cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)
    since, until = (f"{m[0]:%Y-%m}" if (m := parse_month(text)) else None for text in (since, until))
    if since and until and since > until:
        raise UsageError(f"--dal {since} viene dopo --al {until}.")
    target = open_archive(archive, need_key=False)
    rows = target.table(since, until)
    if rows.is_empty():
        raise UsageError(f"nessuna riga nell'archivio '{target.folder}' per il periodo indicato.")
    sources = [f"archivio {target.folder}"]
    return compute_totals(rows, cat, files=sources, rows_read=rows.height, fte_hours=fte_hours)
