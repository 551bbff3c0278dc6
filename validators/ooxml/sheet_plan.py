"""What the streamed rewrite of a worksheet changes (the annotated copy's plan), shared by the
rewriter of the elements around the rows (sheet_stream.py) and of the rows (sheet_rows.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

CHUNK = 1 << 20


@dataclass
class SheetPlan:
    """What the rewrite changes, decided before the sheet is streamed."""

    header_row: int
    esito_col: int
    esito_width: int
    contract_cols: set[int]
    blank_strings: set[int]
    faulty: dict[int, dict[int, str]]  # row -> {column: severity}
    esito: Callable[[int, bool], tuple[str, str] | None]  # (row, filled) -> (text, colour)
    faulty_style: Callable[[int, str], int]  # (original style index, severity) -> new style index
    esito_style: Callable[[str | None], int]  # colour (None for the header) -> style index
    problem_rows: frozenset = frozenset()  # rows with a problem (their Esito is not OK)
    legacy_rel: str | None = None  # relationship id of a new comments drawing, if any
    autofilter: bool = True
    esito_header: str = "Esito"  # the Esito column's header text
    # points a wrapped text of the Esito column takes at esito_width (None: one line is enough)
    esito_height: Callable[[str], float | None] = lambda text: None
    # Filled in by the rewrite:
    last_row: int = 0
    last_col: int = 0
    sheet_info: dict = field(default_factory=dict)
