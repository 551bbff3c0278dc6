"""Checking registers already read: stack, normalise, run the rules, attach the verdicts.

`check_registers` is the one way from RawRegisters to a `Checked`; `Checked` is what the outer
layers (totals, export, archive, render, the add-in) receive: the report, and the rows as a
plain table with public names (frame.TABLE), never the engine's internal columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

import polars as pl

from registro.validators.catalogue import Catalogue
from registro.validators.check.frame import ERRORS, FILE, HISTORY, IDX, INTERNAL, ROW, SHEET, TABLE, WARNINGS
from registro.validators.check.normalise import normalise
from registro.validators.check.rules.context import Context, Options
from registro.validators.read.register import COLUMNS, ROW_NUMBER, RawRegister
from registro.validators.report import Problem, Report

Progress = Callable[[str, int, int], None]  # (stage, steps done, total steps)


class HistorySource(Protocol):
    """Rows already checked in earlier runs (registro.validators.archive.history.ArchiveHistory), in public names."""

    description: str

    def dates(self, persons: pl.Series, codes: list[str], exclude: set[tuple[str, str]]) -> pl.DataFrame:
        """codice_fiscale, codice_servizio, data: the distinct dates of each (person, code) among `codes`,
        for the given normalised codici fiscali, leaving out the (sede, 'AAAA-MM') pairs in exclude."""


@dataclass
class Checked:
    """The checked rows of the current registers (history left out), their report and the catalogue used."""

    frame: pl.DataFrame  # internal: read only inside validators/check/ (see frame.py)
    report: Report
    catalogue: Catalogue
    inputs: list[Path]
    # Computed on first use, then shared by totals, export and archive (polars frames are immutable).
    _clean: pl.DataFrame | None = field(default=None, init=False, repr=False, compare=False)
    covered: list[tuple[str, str]] = field(default_factory=list)  # (sede, 'AAAA-MM') pairs of the registers
    # The file of each name the report gives the current registers ('Jesi/registro.xlsx' is the
    # path relative to the folder given): where annotated copies are made from.
    sources: dict[str, Path] = field(default_factory=dict)

    def source(self, name: str) -> Path:
        """The file a name of the report stands for."""
        return self.sources.get(name, Path(name))

    @property
    def rows_read(self) -> int:
        """Rows read from the current registers (every one ends exported or rejected)."""
        return self.frame.height

    def _frame(self) -> pl.DataFrame:
        return self.frame if FILE in self.frame.columns else _empty_frame()  # nothing readable

    def table(self) -> pl.DataFrame:
        """Every row read, one per service, with the public columns of frame.TABLE."""
        return _public(self._frame())

    def clean(self) -> pl.DataFrame:
        """The rows without errori (avvisi allowed): what totals, export and archive count (computed once)."""
        if self._clean is None:
            self._clean = _public(self._frame().filter(pl.col(ERRORS) == 0))
        return self._clean

    def row_ids(self) -> pl.DataFrame:
        """file and riga of every row read (the identities the export balance is checked on)."""
        return self._frame().select(pl.col(FILE).alias("file"), pl.col(ROW).alias("riga"))

    def rejected_cells(self) -> pl.DataFrame:
        """The rows with errori as read: file, foglio, riga and the register's cells (COLUMNS)."""
        return self._frame().filter(pl.col(ERRORS) > 0).select(
            pl.col(FILE).alias("file"), pl.col(SHEET).alias("foglio"), pl.col(ROW).alias("riga"), *COLUMNS)

    def row_numbers(self) -> list[int]:
        """Excel row numbers of the rows read (all files)."""
        return self.frame[ROW].to_list() if ROW in self.frame.columns else []


def _public(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(*(expr.alias(name) for name, expr in TABLE.items()))


def _empty_frame() -> pl.DataFrame:
    """A frame with no rows and every column of the contract, at its declared type."""
    return pl.DataFrame(schema={**{c: pl.String for c in COLUMNS}, **{c.name: c.dtype for c in INTERNAL}})


def _stack(registers: list[RawRegister], history: bool) -> pl.DataFrame:
    frames = [
        r.frame.rename({ROW_NUMBER: ROW}).with_columns(
            pl.lit(r.file).alias(FILE), pl.lit(r.sheet, dtype=pl.String).alias(SHEET), pl.lit(history).alias(HISTORY)
        )
        for r in registers
    ]
    return pl.concat(frames, how="vertical") if frames else pl.DataFrame()


def check_registers(current: list[RawRegister], *, history: list[RawRegister], file_problems: list[Problem],
                    catalogue: Catalogue, options: Options, names: list[str], history_names: list[str],
                    inputs: list[Path], progress: Progress | None = None,
                    archived: HistorySource | None = None) -> Checked:
    """Normalise, check and report the rows of already-read registers (history rows feed the cross-row rules).

    `archived` adds the history of an archive: the dates of the services the per-person rules
    look for (history_codes), for the persons being checked, outside the (sede, mese) pairs of the current registers.
    """
    from registro.validators.check import engine

    ctx = Context(catalogue, options)
    frames = [f for f in (_stack(current, False), _stack(history, True)) if f.height or f.width]
    if frames:
        frame = pl.concat(frames, how="vertical").with_row_index(IDX)
        if progress:
            steps = len(names) + len(history_names)
            progress(f"Controllo di {frame.height} righe", steps, steps + 1)
        frame = normalise(frame, catalogue)
        covered = _covered(frame, options)
        if archived is not None:
            frame = _with_archived(frame, archived, ctx, covered)
        frame = engine.prepare(frame, ctx)
        checks = engine.all_checks(ctx)
        problems = engine.problems(frame, checks, engine.failures(frame, checks), names)
        frame = frame.filter(~pl.col(HISTORY))
    else:
        frame, problems, covered = pl.DataFrame(schema={c: pl.String for c in COLUMNS}), [], []
    if file_problems:  # the engine's problems come sorted already; files that cannot be used first
        problems = sorted(file_problems, key=engine.sort_key(names + history_names)) + problems
    report = Report(files=names, rows=frame.height, problems=problems, history=history_names,
                    catalogue_version=catalogue.version, archive=archived.description if archived else "",
                    notes=[(r.file, note) for r in current + history for note in r.notes] + reading_notes(current),
                    total_rows=sum(len(r.total_rows) for r in current),
                    total_rows_at={r.file: r.total_rows for r in current if r.total_rows})
    return Checked(_with_counts(frame, problems), report, catalogue, inputs, covered)


def reading_notes(registers: list[RawRegister]) -> list[tuple[str, str]]:
    """(file, note) about each file's merged cells and total rows (the summary's notes)."""
    notes = []
    for r in registers:
        if r.merged_columns:
            notes.append((r.file, f"celle unite nelle colonne {', '.join(r.merged_columns)}; il valore di "
                                  "ogni cella unita vale per tutte le sue righe"))
        if r.total_rows:
            which = ", ".join(map(str, r.total_rows[:10])) + (" ..." if len(r.total_rows) > 10 else "")
            n = len(r.total_rows)
            notes.append((r.file, f"{'riga' if n == 1 else 'righe'} di totale {which} "
                                  f"{'esclusa' if n == 1 else 'escluse'} da controlli, totali ed esportazione"))
    return notes


def _covered(frame: pl.DataFrame, options: Options) -> list[tuple[str, str]]:
    """The (sede, 'AAAA-MM') pairs the current registers cover: their rows with an office and a
    date (inside --mese when given: a date typed in the wrong month covers nothing)."""
    dated = ~pl.col(HISTORY) & pl.col("_sede").is_not_null() & pl.col("_data").is_not_null()
    if options.month:
        dated = dated & pl.col("_data").is_between(*options.month)
    pairs = frame.filter(dated).select("_sede", pl.col("_data").dt.strftime("%Y-%m")).unique()
    return sorted(pairs.rows())


def history_codes(catalogue: Catalogue) -> list[str]:
    """The codes the per-person rules look for in the history: every prerequisite (and its
    alternatives), companion, repeated service and what renews it, and same-day pair."""
    from registro.validators.check.rules import procedures

    prerequisites = {c for s in catalogue.registrable for p in s.prerequisites for c in p.codes}
    return sorted(prerequisites | procedures.history_codes(catalogue))


def _with_archived(frame: pl.DataFrame, archived: HistorySource, ctx: Context,
                   covered: list[tuple[str, str]]) -> pl.DataFrame:
    """Append the archive's history as history rows holding only what the sequencing reads.

    Only the persons with a row an archived row could change are asked for: a prerequisite
    missing or later in the rows at hand (the first date of a prerequisite can only move
    earlier), a missing companion, a service that may repeat an archived one or must not share
    its day (procedures.needing_history). For everyone else the archive changes no verdict and is
    not asked about them at all (fewer pseudonyms computed, a smaller lookup).
    """
    from registro.validators.check.rules import procedures, sequencing

    lazy = frame.lazy()
    unmet = pl.concat([sequencing.found(lazy, ctx).select("_idx"), procedures.needing_history(lazy, ctx)]).collect()
    persons = frame.join(unmet, on="_idx", how="semi")["_cf"]
    found = archived.dates(persons, history_codes(ctx.catalogue), set(covered))
    if found.is_empty():
        return frame
    rows = found.select(
        (pl.int_range(pl.len()) + frame.height).cast(pl.UInt32).alias(IDX),
        pl.col("codice_fiscale").alias("_cf"), pl.col("codice_servizio").alias("_codice"),
        pl.col("data").alias("_data"), pl.lit(True).alias(HISTORY),
    )
    return pl.concat([frame, rows], how="diagonal")


def _with_counts(frame: pl.DataFrame, problems: list[Problem]) -> pl.DataFrame:
    """Attach per-row counts of errori and avvisi."""
    if FILE not in frame.columns:
        return frame
    rows = [p for p in problems if p.row is not None]
    if not rows:  # a clean register: no join needed
        return frame.with_columns(pl.lit(0, dtype=pl.UInt32).alias(ERRORS), pl.lit(0, dtype=pl.UInt32).alias(WARNINGS))
    counts = (
        pl.DataFrame({FILE: [p.file for p in rows], ROW: [p.row for p in rows], "_g": [p.severity for p in rows]},
                     schema={FILE: pl.String, ROW: pl.Int64, "_g": pl.String})
        .group_by(FILE, ROW)
        .agg((pl.col("_g") == "errore").sum().alias(ERRORS), (pl.col("_g") == "avviso").sum().alias(WARNINGS))
    )
    return frame.join(counts, on=[FILE, ROW], how="left", maintain_order="left").with_columns(
        pl.col(ERRORS).fill_null(0), pl.col(WARNINGS).fill_null(0)
    )
