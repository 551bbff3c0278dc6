"""The public entry points, re-exported by `registro` (registro/__init__.py lists the whole API;
docs/sviluppo/api.md shows it at work). The command line and the Excel add-in call them through `registro`.

One tier: `check` reads and checks registers once and returns a `Checked`; every other step is
a function of that value, so the report, the totals, the export and the archive always agree:

    check(paths, options) / check_values(values, ...)  -> Checked (.report: the Report)
    write_report(checked, target), annotate(checked, target)
    totals(checked) -> Totals,  write_totals(totals, target)
    export_plan(checked) -> ExportPlan (.tables(), .write()),  export(checked, target) -> ExportResult
    month(checked) -> Month,  month_pass(paths, folder, options) -> MonthResult (every output written)
    open_archive, archive_add(checked, archive), archive_status, archive_remove, archive_verify,
    archive_totals

The options of a check are one value, CheckOptions (registro/validators/options.py). Errors are
the domain errors of registro/validators/errors.py; an error about an argument names it by its
parameter here (RegistroError.params), never by a command-line flag.
"""

from __future__ import annotations

import calendar
import datetime as dt
import importlib
import sys
import threading
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path

from registro.validators.catalogue import Catalogue, load_catalogue
from registro.validators.check.checked import Checked, Progress, check_registers, history_codes
from registro.validators.check.rules.context import Options
from registro.validators.rules import BY_ID, RULES, Rule
from registro.validators.errors import FileProblem, UnusableInputs, UsageError
from registro.validators.export.plan import ExportResult
from registro.validators.options import DEFAULT_FTE_HOURS, DEFAULT_SHEET, CheckOptions, as_tuple
from registro.validators.output_set import OutputSet, failed_step
from registro.validators.parallel import side_by_side, workers
from registro.validators.read import discover
from registro.validators.read.discover import Found
from registro.validators.read.register import RawRegister, read_register, register_from_values
from registro.validators.report import Problem, Report
from registro.validators.totals import Totals, compare_plan
from registro.validators.totals import compute as compute_totals

# ---------------------------------------------------------------------------------------------
# Checking: registers (files, folders, or an open workbook's values) -> Checked


def _month_range(text: str | None) -> tuple[dt.date, dt.date] | None:
    """'2026-10' -> (2026-10-01, 2026-10-31); UsageError when malformed."""
    if not text:
        return None
    try:
        year, month = (int(x) for x in text.strip().split("-"))
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, 1), dt.date(year, month, last)
    except (ValueError, calendar.IllegalMonthError):
        raise UsageError(f"mese '{text}' non valido: usare il formato AAAA-MM, ad es. 2026-10.") from None


def _month_text(text: str | None) -> str | None:
    """'2026-1' -> '2026-01' (checked), None -> None."""
    span = _month_range(text)
    return f"{span[0]:%Y-%m}" if span else None


def _engine_options(options: CheckOptions) -> Options:
    """The engine's settings from the user's, checking rule ids and limits."""
    unknown = [r for r in options.exclude if r not in BY_ID]
    if unknown:
        raise UsageError("regola sconosciuta in {exclude}: {rules} (vedere 'registro regole').",
                         params=("exclude",), rules=", ".join(unknown))
    if options.workday_minutes <= 0:
        raise UsageError("la giornata lavorativa deve essere di almeno un minuto.")
    return Options(today=options.today or dt.date.today(), month=_month_range(options.month),
                   workday_minutes=options.workday_minutes, exclude=frozenset(options.exclude))


def _catalogue(value) -> Catalogue:
    return value if isinstance(value, Catalogue) else load_catalogue(value)


def _file_problem(p: FileProblem) -> Problem:
    return Problem(p.file, p.sheet, None, None, p.rule, "errore", None, p.fields)


def _read_one(path: Path, sheet, in_parts: bool, name: str) -> RawRegister | Problem:
    try:
        return read_register(path, sheet, in_parts=in_parts, name=name)
    except FileProblem as exc:
        return _file_problem(exc)


def _read_all(found: Found, sheet, progress: Progress | None) -> list[RawRegister | Problem]:
    """Read the files side by side (the readers release the GIL): a register or a problem each, in order.

    With fewer files than cores, a large sheet is also read in parts on the cores left free."""
    paths = found.files
    total = len(paths) + 1  # the check is the last step
    if progress and paths:
        progress(f"Lettura di {found.names[0]}" if len(paths) == 1 else f"Lettura di {len(paths)} file", 0, total)
    done = (lambda n: progress(f"Lettura: {n} di {len(paths)} file", n, total)) if progress else None
    in_parts = len(paths) < workers()
    return side_by_side([lambda p=p, n=n: _read_one(p, sheet, in_parts, n) for p, n in zip(paths, found.names)],
                        done=done)


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


def _archive_history(archive, key):
    """The archive as a history source (None without an archive); opened before any reading, so a
    missing archive or a wrong key stops the run at once."""
    if archive is None:
        return None
    from registro.validators.archive.history import ArchiveHistory
    from registro.validators.archive.store import Archive

    return ArchiveHistory(archive if isinstance(archive, Archive) else Archive.open(archive, key))


def _history(options: CheckOptions, catalogue: Catalogue):
    """The archive of options as a history source (its reading started) and the history files."""
    archived = _archive_history(options.archive, options.key)
    if archived is not None:
        archived.prefetch(history_codes(catalogue))  # reads the archive while the registers are read
    return archived, discover.find(list(options.history))


def check(paths, options: CheckOptions | None = None, *, progress: Progress | None = None) -> Checked:
    """Read and check registers (files or folders, or one of them); the result of every later step.

    options: a CheckOptions (month, today, sheet, catalogue, history, archive and key,
    workday_minutes, exclude). progress(stage, done, total) is called as the work advances.
    """
    options = options or CheckOptions()
    catalogue, engine = _catalogue(options.catalogue), _engine_options(options)
    found = discover.find(list(as_tuple(paths)))
    if not found.files:
        raise UsageError(_nothing_found(found))
    archived, past = _history(options, catalogue)
    _import_engine_in_background()
    both = discover.Found(found.files + past.files, found.names + past.names)
    results = _read_all(both, options.sheet, progress)  # the history files with the others
    current, problems = _split(results[:len(found.files)])
    old, old_problems = _split(results[len(found.files):])
    checked = check_registers(current, history=old, file_problems=problems + old_problems, catalogue=catalogue,
                              options=engine, names=found.names, history_names=past.names,
                              inputs=found.files + past.files, progress=progress, archived=archived)
    checked.report.left_out = [(x.name, x.reason) for x in found.left_out + past.left_out]
    checked.sources = dict(zip(found.names, found.files))
    return checked


def _nothing_found(found: Found) -> str:
    """Why no register was found, naming what the folders held."""
    text = "nessun registro trovato nei percorsi indicati (.xlsx, .xlsm, .xls, .ods, .csv)"
    if not found.left_out:
        return text + ": le cartelle sono vuote."
    shown = "; ".join(f"{x.name}: {x.reason}" for x in found.left_out[:5])
    more = f" (e altri {len(found.left_out) - 5})" if len(found.left_out) > 5 else ""
    return f"{text}; lasciati fuori: {shown}{more}."


def check_values(values: list[list], *, name: str, sheet: str = DEFAULT_SHEET,
                 options: CheckOptions | None = None, merged=(), formulas: list[list] | None = None) -> Checked:
    """Check the cells of an open workbook's sheet (2-D values from A1): what the Excel add-in does.

    name and sheet are the workbook's and the sheet's names, as the report shows them; the other
    options apply as in `check` (options.sheet names the sheet to read in the history files).
    merged: the sheet's merged ranges, 0-based (first row, first column, last row, last column);
    formulas: its formulas, parallel to values; with them the sheet is read as the saved file is.
    """
    options = options or CheckOptions()
    catalogue, engine = _catalogue(options.catalogue), _engine_options(options)
    try:
        current, problems = [register_from_values(values, name, sheet, merged=merged, formulas=formulas)], []
    except FileProblem as exc:
        current, problems = [], [_file_problem(exc)]
    archived, past = _history(options, catalogue)
    old, old_problems = _split(_read_all(past, options.sheet, None)) if past.files else ([], [])
    checked = check_registers(current, history=old, file_problems=problems + old_problems, catalogue=catalogue,
                              options=engine, names=[name], history_names=past.names, inputs=past.files,
                              archived=archived)
    checked.report.left_out = [(x.name, x.reason) for x in past.left_out]
    return checked


# ---------------------------------------------------------------------------------------------
# The report of a check, as files


def _written(out, inputs, target, writer) -> Path:
    """target written by writer(path): into the OutputSet out, or put in place at once without one."""
    with nullcontext(out) if out is not None else OutputSet(inputs) as files:
        return files.write(target, writer)


def write_report(checked: Checked, target, *, out: OutputSet | None = None) -> Path:
    """Write the whole report to target: .json, .csv or .xlsx (never onto an input); with out, an
    OutputSet, the file is put in place with the run's other files, all or none."""
    from registro.validators.render.report_files import write_report as write

    return _written(out, checked.inputs, target, lambda path: write(checked.report, path, checked.inputs))


def annotate(checked: Checked, target, *, out: OutputSet | None = None) -> list[Path]:
    """Annotated copies (Esito column, coloured cells, comments, Verifica sheet) of the registers with
    problems: target is the copy's file (.xlsx) for one register, else a folder where each copy is
    named after its register (prefixed by its folders when names repeat); all written or none."""
    from registro.validators.render.annotated import annotate_all

    return annotate_all(checked.report, Path(target), checked.inputs, checked.sources, out)


# ---------------------------------------------------------------------------------------------
# Totals and export: both start from one check, and refuse to work on a partial set of files.


def _require_usable(checked: Checked) -> None:
    """Raise UnusableInputs when an input could not be read at all (its rows would be silently missing)."""
    if checked.report.unusable_files:
        raise UnusableInputs(checked.report.unusable_files)


def totals(checked: Checked, *, fte_hours: float = DEFAULT_FTE_HOURS, carichi=None, partial: bool = False) -> Totals:
    """Time totals of the checked rows (rows with errori left out and counted); carichi = a filled
    template whose Carichi sheet plans the hours, compared with the actual ones.

    An input that could not be read at all is a FileProblem; partial=True totals the others
    instead (the report names the unusable ones: say so to the user)."""
    if not partial:
        _require_usable(checked)
    unusable = {p.file for p in checked.report.unusable_files}
    result = compute_totals(checked.clean(), checked.catalogue,
                            files=[f for f in checked.report.files if f not in unusable],
                            rows_read=checked.rows_read, fte_hours=fte_hours)
    if carichi is not None:
        from registro.validators.read.carichi import read_plan

        result = compare_plan(result, read_plan(carichi, checked.catalogue), checked.catalogue)
    return result


def write_totals(totals: Totals, target, *, inputs=(), out: OutputSet | None = None) -> Path:
    """Write totals to target: .xlsx (a sheet per roll-up, with charts), .csv or .json; never onto inputs
    (with out, put in place with the run's other files)."""
    from registro.validators.render.totals_workbook import write_totals as write

    return _written(out, inputs, target, lambda path: write(totals, path, inputs))


def export_plan(checked: Checked, *, profile=None, partial: bool = False):
    """The JA export of the checked rows, proven balanced (ExportPlan: .tables(), .result(), .write()).

    profile: a Profile, a profile file (YAML), or None for the bundled JA layout. partial: as in
    `totals`, the export of the usable inputs when some are not."""
    from registro.validators.export.plan import ExportPlan

    if not partial:
        _require_usable(checked)
    return ExportPlan.prepare(checked, _profile(profile))


def _profile(value):
    from registro.validators.export.profile import Profile, load_profile

    return value if isinstance(value, Profile) else load_profile(value)


def export(checked: Checked, target, *, rejects=None, profile=None, partial: bool = False,
           out: OutputSet | None = None) -> ExportResult:
    """Write the clean JA file (target) and the rejects with their reasons (default NAME_scarti.xlsx
    beside it), both or neither; nothing is written unless every row read is exported or rejected."""
    from registro.validators.export.plan import check_targets, default_rejects

    target = Path(target)
    check_targets(target, Path(rejects) if rejects else default_rejects(target))  # before any work
    return export_plan(checked, profile=profile, partial=partial).write(target, rejects, checked.inputs, out=out)


# ---------------------------------------------------------------------------------------------
# The month in one pass: one read, one check, then every output from the same checked rows.


@dataclass
class Month:
    """What one check gives for a month: the checked rows, their totals and their export (no files).

    totals and plan are None when no input could be read; with some inputs unusable they cover
    the others (the report names the unusable ones). The add-in renders this into the open workbook.
    """

    checked: Checked
    totals: Totals | None
    plan: object | None  # registro.validators.export.plan.ExportPlan


def month(checked: Checked, *, fte_hours: float = DEFAULT_FTE_HOURS, carichi=None, profile=None) -> Month:
    """Totals and export of one check (the clean rows computed once, shared by both).

    One after the other: each is a polars query that already uses every core; computed side by
    side in two threads they took as long or longer (measured on 1,000,000 rows).
    """
    if not checked.rows_read and checked.report.unusable_files:
        return Month(checked, None, None)
    # A file that cannot be used does not stop the others: their totals and export are made
    # (the report names it first, the exit code is 2, and nothing is archived).
    return Month(checked, totals(checked, fte_hours=fte_hours, carichi=carichi, partial=True),
                 export_plan(checked, profile=profile, partial=True))


# Output names in the month's folder; an annotated copy is named after its input.
REPORT_XLSX, REPORT_JSON = "rapporto.xlsx", "rapporto.json"
TOTALS_XLSX, TOTALS_CSV = "riepilogo.xlsx", "riepilogo.csv"
EXPORT_FILE, REJECTS_XLSX, REJECTS_CSV = "ja.csv", "scarti.xlsx", "scarti.csv"


@dataclass(frozen=True)
class MonthResult:
    """What `month_pass` found and wrote: the report, the totals, the export and the files."""

    report: Report
    totals: Totals | None  # None when no input could be read (with some unusable: the others' totals)
    export: ExportResult | None
    written: tuple[Path, ...]
    annotated: tuple[Path, ...]
    not_annotated: tuple[Path, ...] = ()  # inputs with problems in a format without annotated copies (.ods, .xls)
    stored: object = None  # with store=True: the archive's AddResult (None when nothing was stored)
    removed: tuple[Path, ...] = ()  # a previous run's totals and JA files, taken away when an input is unusable

    @property
    def exit_code(self) -> int:
        """As `registro valida`: 2 if a file is unusable, 1 if any errore, else 0."""
        return self.report.exit_code


def _write_month(values: Month, folder: Path, out: OutputSet, *, excel: bool = True) -> MonthResult:
    """Write the month's outputs aside into out (put in place together by the caller), side by side
    where that pays; a failure names the file that could not be written.

    excel=False writes text files only (rapporto.json, riepilogo.csv, ja.csv, scarti.csv) and no
    annotated copies: for very large volumes, where Excel files cost more than the check.
    """
    from registro.validators.render.report_files import write_report as write_report_file
    from registro.validators.render.totals_workbook import write_totals as write_totals_file

    checked = values.checked
    report, inputs = checked.report, checked.inputs
    if excel:  # imported here, once: openpyxl's modules import each other and fail when first imported by two threads
        for name in ("openpyxl", "openpyxl.chart", "openpyxl.comments", "openpyxl.writer.excel"):
            importlib.import_module(name)
    tasks: list = [lambda: out.write(folder / REPORT_JSON, lambda p: write_report_file(report, p, inputs))]
    copies: dict[Path, Path] = {}
    not_annotated: list[Path] = []
    if excel:
        from registro.validators.render.annotated import ANNOTATABLE, annotated_names
        from registro.validators.render.annotated import annotate as annotate_one

        tasks.append(lambda: out.write(folder / REPORT_XLSX, lambda p: write_report_file(report, p, inputs)))
        with_problems = {p.file for p in report.problems if p.row is not None}
        unusable = {p.file for p in report.unusable_files}
        sources = [checked.source(f) for f in report.files if f in with_problems and f not in unusable]
        not_annotated = [s for s in sources if s.suffix.lower() not in ANNOTATABLE]  # said, not failed
        # Named among every register read, not only those with problems: a copy of Ancona/registro.xlsx
        # beside Macerata/registro.xlsx says which office it is even when only one has problems.
        readable = [checked.source(f) for f in report.files if f not in unusable]
        named = annotated_names([s for s in readable if s.suffix.lower() in ANNOTATABLE], folder,
                                taken=(REPORT_XLSX, REPORT_JSON, TOTALS_XLSX, EXPORT_FILE, REJECTS_XLSX))
        copies = {s: named[s] for s in sources if s not in not_annotated}
        name_of = {checked.source(f): f for f in report.files}
        tasks += [lambda s=s, t=t: out.write(t, lambda p: annotate_one(s, report, p, inputs, name_of[s]))
                  for s, t in copies.items()]
    removed: list[Path] = []
    if values.plan is None:  # no totals, no JA file: a previous run's must not pass for this run's
        removed = [folder / n for n in (TOTALS_XLSX, TOTALS_CSV, EXPORT_FILE, REJECTS_XLSX, REJECTS_CSV)
                   if out.remove(folder / n)]
    if values.totals is not None:
        totals_target = folder / (TOTALS_XLSX if excel else TOTALS_CSV)
        tasks.append(lambda: out.write(totals_target, lambda p: write_totals_file(values.totals, p, inputs)))
    if values.plan is not None:
        rejects = folder / (REJECTS_XLSX if excel else REJECTS_CSV)
        tasks.append(lambda: values.plan.write(folder / EXPORT_FILE, rejects, inputs, out=out))
    # Side by side: the annotated copies stream zip parts (zlib releases the GIL); the openpyxl
    # files neither gain nor lose (measured), so one file's slowness does not wait for the others.
    results = side_by_side(tasks)
    export_result = results.pop() if values.plan is not None else None
    written = list(results)
    if export_result is not None:
        written += [export_result.target, export_result.rejects]
    annotated = tuple(r for r in results if r in set(copies.values()))
    return MonthResult(report, values.totals, export_result, tuple(written), annotated, tuple(not_annotated),
                       removed=tuple(removed))


def month_pass(paths, folder, options: CheckOptions | None = None, *, fte_hours: float = DEFAULT_FTE_HOURS,
               carichi=None, profile=None, excel: bool = True, store: bool = False,
               progress: Progress | None = None) -> MonthResult:
    """The month's job in one pass (`registro mese`): read and check once, then write into folder the
    report, the annotated copies of the inputs with problems, the totals, the JA file and the rejects.

    store=True then adds the month's rows without errori to the archive of options.archive (created
    if new), when every input was usable; MonthResult.stored is the archive's AddResult. The
    archive's writer lock is then held from the reading of its history to the import, so that runs
    at the same time give the archive of the same runs in sequence.
    """
    from registro.validators.archive.store import Archive

    options, folder, paths = options or CheckOptions(), Path(folder), as_tuple(paths)
    for given in (*paths, *options.history):  # the next month's run would read the outputs as registers
        if Path(given).is_dir() and folder.resolve().is_relative_to(Path(given).resolve()):
            raise UsageError("la cartella di uscita '{path}' è anche una cartella di registri da leggere (o sta "
                             "dentro una di esse, che è letta con le sottocartelle): indicare con {folder} "
                             "un'altra cartella.", params=("folder",), path=folder)
    profile = _profile(profile)  # a bad profile stops before any work
    if store:
        if options.archive is None:
            raise UsageError("per archiviare il mese serve un archivio: indicarlo con {archive}.", params=("archive",))
        if not isinstance(options.archive, Archive):  # opened (or created) before any work
            options = replace(options, archive=open_archive(options.archive, options.key, create=True))
    with options.archive.importing() if store else nullcontext():
        checked = check(paths, options, progress=progress)
        values = month(checked, fte_hours=fte_hours, carichi=carichi, profile=profile)
        if progress:
            progress("Scrittura dei risultati", 1, 1)
        with OutputSet(checked.inputs) as out:
            result = _write_month(values, folder, out, excel=excel)
            out.prepare()  # every file written and every target free (a file open in Excel stops here)
            if store and values.totals is not None and not checked.report.unusable_files:
                try:
                    result = replace(result, stored=archive_add(checked, options.archive))
                except Exception as exc:  # noqa: BLE001 - the files go back as they were, the step is named
                    raise failed_step("archiviazione del mese", exc) from exc
            _put_in_place(out, stored=result.stored is not None)
    return result


def _put_in_place(out: OutputSet, *, stored: bool) -> None:
    """The month's files put in place; after the archive took the month, a failure says so."""
    from registro.validators.errors import OutputError

    try:
        out.finish()
    except OutputError as exc:
        if not stored:
            raise
        raise OutputError(f"{exc} Il mese è stato archiviato: ripetere il comando, che lo sostituisce "
                          "nell'archivio e scrive i file.") from exc


# ---------------------------------------------------------------------------------------------
# The archive: the checked months kept with pseudonyms (registro.validators.archive)


def open_archive(folder, key=None, *, create: bool = False, need_key: bool = True):
    """The archive in folder (an Archive: .folder, .key, .new_key, .partitions, .schema, .data_folder,
    .notices, .importing()); key = its key file (default FOLDER.chiave beside it). create=True
    creates the archive and its key when the folder holds none; need_key=False opens it for reading
    totals or removing months, without the key. Opening finishes a change a killed process left half
    done; .notices says so, one Italian line per file."""
    from registro.validators.archive.store import Archive

    return Archive.open(folder, key, create=create, need_key=need_key)


def archive_add(checked: Checked, archive, *, key=None):
    """Store the checked rows without errori in the archive (a folder, created with its key if new, or
    an Archive), replacing every (month, office) pair the registers cover; returns an AddResult.

    To check against the archive and import as if alone (imports at the same time then give the
    archive of the same imports in sequence), hold its writer lock from the check to the import:
    `with archive.importing(): archive_add(check(paths, CheckOptions(archive=archive)), archive)`."""
    from registro.validators.archive.store import Archive

    _require_usable(checked)
    target = archive if isinstance(archive, Archive) else open_archive(archive, key, create=True)
    return target.add(checked)


def archive_status(folder):
    """The archive's status from its metadata alone (no key, no data read): a Status with .partitions
    (Partition: month, office_name, rows, persons, imported, catalogue), .schema (the schema
    version), .data_folder (the dataset folder of Hive partitions that DuckDB, pandas, polars,
    Spark and Power BI read as it is; None for an archive of schema 1 not yet upgraded) and
    .notices (an interrupted change completed on the way, one Italian line per file)."""
    from registro.validators.archive.layout import status

    return status(Path(folder))


def _opened(archive, key=None, *, need_key: bool):
    """An Archive as it is, or the archive in a folder opened."""
    from registro.validators.archive.store import Archive

    return archive if isinstance(archive, Archive) else open_archive(archive, key, need_key=need_key)


def archive_remove(archive, *, office: str | None = None, month: str | None = None, before: str | None = None) -> list:
    """Delete the partitions of an office and/or a month ('AAAA-MM'), or of every month before `before`
    (retention), from the archive (a folder or an Archive); returns the partitions removed (none: the
    archive is unchanged)."""
    month, before = _month_text(month), _month_text(before)
    return _opened(archive, need_key=False).remove(office=office, month=month, before=before)


def archive_verify(archive, *, key=None):
    """Check the archive's (a folder or an Archive) schema, key, files and row counts against its
    metadata; finish or roll back an interrupted change, upgrade an archive of schema 1 and rebuild a
    stale history index (Verification; what it did is in the Archive's .notices); ArchiveError says
    what is wrong."""
    return _opened(archive, key, need_key=True).verify()


def archive_totals(archive, *, since: str | None = None, until: str | None = None, catalogue=None,
                   fte_hours: float = DEFAULT_FTE_HOURS) -> Totals:
    """Totals of the archived months since..until ('AAAA-MM'), from the archive (a folder or an
    Archive) alone (no key needed)."""
    cat = _catalogue(catalogue)
    first, last = _month_text(since), _month_text(until)
    if first and last and first > last:
        raise UsageError("{since} {first} viene dopo {until} {last}.", params=("since", "until"), first=first, last=last)
    target = _opened(archive, need_key=False)
    rows = target.table(first, last)
    if rows.is_empty():
        raise UsageError(f"nessuna riga nell'archivio '{target.folder}' per il periodo indicato.")
    sources = [f"archivio {target.folder}"]
    return compute_totals(rows, cat, files=sources, rows_read=rows.height, fte_hours=fte_hours)


# ---------------------------------------------------------------------------------------------
# The rules


def rules() -> tuple[Rule, ...]:
    """Every rule of the checks (id, severity, column, title, description, message, hint, source), in order."""
    return tuple(RULES)
