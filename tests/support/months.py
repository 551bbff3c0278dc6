"""Six consecutive generated months of three offices, one register per office and month (CSV).

Journeys span months (benchmarks.generator): a prerequisite given in March is followed in June.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from benchmarks.generator import generate, write_csv

OFFICES = ("Ancona", "Jesi", "Fabriano")
MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06")
TODAY = dt.date(2026, 7, 1)


@dataclass
class Months:
    """The registers written, and the rows in each (contract column order) with their Excel row."""

    files: dict[str, list[Path]]  # month -> one register per office
    rows: dict[Path, list[list]]

    def before(self, month: str) -> list[Path]:
        return [p for m in MONTHS if m < month for p in self.files[m]]

    def codes(self) -> set[str]:
        """Every codice fiscale or partita IVA written."""
        return {r[4] for rows in self.rows.values() for r in rows}


def write_months(folder: Path, rows: int = 1500, seed: int = 13) -> Months:
    """One register per office and month; the last month has `rows` rows."""
    register = generate(rows, MONTHS[-1], seed, OFFICES, history_months=len(MONTHS) - 1, today=TODAY)
    out = Months({}, {})
    for month in MONTHS:
        files = []
        for office in OFFICES:
            source = register.rows if month == MONTHS[-1] else register.history
            chosen = [r for r in source if f"{r[0]:%Y-%m}" == month and r[1] == office]
            if chosen:
                path = folder / month / f"registro_{office.lower()}_{month}.csv"
                path.parent.mkdir(parents=True, exist_ok=True)
                write_csv(path, chosen)
                files.append(path)
                out.rows[path] = chosen
        out.files[month] = files
    return out
