"""registro: the register of services of the Centri per l'Impiego (Regione Marche), as a Python API.

    import registro
    checked = registro.check(["registri/"], registro.CheckOptions(month="2026-10"))
    checked.report.errors, registro.totals(checked).total["ore"], registro.export(checked, "ja.csv")

docs/sviluppo/api.md shows every step on the bundled example. One tier: `check` reads and checks once and
returns a Checked; the other steps are functions of that value (or of what they return).

Check       CheckOptions, check(paths, options) -> Checked, check_values(values, name=...) -> Checked
            (Checked: .report, .table(), .clean(), .rows_read; Report: .problems, .errors,
            .warnings, .exit_code, .to_dict())
Report      write_report(checked, target), annotate(checked, target)
Totals      totals(checked) -> Totals, write_totals(totals, target)
Export      export_plan(checked) -> ExportPlan (.tables(), .result(), .write()),
            export(checked, target) -> ExportResult
Month       month(checked) -> Month (totals and export, no files),
            month_pass(paths, folder, options) -> MonthResult (every output written; store=True archives)
Outputs     OutputSet(inputs): a run's files, all put in place or none (`with OutputSet(...) as out:`
            then write_report/annotate/write_totals/export(..., out=out)); output_names(sources, name):
            the one naming rule of files derived from input files (prefixed by their folders when alike)
Archive     open_archive(folder) -> Archive (.importing(): the writer lock around a check and its
            import), archive_add(checked, archive), archive_status(folder) -> Status (.partitions,
            .data_folder: the Hive dataset other tools read), archive_remove(archive, ...),
            archive_verify(archive), archive_totals(archive, since, until) (a folder or an Archive)
Catalogue   load_catalogue(path=None) -> Catalogue, find_service(catalogue, code), service_record(...)
Rules       rules() -> the rules of the checks (id, severity, column, message, hint, source)
Builders    build_template(path) (the Excel template; with lite_package, for xlwings Lite),
            lite_requirement(package), build_addin(folder) (registro.xlam)
Errors      RegistroError and its kinds UsageError, FileProblem, CatalogueError, ProfileError,
            BalanceError, ArchiveError, OutputError; user_message(exc): one Italian line for any exception
Values      Checked, Report, Problem, Totals, ExportPlan, ExportResult, Month, MonthResult, Archive,
            Catalogue; the defaults DEFAULT_WORKDAY_MINUTES, DEFAULT_FTE_HOURS, DEFAULT_SHEET
main(book)  the ribbon button of registro.xlam: the month in one pass on the active workbook

Names are imported on first use (PEP 562), so that `import registro` and `registro --help` load
neither polars nor the checking engine. The repository root is this package: `validators/` (the
engine), `xl_addin/` (Excel), `cli.py` and `commands/` (the command line) install as
`registro.validators`, `registro.xl_addin`, `registro.cli` and `registro.commands`.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (type checkers read it the same)

_API = "registro.validators.api"
_ERRORS = "registro.validators.errors"
_OPTIONS = "registro.validators.options"
# Where each public name lives; imported when first asked for.
_WHERE = {
    "CheckOptions": _OPTIONS, "check": _API, "check_values": _API,
    "write_report": _API, "annotate": _API,
    "totals": _API, "write_totals": _API,
    "export_plan": _API, "export": _API,
    "month": _API, "month_pass": _API, "OutputSet": "registro.validators.output_set",
    "output_names": "registro.validators.output_names",
    "open_archive": _API, "archive_add": _API, "archive_status": _API, "archive_remove": _API,
    "archive_verify": _API, "archive_totals": _API,
    "load_catalogue": "registro.validators.catalogue", "find_service": "registro.validators.catalogue.view",
    "service_record": "registro.validators.catalogue.view",
    "rules": _API,
    "build_template": "registro.xl_addin.build.template", "lite_requirement": "registro.xl_addin.build.lite",
    "build_addin": "registro.xl_addin.build.xlam",
    "RegistroError": _ERRORS, "UsageError": _ERRORS, "FileProblem": _ERRORS, "CatalogueError": _ERRORS,
    "ProfileError": _ERRORS, "BalanceError": _ERRORS, "ArchiveError": _ERRORS, "OutputError": _ERRORS,
    "user_message": _ERRORS,
    "Checked": "registro.validators.check.checked", "Report": "registro.validators.report",
    "Problem": "registro.validators.report", "Totals": "registro.validators.totals",
    "ExportPlan": "registro.validators.export.plan", "ExportResult": "registro.validators.export.plan",
    "Month": _API, "MonthResult": _API, "Archive": "registro.validators.archive.store",
    "Catalogue": "registro.validators.catalogue",
    "DEFAULT_WORKDAY_MINUTES": _OPTIONS, "DEFAULT_FTE_HOURS": _OPTIONS, "DEFAULT_SHEET": _OPTIONS,
}
__all__ = [*_WHERE, "main"]


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'registro' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


def main(book=None):
    """The ribbon button of registro.xlam: the month in one pass on the active workbook.

    xlwings' ribbon macro imports the module named like the add-in file (`registro`) and calls
    its main(); the add-in's code lives in registro.xl_addin and is imported only here.
    """
    from registro.xl_addin import main as run_all

    return run_all(book)


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from registro.validators.api import (Month, MonthResult, annotate, archive_add, archive_remove, archive_status,
                                         archive_totals, archive_verify, check, check_values, export, export_plan,
                                         month, month_pass, open_archive, rules, totals, write_report, write_totals)
    from registro.validators.archive.store import Archive
    from registro.validators.catalogue import Catalogue, load_catalogue
    from registro.validators.catalogue.view import find_service, service_record
    from registro.validators.check.checked import Checked
    from registro.validators.errors import (ArchiveError, BalanceError, CatalogueError, FileProblem, OutputError,
                                            ProfileError, RegistroError, UsageError, user_message)
    from registro.validators.export.plan import ExportPlan, ExportResult
    from registro.validators.options import DEFAULT_FTE_HOURS, DEFAULT_SHEET, DEFAULT_WORKDAY_MINUTES, CheckOptions
    from registro.validators.output_names import output_names
    from registro.validators.output_set import OutputSet
    from registro.validators.report import Problem, Report
    from registro.validators.totals import Totals
    from registro.xl_addin.build.lite import lite_requirement
    from registro.xl_addin.build.template import build_template
    from registro.xl_addin.build.xlam import build_addin
