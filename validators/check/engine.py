"""Runs the checks through pandera's polars backend and turns its failure cases into problems.

Each rule's check carries the rule id as pandera's `error`; failures are collected lazily
(lazy=True) and converted into Problems in one place. Severity comes from the registry (or,
for prerequisites, from the catalogue), never from pandera's warnings, which lose the rows.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from contextlib import contextmanager
from itertools import starmap
from operator import itemgetter

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from registro.validators.messages import field_names
from registro.validators.report import Problem
from registro.validators.check.rules.checks import row_checks
from registro.validators.check.rules.context import Context, RowCheck
from registro.validators.check.rules import crossrow, procedures, sequencing
from registro.validators.check.rules.crossrow import crossrow_checks
from registro.validators.rules import RULES, rule
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
    """The failures as Problems, each with the named values of its rule's templates, in `sort_key(files)` order.

    polars computes the values (as the messages show them: text, '' for null) on the failing rows
    only, one struct per problem, and sorts: 300,000 problems take a fraction of a second rather
    than seconds of Python. No message is rendered here (validators/messages.py does, at the edges).
    """
    by_key = {(c.rule, c.column): c for c in checks}
    parts, keys = [], []
    for n, ((rule_id, column), group) in enumerate(fails.group_by("check", "column", maintain_order=True)):
        failing = frame[group["index"].sort()]
        parts.append(failing.select(_problem_columns(by_key[(rule_id, column)])))
        keys.append(failing.select(
            pl.col("_file"), pl.col("_riga"), pl.lit(RULE_ORDER.get(rule_id, 0)).alias("_regola"),
            pl.lit(column).alias("_colonna"), pl.lit(n).alias("_parte"),
        ))
    if not parts:
        return []
    order = {f: i for i, f in enumerate(files)}
    ranked = pl.concat(keys).with_row_index("_n").sort(  # the same keys as sort_key, stable like sorted()
        pl.col("_file").replace_strict(order, default=len(order), return_dtype=pl.Int64),
        pl.col("_riga").fill_null(0), pl.col("_regola"), pl.col("_colonna").fill_null(""),
        maintain_order=True,
    )["_n"].to_list()
    with _no_gc():
        built = [p for part in parts for p in _built(part)]
        return [built[ranked[0]]] if len(ranked) == 1 else list(itemgetter(*ranked)(built))


def _problem_columns(check: RowCheck) -> list[pl.Expr]:
    """Problem's fields as columns: file, sheet, row, column, rule, severity, value (the cell), and the
    struct of the named values the rule's templates use (none: no struct)."""
    r = rule(check.rule)
    names = field_names(check.rule)
    missing = [n for n in names if n not in check.fields]
    if missing:
        raise ValueError(f"the check of {check.rule} gives no value for the template fields {missing}")
    severity = check.severity if check.severity is not None else pl.lit(None, dtype=pl.String)
    columns = [
        pl.col("_file"), pl.col("_foglio"), pl.col("_riga"), pl.lit(check.column).alias("_colonna"),
        pl.lit(check.rule).alias("_regola"),
        pl.when(severity.is_null() | (severity == "")).then(pl.lit(r.severity)).otherwise(severity).alias("_gravita"),
        pl.col(check.column).alias("_valore"),
    ]
    if names:
        columns.append(pl.struct(*(check.fields[n].cast(pl.String).fill_null("").alias(n) for n in names)).alias("_campi"))
    return columns


def _built(part: pl.DataFrame):
    """The Problems of one part (rows of _problem_columns)."""
    rows = part.iter_rows()
    return map(Problem._make, rows) if "_campi" in part.columns else starmap(Problem, rows)


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


def sort_key(files: list[str]):
    """Problems in file order, then row, then registry order."""
    order = {f: i for i, f in enumerate(files)}
    return lambda p: (order.get(p.file, len(order)), p.row or 0, RULE_ORDER.get(p.rule, 0), p.column or "")
