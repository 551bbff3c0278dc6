"""Codice fiscale / partita IVA verdicts, delegated to python-stdnum, once per distinct value."""

from __future__ import annotations

import re

import polars as pl
from stdnum import luhn
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.it import codicefiscale, iva

OK, TEMPORARY, INVALID = "ok", "provvisorio", "non_valido"
_NOISE = re.compile(r"[\s.\-/_]+")


def clean(value: str) -> str:
    """Upper case without spaces, dots, dashes or slashes ('rss mra 80a01 h501u' -> 'RSSMRA80A01H501U')."""
    return _NOISE.sub("", value).upper()


def _detail(exc: ValidationError, what: str) -> str:
    if isinstance(exc, InvalidLength):
        return f"lunghezza errata per {what}"
    if isinstance(exc, InvalidChecksum):
        return "carattere di controllo errato (probabile errore di battitura)"
    if isinstance(exc, InvalidComponent):
        return "data di nascita inesistente" if what == "un codice fiscale" else "codice dell'ufficio IVA non valido"
    if isinstance(exc, InvalidFormat):
        return f"formato non valido per {what}"
    return f"non valido come {what}"


def _person(code: str) -> tuple[str, str | None]:
    if len(code) == 11 and code.isdigit():
        if luhn.is_valid(code):
            return TEMPORARY, None
        return INVALID, "codice numerico di 11 cifre con cifra di controllo errata"
    if len(code) != 16:
        return INVALID, f"{len(code)} caratteri invece di 16"
    try:
        codicefiscale.validate(code)
    except ValidationError as exc:
        return INVALID, _detail(exc, "un codice fiscale")
    return OK, None


def _company(code: str) -> tuple[str, str | None]:
    if len(code) == 16:
        try:
            codicefiscale.validate(code)
        except ValidationError as exc:
            return INVALID, _detail(exc, "un codice fiscale")
        return OK, None
    if len(code) == 11 and code.isdigit():
        try:
            iva.validate(code)
        except ValidationError as exc:
            return INVALID, _detail(exc, "una partita IVA")
        return OK, None
    hint = " (se inizia con 0, formattare la colonna come testo)" if code.isdigit() and len(code) < 11 else ""
    return INVALID, f"{len(code)} caratteri: attese 11 cifre (partita IVA) o 16 caratteri{hint}"


def verdict(user_type: str | None, code: str | None) -> tuple[str | None, str | None]:
    """(ok | provvisorio | non_valido, Italian detail) for a cleaned code; (None, None) if unknown."""
    if code is None or user_type is None:
        return None, None
    return _person(code) if user_type == "persona" else _company(code)


def verdicts(pairs: pl.DataFrame) -> pl.DataFrame:
    """For distinct (_tipo, _cf) pairs: the columns _cf_esito and _cf_dettaglio."""
    results = [verdict(t, c) for t, c in pairs.iter_rows()]
    return pairs.with_columns(
        pl.Series("_cf_esito", [r[0] for r in results], dtype=pl.String),
        pl.Series("_cf_dettaglio", [r[1] for r in results], dtype=pl.String),
    )
