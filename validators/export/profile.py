"""The JA export profile: which columns the clean file has, their headers, order and formats.

JA's import layout is not public, so it is data: a YAML file (default: data/profilo_ja.yaml)
checked on load, with Italian errors naming the field at fault.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registro.validators.errors import ProfileError
from registro.validators.yamlfile import read_yaml

DEFAULT_PATH = Path(__file__).with_name("data") / "profilo_ja.yaml"

# Source fields an export column can take, with what they hold (docs/guida/file-per-ja.md lists them).
FIELDS: dict[str, str] = {
    "codice_fiscale": "codice fiscale o partita IVA, maiuscolo, senza spazi",
    "tipo_utente": "Persona o Azienda",
    "data": "data del servizio nel formato_data del profilo",
    "codice_servizio": "codice del catalogo, ad es. A.1",
    "nome_servizio": "nome del servizio nel catalogo",
    "lep": "lettera del LEP, ad es. A",
    "programma": "programma canonico del catalogo (per un'azienda con Programma vuoto, quello implicito del servizio)",
    "modalita": "modalità canonica (In presenza, A distanza)",
    "durata_minuti": "minuti registrati (vuoto se la riga non li indica)",
    "durata_standard": "minuti standard medi del catalogo (vuoto se assenti)",
    "sede": "sede come scritta nel registro (spazi normalizzati)",
    "operatore": "operatore come scritto nel registro (spazi normalizzati)",
    "note": "note della riga",
    "file": "file di provenienza",
    "foglio": "foglio di provenienza",
    "riga": "riga di Excel di provenienza",
}
ENCODINGS = {"utf-8-sig": "utf-8-sig", "utf-8": "utf-8", "utf8": "utf-8", "cp1252": "cp1252",
             "windows-1252": "cp1252"}
LINE_ENDS = {"crlf": "\r\n", "lf": "\n"}
TOP_KEYS = ("versione", "nome", "formato_data", "separatore", "codifica", "fine_riga", "intestazione", "foglio",
            "colonne")
COLUMN_KEYS = ("campo", "intestazione", "valori")


@dataclass(frozen=True)
class ProfileColumn:
    """One column of the export: source field, header, optional recoding of values."""

    field: str
    header: str
    values: dict[str, str] | None = None


@dataclass(frozen=True)
class Profile:
    """A checked export profile."""

    name: str
    path: str
    columns: tuple[ProfileColumn, ...]
    date_format: str = "%d/%m/%Y"
    delimiter: str = ";"
    encoding: str = "utf-8-sig"
    line_end: str = "\r\n"
    header: bool = True
    sheet: str = "JA"

    @property
    def headers(self) -> list[str]:
        """The header row, in column order."""
        return [c.header for c in self.columns]


class _Checker:
    def __init__(self, path: str):
        self.path = path

    def fail(self, fieldname: str, problem: str):
        raise ProfileError(f"Profilo '{self.path}': campo '{fieldname}': {problem}")

    def text(self, raw: dict, key: str, default: str | None = None, where: str | None = None) -> str:
        value = raw.get(key, default)
        name = where or key
        if value is None or (isinstance(value, str) and value == ""):
            self.fail(name, "manca o è vuoto.")
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(name, f"atteso un testo, trovato {value!r}.")
        return str(value)


def _date_format(ck: _Checker, text: str) -> str:
    if "%d" not in text or "%m" not in text or ("%Y" not in text and "%y" not in text):
        ck.fail("formato_data", f"'{text}' deve contenere giorno (%d), mese (%m) e anno (%Y o %y), ad es. %d/%m/%Y.")
    try:
        sample = dt.date(2026, 10, 1).strftime(text)
    except ValueError:
        ck.fail("formato_data", f"'{text}' non è un formato di data valido (ad es. %d/%m/%Y).")
    if "%" in sample.replace("%%", ""):
        ck.fail("formato_data", f"'{text}' contiene codici non riconosciuti.")
    return text


def _columns(ck: _Checker, raw: Any) -> tuple[ProfileColumn, ...]:
    if not isinstance(raw, list) or not raw:
        ck.fail("colonne", "serve un elenco con almeno una colonna (campo e intestazione).")
    columns, seen_fields, seen_headers = [], set(), set()
    for i, item in enumerate(raw, start=1):
        where = f"colonne[{i}]"
        if not isinstance(item, dict):
            ck.fail(where, "ogni colonna ha 'campo' e 'intestazione'.")
        unknown = sorted(set(item) - set(COLUMN_KEYS))
        if unknown:
            ck.fail(f"{where}.{unknown[0]}", f"chiave sconosciuta (ammesse: {', '.join(COLUMN_KEYS)}).")
        source = ck.text(item, "campo", where=f"{where}.campo")
        if source not in FIELDS:
            ck.fail(f"{where}.campo", f"'{source}' non è un campo disponibile ({', '.join(FIELDS)}).")
        header = ck.text(item, "intestazione", where=f"{where}.intestazione").strip()
        if not header:
            ck.fail(f"{where}.intestazione", "manca o è vuoto.")
        if source in seen_fields:
            ck.fail(f"{where}.campo", f"'{source}' è già usato in un'altra colonna.")
        if header.casefold() in seen_headers:
            ck.fail(f"{where}.intestazione", f"'{header}' è già usata in un'altra colonna.")
        seen_fields.add(source)
        seen_headers.add(header.casefold())
        values = item.get("valori")
        if values is not None:
            if not isinstance(values, dict) or not values:
                ck.fail(f"{where}.valori", "atteso un elenco 'valore: codice', ad es. {Persona: P, Azienda: A}.")
            bad = [k for k, v in values.items() if isinstance(v, (dict, list)) or v is None]
            if bad:
                ck.fail(f"{where}.valori", f"il valore per '{bad[0]}' deve essere un testo.")
            values = {str(k): str(v) for k, v in values.items()}
        columns.append(ProfileColumn(source, header, values))
    return tuple(columns)


def parse_profile(raw: Any, path: str) -> Profile:
    """Build and check a Profile from the parsed YAML document."""
    ck = _Checker(path)
    if not isinstance(raw, dict):
        ck.fail("(radice)", "il file non contiene un profilo (attese le chiavi nome, colonne, ...).")
    unknown = sorted(set(raw) - set(TOP_KEYS))
    if unknown:
        ck.fail(unknown[0], f"chiave sconosciuta (ammesse: {', '.join(TOP_KEYS)}).")
    version = raw.get("versione", 1)
    if version != 1:
        ck.fail("versione", f"versione {version!r} non supportata (usare 1).")
    delimiter = ck.text(raw, "separatore", ";")
    if len(delimiter) != 1 or delimiter in ('"', "\r", "\n"):
        ck.fail("separatore", f"{delimiter!r} non va bene: serve un solo carattere, ad es. ';' o ','.")
    encoding = ck.text(raw, "codifica", "utf-8-sig").strip().lower()
    if encoding not in ENCODINGS:
        ck.fail("codifica", f"'{encoding}' non è tra utf-8-sig, utf-8, cp1252.")
    line_end = ck.text(raw, "fine_riga", "crlf").strip().lower()
    if line_end not in LINE_ENDS:
        ck.fail("fine_riga", f"'{line_end}' non è tra crlf, lf.")
    header = raw.get("intestazione", True)
    if not isinstance(header, bool):
        ck.fail("intestazione", f"atteso true o false, trovato {header!r}.")
    sheet = ck.text(raw, "foglio", "JA").strip()
    if not sheet or len(sheet) > 31 or any(c in sheet for c in "[]:*?/\\"):
        ck.fail("foglio", f"'{sheet}' non è un nome di foglio valido (massimo 31 caratteri, senza []:*?/\\).")
    return Profile(
        name=ck.text(raw, "nome", Path(path).stem),
        path=path,
        columns=_columns(ck, raw.get("colonne")),
        date_format=_date_format(ck, ck.text(raw, "formato_data", "%d/%m/%Y")),
        delimiter=delimiter,
        encoding=ENCODINGS[encoding],
        line_end=LINE_ENDS[line_end],
        header=header,
        sheet=sheet,
    )


def load_profile(path: str | Path | None = None) -> Profile:
    """Load and check an export profile (the bundled default when path is None)."""
    path = str(Path(path).resolve()) if path else str(DEFAULT_PATH)
    raw = read_yaml(path, f"Profilo '{path}'", ProfileError)
    return parse_profile(raw, path)
