"""Shortcuts over the public API (`registro`) for tests: the check's options as keywords.

    validate(paths, month="2026-10", today=...)   == registro.check(paths, CheckOptions(...)).report
    totals(paths, fte_hours=150, month=...)       == registro.totals(registro.check(...), fte_hours=150)

Only compositions of the public functions: what a user of the API writes, shortened.
"""

from __future__ import annotations

import registro
from registro import CheckOptions, export_plan


def _split(kwargs: dict, *names: str) -> tuple[dict, CheckOptions]:
    """The keywords that are not check options, and the CheckOptions of the others."""
    own = {n: kwargs.pop(n) for n in names if n in kwargs}
    return own, CheckOptions(**kwargs)


def check(paths, options: CheckOptions | None = None, *, progress=None, **kwargs):
    """registro.check with the options as keywords (month=, today=, history=, archive= ...)."""
    return registro.check(paths, options or CheckOptions(**kwargs), progress=progress)


def validate(paths, **kwargs):
    """The report of a check."""
    return check(paths, **kwargs).report


def check_values(values, *, name: str = "registro.xlsx", sheet: str = "Registro", **kwargs):
    """registro.check_values with the options as keywords."""
    return registro.check_values(values, name=name, sheet=sheet, options=CheckOptions(**kwargs))


def validate_values(values, **kwargs):
    """The report of a check of an open workbook's values."""
    return check_values(values, **kwargs).report


def totals(paths, **kwargs):
    """Check, then total (fte_hours=, carichi= go to registro.totals)."""
    own, options = _split(kwargs, "fte_hours", "carichi")
    return registro.totals(registro.check(paths, options), **own)


def export(paths, target, **kwargs):
    """Check, then write the JA file and the rejects (rejects=, profile= go to registro.export)."""
    own, options = _split(kwargs, "rejects", "profile")
    return registro.export(registro.check(paths, options), target, **own)


def export_tables(checked, *, profile=None):
    """The JA rows, the rejects (tables, header first) and the counts of one check's export."""
    plan = export_plan(checked, profile=profile)
    ja, rejects = plan.tables()
    return ja, rejects, plan.result()


def archive_add(paths, folder, *, key=None, **kwargs):
    """What `registro archivio aggiungi` does: check against the archive (created if new), then add,
    under the archive's writer lock from the history read to the import."""
    archive = registro.open_archive(folder, key, create=True)
    with archive.importing():
        checked = registro.check(paths, CheckOptions(archive=archive, **kwargs))
        return registro.archive_add(checked, archive)


def month_pass(paths, folder, **kwargs):
    """registro.month_pass with the check options as keywords."""
    own, options = _split(kwargs, "fte_hours", "carichi", "profile", "excel", "store", "progress")
    return registro.month_pass(paths, folder, options, **own)
