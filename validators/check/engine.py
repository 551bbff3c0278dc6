"""Runs the checks through pandera's polars backend and turns its failure cases into problems.

Each rule's check carries the rule id as pandera's `error`; failures are collected lazily
(lazy=True) and converted into Problems in one place. Severity comes from the registry (or,
for prerequisites, from the catalogue), never from pandera's warnings, which lose the rows.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from contextlib import contextmanager
from string import Formatter

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from registro.validators.report import Problem
from registro.validators.check.rules.checks import row_checks
from registro.validators.check.rules.context import Context, RowCheck
from registro.validators.check.rules import crossrow, procedures, sequencing
from registro.validators.check.rules.crossrow import crossrow_checks
from registro.validators.check.rules.registry import RULES, rule
from registro.validators.check.rules.procedures import procedure_checks
from registro.validators.check.rules.sequencing import sequencing_checks

RULE_ORDER = {r.id: i for i, r in enumerate(RULES)}


def all_checks(ctx: Context) -> list[RowCheck]:
    """Every row check, minus the rules the user excluded."""
    checks = row_checks(ctx) + sequencing_checks(ctx) + procedure_checks(ctx) + crossrow_checks(ctx)
    return [c for c in checks if c.rule not in ctx.options.exclude]


def prepare(frame: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """Add the cross-row columns (sequencing, procedures, duplicates, daily load) the checks read.

    The queries are independent: polars runs them side by side (collect_all), then
    their few rows are joined onto the frame by row index.
    """
    lazy = frame.lazy()
    queries = [sequencing.found(lazy, ctx), *procedures.queries(lazy, ctx), crossrow.repeats(lazy),
               crossrow.overloaded_days(lazy, ctx)]
    for part in pl.collect_all(queries):
        frame = frame.join(part, on="_idx", how="left", maintain_order="left")
    return crossrow.finish(frame)


def _pandera_check(check: RowCheck) -> pa.Check:
    # History rows only feed the cross-row rules: they always pass.
    ok = ~check.bad.fill_null(False) | pl.col("_storico")

    def run(data: PolarsData):
        return data.lazyframe.select(ok)

    return pa.Check(run, error=check.rule, name=check.rule)


def schema_for(checks: list[RowCheck]) -> pa.DataFrameSchema:
    """One pandera column per register column, holding that column's rule checks."""
    by_column: dict[str, list[pa.Check]] = defaultdict(list)
    for c in checks:
        by_column[c.column].append(_pandera_check(c))
    columns = {name: pa.Column(pl.String, checks=cs, nullable=True) for name, cs in by_column.items()}
    return pa.DataFrameSchema(columns, name="Registro")


def failures(frame: pl.DataFrame, checks: list[RowCheck]) -> pl.DataFrame:
    """(check, column, index) of every failing row, from pandera's lazy validation."""
    try:
        schema_for(checks).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        unexpected = cases.filter(pl.col("index").is_null() | ~pl.col("check").is_in([c.rule for c in checks]))
        if unexpected.height:
            raise RuntimeError(f"pandera reported non-rule failures: {unexpected.head(3).to_dicts()}") from None
        return cases.select("check", "column", pl.col("index").cast(pl.Int64))
    return pl.DataFrame(schema={"check": pl.String, "column": pl.String, "index": pl.Int64})


def problems(frame: pl.DataFrame, checks: list[RowCheck], fails: pl.DataFrame, files: list[str]) -> list[Problem]:
    """Format the failures as Problems, with the Italian message of each rule, in `sort_key(files)` order.

    Messages are assembled and sorted by polars on the failing rows only (a rule's template
    becomes a concat_str of its literal text and its fields): 300,000 problems take a fraction
    of a second rather than seconds of str.format and of sorting in Python.
    """
    by_key = {(c.rule, c.column): c for c in checks}
    parts = []
    for (rule_id, column), group in fails.group_by("check", "column", maintain_order=True):
        check = by_key[(rule_id, column)]
        r = rule(rule_id)
        failing = frame[group["index"].sort()]
        severity = check.severity if check.severity is not None else pl.lit(None, dtype=pl.String)
        values = {"riga": pl.col("_riga"), "colonna": pl.lit(column), "valore": _short(pl.col(column)), **check.fields}
        parts.append(failing.select(
            pl.col("_file"), pl.col("_foglio"), pl.col("_riga"), pl.lit(column).alias("_colonna"),
            pl.lit(rule_id).alias("_regola"),
            pl.when(severity.is_null() | (severity == "")).then(pl.lit(r.severity)).otherwise(severity).alias("_gravita"),
            _message(r.message + " " + r.hint, column, values).alias("_messaggio"),
            pl.col(column).alias("_valore"),
        ))
    if not parts:
        return []
    order = {f: i for i, f in enumerate(files)}
    rows = pl.concat(parts).sort(  # the same keys as sort_key, stable like sorted()
        pl.col("_file").replace_strict(order, default=len(order), return_dtype=pl.Int64),
        pl.col("_riga").fill_null(0),
        pl.col("_regola").replace_strict(RULE_ORDER, default=0, return_dtype=pl.Int64),
        pl.col("_colonna").fill_null(""),
        maintain_order=True,
    )
    with _no_gc():
        return list(map(Problem._make, rows.iter_rows()))


@contextmanager
def _no_gc():
    """Pause the cyclic garbage collector: building 300,000 tuples would trigger it over and
    over to find no cycles (a third of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _message(template: str, column: str, values: dict[str, pl.Expr]) -> pl.Expr:
    """ "Riga N, 'Colonna': " and the template filled with the values (None as ''), like str.format."""
    pieces = [pl.lit("Riga "), pl.col("_riga").cast(pl.String).fill_null("None"), pl.lit(f", '{column}': ")]
    for literal, name, spec, conversion in Formatter().parse(template):
        if literal:
            pieces.append(pl.lit(literal))
        if name is not None:
            if spec or conversion:
                raise ValueError(f"template field {{{name}}} with a format: only plain {{name}} fields are supported")
            pieces.append(values[name].cast(pl.String).fill_null(""))
    return pl.concat_str(pieces)


def _short(value: pl.Expr, limit: int = 60) -> pl.Expr:
    """A cell value cut for a message (a 32,000-character cell stays readable)."""
    return pl.when(value.str.len_chars() > limit).then(value.str.slice(0, limit - 1) + pl.lit("…")).otherwise(value)


def sort_key(files: list[str]):
    """Problems in file order, then row, then registry order."""
    order = {f: i for i, f in enumerate(files)}
    return lambda p: (order.get(p.file, len(order)), p.row or 0, RULE_ORDER.get(p.rule, 0), p.column or "")
