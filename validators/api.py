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
from dataclasses import dataclass, replace
from typing import Callable
from pathlib import Path

from registro.validators.catalogue import Catalogue, load_catalogue
from registro.validators.errors import FileProblem, UsageError
from registro.validators.export.plan import ExportResult
from registro.validators.parallel import side_by_side, workers
from registro.validators.check.checked import Checked, Progress, check_registers, prerequisite_codes
from registro.validators.read.register import RawRegister, find_registers, read_register, register_from_values
from registro.validators.report import Problem, Report
from registro.validators.check.rules.context import DEFAULT_WORKDAY_MINUTES, Options
from registro.validators.check.rules.registry import BY_ID
from registro.validators.totals import DEFAULT_FTE_HOURS, Totals, compare_plan
from registro.validators.totals import compute as compute_totals


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


def _read_one(path: Path, sheet, in_parts: bool) -> RawRegister | Problem:
    try:
        return read_register(path, sheet, in_parts=in_parts)
    except FileProblem as exc:
        return _file_problem(exc)


def _read_all(paths: list[Path], sheet, progress: Progress | None) -> list[RawRegister | Problem]:
    """Read the files side by side (the readers release the GIL): a register or a problem each, in order.

    With fewer files than cores, a large sheet is also read in parts on the cores left free."""
    total = len(paths) + 1  # the check is the last step
    if progress and paths:
        progress(f"Lettura di {paths[0].name}" if len(paths) == 1 else f"Lettura di {len(paths)} file", 0, total)
    done = (lambda n: progress(f"Lettura: {n} di {len(paths)} file", n, total)) if progress else None
    in_parts = len(paths) < workers()
    return side_by_side([lambda p=p: _read_one(p, sheet, in_parts) for p in paths], done=done)


def _split(results: list[RawRegister | Problem]) -> tuple[list[RawRegister], list[Problem]]:
    return [r for r in results if isinstance(r, RawRegister)], [r for r in results if not isinstance(r, RawRegister)]


# The checking engine, and pandera's built-in checks that pandera itself imports only at the
# first validation (their registration takes a quarter of a second).
_ENGINE_MODULES = ("registro.validators.check.engine", "pandera.backends.polars.builtin_checks")


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
    results = _read_all(files + past, sheet, progress)
    current, problems = _split(results[:len(files)])
    old, old_problems = _split(results[len(files):])
    return check_registers(current, history=old, file_problems=problems + old_problems, catalogue=cat,
                           options=options, names=[str(f) for f in files], history_names=[str(f) for f in past],
                           inputs=files + past, progress=progress, archived=archived)


def _archive_history(archive, key):
    """The archive as a history source (None without an archive); opened before any reading, so a
    missing archive or a wrong key stops the run at once."""
    if archive is None:
        return None
    from registro.validators.archive.history import ArchiveHistory
    from registro.validators.archive.store import Archive

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
        from registro.validators.read.carichi import read_plan

        result = compare_plan(result, read_plan(carichi, checked.catalogue), checked.catalogue)
    return result


def totals(paths, *, fte_hours: float = DEFAULT_FTE_HOURS, carichi=None, **check_options) -> Totals:
    """Check registers and total their time (see `check` for the options)."""
    return totals_of(check(paths, **check_options), fte_hours=fte_hours, carichi=carichi)


def export_plan(checked: Checked, *, profile=None):
    """The export of already-checked rows, proven balanced (registro.validators.export.plan.ExportPlan)."""
    from registro.validators.export.plan import ExportPlan
    from registro.validators.export.profile import Profile, load_profile

    require_usable(checked)
    return ExportPlan.prepare(checked, profile if isinstance(profile, Profile) else load_profile(profile))


def export_of(checked: Checked, target, *, rejects=None, profile=None) -> ExportResult:
    """Write the clean JA file and the rejects from already-checked rows; the balance must add up."""
    from registro.validators.export.plan import check_targets, default_rejects

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
# The month in one pass: one read, one check, then every output from the same checked rows.


@dataclass
class Month:
    """What one check gives for a month: the checked rows, their totals and their export (no files).

    totals and plan are None when an input could not be read at all (nothing is totalled or
    exported from a partial set of files). The add-in renders this into the open workbook.
    """

    checked: Checked
    totals: Totals | None
    plan: object | None  # registro.validators.export.plan.ExportPlan


def month_of(checked: Checked, *, fte_hours: float = DEFAULT_FTE_HOURS, carichi=None, profile=None) -> Month:
    """Totals and export of one check (the clean rows computed once, shared by both).

    One after the other: each is a polars query that already uses every core; computed side by
    side in two threads they took as long or longer (measured on 1,000,000 rows).
    """
    if checked.report.unusable_files:
        return Month(checked, None, None)
    return Month(checked, totals_of(checked, fte_hours=fte_hours, carichi=carichi), export_plan(checked, profile=profile))


# Output names in the month's folder; an annotated copy is named after its input.
REPORT_XLSX, REPORT_JSON = "rapporto.xlsx", "rapporto.json"
TOTALS_XLSX, TOTALS_CSV = "riepilogo.xlsx", "riepilogo.csv"
EXPORT_FILE, REJECTS_XLSX, REJECTS_CSV = "ja.csv", "scarti.xlsx", "scarti.csv"


@dataclass(frozen=True)
class MonthResult:
    """What `registro mese` found and wrote: the report, the totals, the export and the files."""

    report: Report
    totals: Totals | None  # None when an input is unusable (then nothing is totalled or exported)
    export: ExportResult | None
    written: tuple[Path, ...]
    annotated: tuple[Path, ...]
    stored: object = None  # what month_pass's store returned (e.g. the archive's import result)

    @property
    def exit_code(self) -> int:
        """As `registro valida`: 2 if a file is unusable, 1 if any errore, else 0."""
        return self.report.exit_code


def annotated_names(sources: list[Path], folder: Path) -> dict[Path, Path]:
    """Where each input's annotated copy goes: NAME_annotato.xlsx (.xlsm kept), numbered when names repeat."""
    out: dict[Path, Path] = {}
    taken: set[str] = set()
    for source in sources:
        suffix = ".xlsm" if source.suffix.lower() == ".xlsm" else ".xlsx"
        name, n = f"{source.stem}_annotato{suffix}", 1
        while name.lower() in taken:
            n += 1
            name = f"{source.stem}_{n}_annotato{suffix}"
        taken.add(name.lower())
        out[source] = folder / name
    return out


def write_month(month: Month, folder, *, excel: bool = True) -> MonthResult:
    """Write the month's outputs into folder, side by side where that pays; each file atomically.

    excel=False writes text files only (rapporto.json, riepilogo.csv, ja.csv, scarti.csv) and no
    annotated copies: for very large volumes, where Excel files cost more than the check.
    """
    from registro.validators.render.totals_workbook import write_totals
    from registro.validators.render.report_files import write_report

    checked, folder = month.checked, Path(folder)
    report, inputs = checked.report, checked.inputs
    folder.mkdir(parents=True, exist_ok=True)
    if excel:  # imported here, once: openpyxl's modules import each other and fail when first imported by two threads
        for name in ("openpyxl", "openpyxl.chart", "openpyxl.comments", "openpyxl.writer.excel"):
            importlib.import_module(name)
    tasks: list = [lambda: write_report(report, folder / REPORT_JSON, inputs)]
    copies: dict[Path, Path] = {}
    if excel:
        tasks.append(lambda: write_report(report, folder / REPORT_XLSX, inputs))
        with_problems = {p.file for p in report.problems if p.row is not None}
        unusable = {p.file for p in report.unusable_files}
        copies = annotated_names([Path(f) for f in report.files if f in with_problems and f not in unusable], folder)
        if copies:
            from registro.validators.render.annotated import annotate

            tasks += [lambda s=s, t=t: annotate(s, report, t, inputs) for s, t in copies.items()]
    if month.totals is not None:
        totals_target = folder / (TOTALS_XLSX if excel else TOTALS_CSV)
        tasks.append(lambda: write_totals(month.totals, totals_target, inputs))
    if month.plan is not None:
        rejects = folder / (REJECTS_XLSX if excel else REJECTS_CSV)
        tasks.append(lambda: month.plan.write(folder / EXPORT_FILE, rejects, inputs))
    # Side by side: the annotated copies stream zip parts (zlib releases the GIL); the openpyxl
    # files neither gain nor lose (measured), so one file's slowness does not wait for the others.
    results = side_by_side(tasks)
    export_result = results.pop() if month.plan is not None else None
    written = list(results)
    if export_result is not None:
        written += [export_result.target, export_result.rejects]
    annotated = tuple(r for r in results if r in set(copies.values()))
    return MonthResult(report, month.totals, export_result, tuple(written), annotated)


def month_pass(paths, folder, *, history=(), fte_hours: float = DEFAULT_FTE_HOURS, carichi=None, profile=None,
               excel: bool = True, store: Callable[[Checked], object] | None = None,
               progress: Progress | None = None, **check_options) -> MonthResult:
    """The month's job in one pass: read and check once, then write into folder the report, the
    annotated copies of the inputs with problems, the totals, the JA file and the rejects.

    check_options go to `check` (month, sheet, catalogue, today, workday_minutes, exclude ...).
    store, when given, receives the checked month after the files are written, if every input
    was usable (the seam for keeping the month's rows, e.g. in an archive); its result is
    MonthResult.stored.
    """
    from registro.validators.export.profile import Profile, load_profile

    folder = Path(folder)
    for given in (*paths, *history):  # the next month's run would read the outputs as registers
        if Path(given).is_dir() and Path(given).resolve() == folder.resolve():
            raise UsageError(f"la cartella di uscita '{folder}' è anche una cartella di registri da leggere: "
                             "scegliere un'altra cartella (ad es. -o uscita).")
    profile = profile if isinstance(profile, Profile) else load_profile(profile)  # a bad profile stops before any work
    checked = check(paths, history=history, progress=progress, **check_options)
    values = month_of(checked, fte_hours=fte_hours, carichi=carichi, profile=profile)
    if progress:
        progress("Scrittura dei risultati", 1, 1)
    result = write_month(values, folder, excel=excel)
    if store is not None and values.totals is not None:
        result = replace(result, stored=store(checked))
    return result


# ---------------------------------------------------------------------------------------------
# Archive: the checked months kept with pseudonyms (registro.validators.archive)


def open_archive(folder, key=None, *, create: bool = False, need_key: bool = True):
    """The archive in `folder` (registro.validators.archive.store.Archive); key = its key file (default beside it)."""
    from registro.validators.archive.store import Archive

    return Archive.open(folder, key, create=create, need_key=need_key)


def archive_of(checked: Checked, archive, key=None):
    """Store the rows without errori of already-checked registers (AddResult); creates the archive if new."""
    from registro.validators.archive.store import Archive

    require_usable(checked)
    target = archive if isinstance(archive, Archive) else open_archive(archive, key, create=True)
    return target.add(checked)


def archive_add(paths, archive, *, key=None, **check_options):
    """Check registers against the archive's history and store their rows without errori (AddResult).

    The archive's writer lock is held from the history read to the import: imports running at the
    same time give the archive of the same imports in sequence."""
    target = open_archive(archive, key, create=True)
    with target.importing():
        return archive_of(check(paths, archive=target, **check_options), target)


def archive_totals(archive, *, since=None, until=None, catalogue=None, fte_hours: float = DEFAULT_FTE_HOURS) -> Totals:
    """Totals of the archived months since..until ('AAAA-MM'), from the archive alone (no key needed);
    archive a folder or an opened Archive."""
    from registro.validators.archive.store import Archive

    cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)
    since, until = (f"{m[0]:%Y-%m}" if (m := parse_month(text)) else None for text in (since, until))
    if since and until and since > until:
        raise UsageError(f"--dal {since} viene dopo --al {until}.")
    target = archive if isinstance(archive, Archive) else open_archive(archive, need_key=False)
    rows = target.table(since, until)
    if rows.is_empty():
        raise UsageError(f"nessuna riga nell'archivio '{target.folder}' per il periodo indicato.")
    sources = [f"archivio {target.folder}"]
    return compute_totals(rows, cat, files=sources, rows_read=rows.height, fte_hours=fte_hours)
