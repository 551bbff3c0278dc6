"""What every check receives, and the shape of a check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from registro.validators.catalogue import Catalogue
from registro.validators.options import DEFAULT_WORKDAY_MINUTES


@dataclass(frozen=True)
class Options:
    """Validation settings given by the user."""

    today: dt.date
    month: tuple[dt.date, dt.date] | None = None  # first and last day of --mese
    workday_minutes: int = DEFAULT_WORKDAY_MINUTES
    exclude: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Context:
    """Catalogue and options, shared by all checks."""

    catalogue: Catalogue
    options: Options


@dataclass(frozen=True)
class RowCheck:
    """A rule applied to one register column: `bad` marks failing rows, `fields` fill the message."""

    rule: str
    column: str
    bad: pl.Expr
    fields: dict[str, pl.Expr] = field(default_factory=dict)
    severity: pl.Expr | None = None  # per-row severity when the catalogue can lower it


def day(expr: pl.Expr) -> pl.Expr:
    """A date column as dd/mm/yyyy text for messages."""
    return expr.dt.strftime("%d/%m/%Y")
