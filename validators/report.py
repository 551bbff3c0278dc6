"""The validation report as a plain value (its renderings are in validators/render/report_files.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from operator import attrgetter
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

from registro.validators.messages import text

REPORT_VERSION = 1
COLUMNS = ("file", "foglio", "riga", "colonna", "regola", "gravita", "messaggio", "valore")
NO_FIELDS: Mapping[str, str] = MappingProxyType({})


class Problem(NamedTuple):
    """One problem as data: where (file, sheet, Excel row, column), which rule, how bad, the cell's
    value and the named values of the rule's templates (`fields`, as text). Its wordings are
    rendered from the rule registry by validators/messages.py; `message` is the terminal's."""

    file: str
    sheet: str | None
    row: int | None  # None for file-level problems
    column: str | None
    rule: str
    severity: str  # "errore" | "avviso"
    value: object = None  # the cell as read (None for file-level problems)
    fields: Mapping[str, str] = NO_FIELDS  # e.g. {"codice": "D.2", "prerequisito": "D.1", ...}

    @property
    def message(self) -> str:
        """The Italian message as the terminal and the report files show it: where, what, what to do."""
        return text(self)

    def as_dict(self) -> dict:
        """The report's JSON record of this problem (Italian keys)."""
        return dict(zip(COLUMNS, (self.file, self.sheet, self.row, self.column, self.rule, self.severity,
                                  text(self), None if self.value is None else str(self.value))))


@dataclass
class Report:
    """What `registro valida` found in a set of registers."""

    files: list[str]
    rows: int
    problems: list[Problem]
    history: list[str] = field(default_factory=list)
    catalogue_version: str = ""
    archive: str = ""  # the archive used as history, if any ("archivio DIR")
    # What the reading did to the registers' shape (merged cells, total rows, sheet chosen, stray cells)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (file, what was noticed reading it)
    total_rows: int = 0  # the registers' own total rows, left out of `rows` and of every check
    total_rows_at: dict[str, tuple[int, ...]] = field(default_factory=dict)  # file -> their Excel rows
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (name, reason) of what folders held unread

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
            **({"esclusi": [{"file": f, "motivo": r} for f, r in self.left_out]} if self.left_out else {}),
            **({"note": [{"file": f, "nota": n} for f, n in self.notes]} if self.notes else {}),
            "righe": self.rows,
            **({"righe_di_totale_escluse": self.total_rows} if self.total_rows else {}),
            "errori": self.errors,
            "avvisi": self.warnings,
            "problemi": [p.as_dict() for p in self.problems],
        }
