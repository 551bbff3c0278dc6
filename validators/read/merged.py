"""Merged ranges in a frame of text cells: the first cell's value given to every row of the range."""

from __future__ import annotations

import polars as pl

from registro.validators.read.cells import SheetMarks


def fill_merged(frame: pl.DataFrame, marks: SheetMarks) -> tuple[pl.DataFrame, list[tuple[int, int, int, int]]]:
    """(frame with each merged range's value in every row of its first column, the ranges in the
    frame's coordinates: (first row, column position, last row, last column position)).

    A range spanning several columns keeps its value in its first column only: a merged cell
    across two fields is one value, and it belongs to the first."""
    ranges = []
    moved: dict[int, tuple[list[int], list[int]]] = {}  # column -> (rows, the row each takes its value from)
    for r1, c1, r2, c2 in marks.merged:
        j = c1 - marks.first_column
        if j < 0 or j >= frame.width or r1 >= frame.height:
            continue
        last = min(r2, frame.height - 1)
        ranges.append((r1, j, r2, c2 - marks.first_column))
        if last > r1:
            rows, src = moved.setdefault(j, ([], []))
            rows.extend(range(r1 + 1, last + 1))
            src.extend([r1] * (last - r1))
    if moved:
        names, whole = frame.columns, pl.int_range(frame.height, dtype=pl.Int64, eager=True)
        frame = frame.with_columns(
            frame[names[j]].gather(whole.clone().scatter(rows, src)).alias(names[j]) for j, (rows, src) in moved.items())
    return frame, ranges
