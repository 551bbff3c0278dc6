"""Text normalisation shared by the catalogue, the reader and the rules."""

from __future__ import annotations

import re
import unicodedata

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")


def norm_key(text: object) -> str:
    """Lower-case ASCII letters and digits only: ignores case, accents, spaces and punctuation."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_ALNUM.sub("", plain.casefold())


def clean_cell(text: str) -> str:
    """NFKC, Unicode dashes to '-', non-breaking and repeated spaces collapsed, trimmed."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return _SPACES.sub(" ", text).strip()


def service_code_part(text: str) -> str:
    """The code in a 'Codice servizio' cell: 'a. 1 – Accoglienza' -> 'A.1'."""
    head = clean_cell(text).split("-", 1)[0]
    return _SPACES.sub("", head).upper()


def counted(count: int, singular: str, plural: str) -> str:
    """'1 riga', '2 righe': a count with its noun in Italian."""
    return f"{count} {singular if count == 1 else plural}"


def balance(read: int, *parts: tuple[int, str, str]) -> str:
    """'33 righe lette = 18 esportate + 15 scartate', '1 riga letta = 1 esportata + 0 scartate'."""
    return f"{counted(read, 'riga letta', 'righe lette')} = " + " + ".join(counted(*part) for part in parts)


def rows_checked(rows: int) -> str:
    """'Controllata 1 riga', 'Controllate 5 righe'."""
    return f"{'Controllata' if rows == 1 else 'Controllate'} {counted(rows, 'riga', 'righe')}"


def total_rows_note(count: int) -> str:
    """' (escluse 2 righe di totale)' after a balance line, '' without total rows."""
    return f" ({'esclusa' if count == 1 else 'escluse'} {counted(count, 'riga', 'righe')} di totale)" if count else ""
