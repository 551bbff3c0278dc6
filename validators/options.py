"""How registers are checked, as one value: what `registro.check`, `check_values` and `month_pass` take.

No polars and no engine here: the command line builds a CheckOptions from its flags, and reads
the defaults below for its help, without loading the checking engine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from os import PathLike

DEFAULT_WORKDAY_MINUTES = 432  # 7 h 12 min: 36 hours a week over 5 days
DEFAULT_FTE_HOURS = 36 * 52 / 12  # 156 hours a month: 36 hours a week, 52 weeks, 12 months
DEFAULT_SHEET = "Registro"  # the register's sheet (any case; a workbook with one sheet is read whatever its name)


@dataclass(frozen=True)
class CheckOptions:
    """The settings of one check. Every field is optional; the defaults check today's registers with
    the bundled catalogue and no history.

    month            'AAAA-MM': dates outside that month are errori
    today            reference date instead of today (to re-check a past month)
    sheet            sheet to read (default: Registro, any case, or a workbook's only sheet)
    catalogue        a Catalogue, a catalogue file (YAML), or None for the bundled one
    history          registers (files or folders) of earlier months, read only as history for the sequences
    archive          an archive folder (or an Archive from open_archive) used as history
    key              the archive's key file (default: FOLDER.chiave beside the archive)
    workday_minutes  minutes of an operator's working day
    exclude          ids of rules not to apply (see `rules()`)
    """

    month: str | None = None
    today: dt.date | None = None
    sheet: str | None = None
    catalogue: object = None
    history: tuple[str | PathLike, ...] = ()
    archive: object = None
    key: str | PathLike | None = None
    workday_minutes: int = DEFAULT_WORKDAY_MINUTES
    exclude: tuple[str, ...] = ()

    def __post_init__(self):
        # Lists (or one path, one rule id) are welcome; the value keeps tuples, hashable and frozen.
        object.__setattr__(self, "history", as_tuple(self.history))
        object.__setattr__(self, "exclude", as_tuple(self.exclude))
        if isinstance(self.today, dt.datetime):
            object.__setattr__(self, "today", self.today.date())


def as_tuple(values) -> tuple:
    """One path or text as a 1-tuple, any other iterable as a tuple: 'a.csv' is one file, not five letters."""
    return (values,) if isinstance(values, (str, PathLike)) else tuple(values)
