"""A1 references: the one place that turns column numbers into letters and back."""

from __future__ import annotations

import re

_REF = re.compile(r"([A-Za-z]+)(\d+)")


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """'A' -> 1, 'AA' -> 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def cell_ref(row: int, column: int) -> str:
    """(3, 7) -> 'G3'."""
    return f"{column_letter(column)}{row}"


def split_ref(ref: str) -> tuple[int, int]:
    """'G3' -> (3, 7)."""
    m = _REF.match(ref)
    return int(m.group(2)), column_index(m.group(1))
