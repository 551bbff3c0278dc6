"""Registers (xlsx, xlsm, xls, ods, csv, or values from an open workbook) -> a frame of text cells.

Every cell is read as text, so that nothing is silently lost by type inference; the rules parse
dates, numbers and codes themselves. Each row keeps the number the user sees in Excel.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from registro.validators.read import bounds, discover, encoding, guard, split_sheet
from registro.validators.errors import FileProblem
from registro.validators.options import DEFAULT_SHEET
from registro.validators.text import norm_key

HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class Field:
    """A column of the input contract and the header spellings accepted for it."""

    name: str
    required: bool
    synonyms: tuple[str, ...]


# Order = the template's column order. Synonyms are compared with norm_key (case, accents,
# spaces and punctuation ignored).
FIELDS: tuple[Field, ...] = (
    Field("Data", True, ("Data", "Data servizio", "Data erogazione", "Data del servizio", "Giorno")),
    Field("Sede", True, ("Sede", "CPI", "Centro per l'impiego", "Ufficio", "Sede CPI")),
    Field("Operatore", True, ("Operatore", "Operatrice", "Operatore/trice", "Erogato da")),
    Field("Tipo utente", True, ("Tipo utente", "Tipo", "Utente", "Tipologia utente", "Destinatario", "Persona/Azienda")),
    Field("Codice fiscale", True, ("Codice fiscale", "CF", "C.F.", "Cod. fiscale", "Cod fisc", "Codice fiscale / P.IVA",
                                   "CF/P.IVA", "Partita IVA", "P.IVA", "Codice fiscale utente")),
    Field("Programma", False, ("Programma", "Misura", "Programma/Misura")),
    Field("Codice servizio", True, ("Codice servizio", "Cod. servizio", "Servizio", "Codice", "Codice attività",
                                    "Attività", "Codice LEP")),
    Field("Durata (min)", False, ("Durata (min)", "Durata", "Minuti", "Durata in minuti", "Durata minuti")),
    Field("Modalità", True, ("Modalità", "Modalità di erogazione", "Modalita erogazione", "Canale")),
    Field("Note", False, ("Note", "Nota", "Annotazioni")),
)
COLUMNS = tuple(f.name for f in FIELDS)
REQUIRED = tuple(f.name for f in FIELDS if f.required)
# The column of a RawRegister frame that holds the Excel row number (not a register column).
ROW_NUMBER = "riga"
_SYNONYMS = {norm_key(s): f.name for f in FIELDS for s in (f.name, *f.synonyms)}

# Which files are registers: read/discover.py (folders searched in their subfolders).
EXCEL_SUFFIXES, CSV_SUFFIXES, SUFFIXES = discover.EXCEL_SUFFIXES, discover.CSV_SUFFIXES, discover.SUFFIXES


@dataclass
class RawRegister:
    """The text cells of one register: contract columns plus ROW_NUMBER (the Excel row number)."""

    file: str
    sheet: str | None
    header_row: int
    frame: pl.DataFrame
    notes: list[str] = field(default_factory=list)  # what the summary says about how the file was read


def header_field(text: object) -> str | None:
    """The contract column a header cell names, if any."""
    return _SYNONYMS.get(norm_key(text)) if text is not None else None


def match_header(rows: list[list], field_of: Callable[[object], str | None], required: Sequence[str],
                 ) -> tuple[int, dict[int, str], bool] | None:
    """Find a header row among the first HEADER_SEARCH_ROWS rows: the one header locator of read/.

    field_of names the field a header cell stands for (None for other cells); the first cell naming
    a field wins. Returns (0-based row, {column position: field}, True) for the first row naming
    every required field; otherwise the row naming most of them (at least two) with False; None
    when no row names two.
    """
    best: tuple[int, dict[int, str], bool] | None = None
    most = 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping: dict[int, str] = {}
        for j, cell in enumerate(row):
            name = field_of(cell)
            if name and name not in mapping.values():
                mapping[j] = name
        found = sum(1 for n in mapping.values() if n in required)
        if found == len(required):
            return i, mapping, True
        if found >= 2 and found > most:
            best, most = (i, mapping, False), found
    return best


def locate_header(rows: list[list], file: str, sheet: str | None) -> tuple[int, dict[int, str]]:
    """(0-based header row, {column position: contract name}) of a register, or FileProblem colonne.mancanti."""
    match = match_header(rows, header_field, REQUIRED)
    if match and match[2]:
        return match[0], match[1]
    if match is None:
        missing = ", ".join(f"'{n}'" for n in REQUIRED)
        where = f" (nessuna intestazione riconosciuta nelle prime {HEADER_SEARCH_ROWS} righe)"
    else:
        row, mapping, _ = match
        absent = [n for n in REQUIRED if n not in mapping.values()]
        missing = ", ".join(f"'{n}'" for n in absent)
        where = f" nella riga di intestazione {row + 1}" + _lookalikes(rows[row], mapping, absent)
    from registro.validators.check.rules.registry import rule

    raise FileProblem(
        "colonne.mancanti", file, rule("colonne.mancanti").message.format(mancanti=missing, dove=where), sheet
    )


def _lookalikes(row: list, mapping: dict[int, str], absent: list[str]) -> str:
    """' (trovata 'Codce fiscale': forse 'Codice fiscale'?)' for misspelled headers."""
    import difflib

    hints = []
    for j, cell in enumerate(row):
        if j in mapping or cell is None or not str(cell).strip():
            continue
        for name in absent:
            if difflib.SequenceMatcher(None, norm_key(cell), norm_key(name)).ratio() >= 0.75:
                hints.append(f"'{str(cell).strip()}' invece di '{name}'")
                break
    return f" (forse scritte male: {', '.join(hints)})" if hints else ""


def _shape(frame: pl.DataFrame, file: str, sheet: str | None) -> RawRegister:
    """Header detection, contract columns, Excel row numbers, empty rows dropped."""
    head = frame.head(HEADER_SEARCH_ROWS).rows()
    header, mapping = locate_header(head, file, sheet)
    source = frame.columns
    body = frame.slice(header + 1).with_row_index(ROW_NUMBER, offset=header + 2)
    exprs = [pl.col(ROW_NUMBER).cast(pl.Int64)]
    present = {name: source[j] for j, name in mapping.items()}
    for name in COLUMNS:
        if name in present:
            exprs.append(pl.col(present[name]).cast(pl.String).str.strip_chars().replace("", None).alias(name))
        else:
            exprs.append(pl.lit(None, dtype=pl.String).alias(name))
    body = body.select(exprs)
    body = body.filter(~pl.all_horizontal(pl.col(list(COLUMNS)).is_null()))
    return RawRegister(file, sheet, header + 1, body)


def _sheet_problem(file: str, wanted: str, names: list[str], detail: str = "") -> FileProblem:
    from registro.validators.check.rules.registry import rule

    msg = rule("foglio.mancante").message.format(foglio=wanted, fogli=", ".join(names) or "nessuno")
    problem = FileProblem("foglio.mancante", file, msg[:-1] + detail + "." if detail else msg)
    problem.sheets = names
    return problem


def _pick_sheet(reader, wanted: str | None, file: str) -> tuple[str, str | None]:
    """(the sheet to read, a note for the summary when it was chosen by its header).

    The sheet named as asked (--foglio, else 'Registro'); without one, the only sheet, or else the
    one visible sheet whose header names every required column. Several such sheets, or none:
    FileProblem foglio.mancante listing them (the terminal adds how to choose: --foglio)."""
    names = list(reader.sheet_names)
    if wanted is not None:
        match = [n for n in names if n == wanted] or [n for n in names if norm_key(n) == norm_key(wanted)]
        if not match:
            raise _sheet_problem(file, wanted, names)
        return match[0], None
    match = [n for n in names if norm_key(n) == norm_key(DEFAULT_SHEET)]
    if match:
        return match[0], None
    if len(names) == 1:
        return names[0], None
    candidates = [n for n in names if _has_register_header(reader, n)]
    if len(candidates) == 1:
        return candidates[0], (f"nessun foglio '{DEFAULT_SHEET}': letto il foglio '{candidates[0]}', "
                               "l'unico visibile con le intestazioni del registro")
    if candidates:
        listed = ", ".join(f"'{n}'" for n in candidates)
        raise _sheet_problem(file, DEFAULT_SHEET, names, f"; hanno le intestazioni del registro i fogli {listed}: "
                                                          "indicare quale leggere")
    raise _sheet_problem(file, DEFAULT_SHEET, names, "; nessun foglio visibile ha le intestazioni del registro: "
                                                     "rinominare in 'Registro' il foglio del registro o indicare "
                                                     "quale leggere")


def _has_register_header(reader, sheet: str) -> bool:
    """Whether a visible sheet names every required column in its first rows."""
    try:
        head = reader.load_sheet(sheet, header_row=None, n_rows=HEADER_SEARCH_ROWS, dtypes="string")
        if head.visible != "visible":
            return False
        match = match_header(head.to_polars().rows(), header_field, REQUIRED)
    except Exception:  # a sheet the reader cannot load is no candidate
        return False
    return bool(match and match[2])


def _unreadable(file: str, reason: str) -> FileProblem:
    from registro.validators.check.rules.registry import rule

    return FileProblem("file.illeggibile", file, rule("file.illeggibile").message.format(motivo=reason))


def _load_sheet(path: Path, sheet: str | None, file: str, in_parts: bool) -> tuple[str, pl.DataFrame, list[str]]:
    import fastexcel

    trim = None
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            trim = bounds.trimmed(path)  # stray cells far away: read a copy without them
        except bounds.TooSparse as exc:
            raise _unreadable(file, str(exc)) from None
    reader = fastexcel.read_excel(trim.package if trim else str(path))
    name, note = _pick_sheet(reader, sheet, file)
    notes = [note] if note else []
    if trim:
        notes.append(f"{'ignorata 1 cella' if trim.stray == 1 else f'ignorate {trim.stray} celle'} fuori dalle "
                     f"colonne o molto sotto le righe del registro (la più lontana: {trim.farthest})")
        return name, split_sheet.whole_sheet(reader, name), notes
    if in_parts and path.suffix.lower() in (".xlsx", ".xlsm"):  # a large sheet is read in parts, side by side
        cells = split_sheet.read_in_parts(path, name)
        if cells is not None:
            return name, cells, notes
    return name, split_sheet.whole_sheet(reader, name), notes


def read_sheet_cells(path: Path, sheet: str | None, in_parts: bool = True, *, name: str | None = None,
                     notes: list[str] | None = None) -> tuple[str, pl.DataFrame]:
    """(sheet name, all its cells as text from A1) of a spreadsheet, after the guard's checks.

    in_parts=False reads a large sheet whole, on one core (when other files take the other cores).
    name: the file's name in messages (default: the path); notes, when given, receives what the
    summary should say about the reading (the sheet chosen by its header).

    Raises FileProblem (file.illeggibile, foglio.mancante) when the file cannot be used; a failure
    inside the reader library, a panic included, is file.illeggibile.
    """
    file = str(path) if name is None else name
    try:
        container = guard.check_spreadsheet(path)
    except guard.Refused as exc:
        raise _unreadable(file, str(exc)) from None
    # calamine picks the format from the extension: an old .xls saved as .xlsx (or the reverse)
    # is read through a temporary link with the right extension.
    real_suffix = ".xls" if container == "ole" else (path.suffix.lower() if path.suffix.lower() != ".xls" else ".xlsx")
    try:
        if real_suffix != path.suffix.lower():
            with tempfile.TemporaryDirectory(prefix="registro-") as tmp:
                link = Path(tmp) / f"registro{real_suffix}"
                os.symlink(path.resolve(), link)
                sheet_name, data, found = _load_sheet(link, sheet, file, in_parts)
        else:
            sheet_name, data, found = _load_sheet(path, sheet, file, in_parts)
    except FileProblem:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except MemoryError:
        raise _unreadable(file, "memoria insufficiente per leggerlo: dividerlo in file più piccoli") from None
    except BaseException as exc:  # noqa: BLE001 - fastexcel/calamine errors, and a Rust panic (pyo3's PanicException)
        raise _reader_failure(file, exc) from None
    if notes is not None:
        notes += found
    _check_rows(data.height, file)
    return sheet_name, data


def _reader_failure(file: str, exc: BaseException) -> FileProblem:
    """file.illeggibile for an error raised inside a reader library (its text is not shown: English)."""
    detail = str(exc).split("\n", 1)[0]
    if "password" in detail.lower():
        return _unreadable(file, "è protetto da password: toglierla in Excel e salvarlo di nuovo")
    if "cell limit exceeded" in str(exc).lower():  # calamine's own bound (.ods): cells far from the register
        return _unreadable(file, "ha celle molto lontane dal registro (il foglio supererebbe 100 milioni di celle): "
                                 "cancellare le celle sparse in fondo o a destra del foglio e salvarlo di nuovo")
    what = "errore interno del lettore" if type(exc).__name__ == "PanicException" else type(exc).__name__
    return _unreadable(file, f"formato non riconosciuto o file danneggiato ({what}); {guard.WHAT_TO_DO}")


def _read_excel(path: Path, sheet: str | None, in_parts: bool, file: str) -> RawRegister:
    notes: list[str] = []
    name, data = read_sheet_cells(path, sheet, in_parts, name=file, notes=notes)
    register = _shape(data, file, name)
    register.notes += notes
    return register


def _check_rows(rows: int, file: str) -> None:
    if rows > guard.MAX_ROWS:
        raise _unreadable(file, f"ha {rows} righe, oltre il limite di {guard.MAX_ROWS} per file: dividerlo")


def _decode(raw: bytes, file: str) -> encoding.Decoded:
    """The text of a CSV file in its encoding (read/encoding.py), or file.illeggibile saying the
    encoding is the problem."""
    try:
        return encoding.decode(raw, _header_score)
    except encoding.Undecidable as exc:
        raise _unreadable(file, str(exc)) from None


def _header_score(text: str) -> int:
    """How many required columns the header among the first lines of a CSV text names."""
    delimiter = sniff_delimiter(text)
    rows = list(csv.reader(io.StringIO("\n".join(head_lines(text, HEADER_SEARCH_ROWS))), delimiter=delimiter))
    match = match_header(rows, header_field, REQUIRED)
    return 0 if match is None else sum(1 for n in match[1].values() if n in REQUIRED)


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, Windows-1252 or cp850 (read/encoding.py);
    undecidable bytes as Windows-1252 with replacement characters."""
    try:
        return encoding.decode(raw, _header_score).text
    except encoding.Undecidable:
        return raw.decode("cp1252", errors="replace")


def head_lines(text: str, count: int) -> list[str]:
    """text.splitlines()[:count], without splitting a whole large file."""
    size = 1 << 16
    while True:
        lines = text[:size].splitlines()
        if len(lines) > count or size >= len(text):
            return lines[:count]  # with more lines than asked, the first ones are all complete
        size *= 4


def sniff_delimiter(text: str) -> str:
    """';' or ',' or tab, whichever splits the first non-empty lines best."""
    lines = [ln for ln in head_lines(text, HEADER_SEARCH_ROWS) if ln.strip()]
    counts = {d: sum(ln.count(d) for ln in lines) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ";"))


def _read_csv(path: Path, file: str) -> RawRegister:
    try:
        guard.check_text(path)
    except guard.Refused as exc:
        raise _unreadable(file, str(exc)) from None
    raw = path.read_bytes()
    decoded = _decode(raw, file)
    text, utf8 = decoded.text, decoded.utf8
    if not text or text.isspace():  # (without copying the whole text as strip() would)
        raise _unreadable(file, "il file non contiene dati")
    if "\x00" in text:
        raise _unreadable(file, "non è un file di testo CSV (contiene dati binari)")
    delimiter = sniff_delimiter(text)
    # polars sizes a CSV on its first line, and a title line above the header is shorter: then
    # put a synthetic header line as wide as the widest of the first lines (row numbers are
    # unchanged). When the first line is the widest, the file is read as it is.
    head = list(csv.reader(io.StringIO("\n".join(head_lines(text, HEADER_SEARCH_ROWS + 1))), delimiter=delimiter))
    width = max((len(r) for r in head), default=1)
    names = [f"c{j}" for j in range(width)]
    # A UTF-8 file is passed on as it is (without its BOM), anything else re-encoded as UTF-8.
    body = raw.removeprefix(codecs.BOM_UTF8) if utf8 else text.encode("utf-8")
    del text
    options = dict(infer_schema=False, separator=delimiter, truncate_ragged_lines=True, quote_char='"')
    try:
        if head and len(head[0]) == width:
            data = pl.read_csv(body, has_header=False, new_columns=names, **options)
        else:
            data = pl.read_csv(delimiter.join(names).encode("utf-8") + b"\n" + body, has_header=True, **options)
    except Exception as exc:  # polars.exceptions.ComputeError and friends
        raise _unreadable(file, f"CSV non interpretabile ({type(exc).__name__})") from None
    _check_rows(data.height, file)
    register = _shape(data, file, None)
    if decoded.encoding == "cp850":  # said, since Excel never writes it
        register.notes.append(f"testo nella codifica {decoded.label}: letto come tale")
    return register


def read_register(path: str | Path, sheet: str | None = None, *, in_parts: bool = True,
                  name: str | None = None) -> RawRegister:
    """Read one register file; raises FileProblem when it cannot be used.

    in_parts: a large .xlsx sheet may be read in parts on every core (read/split_sheet.py); False
    when the other cores are busy reading other files. name: the file's name in messages and in
    the register (default: the path as given)."""
    path = Path(path)
    file = str(path) if name is None else name
    locked = discover.lock_file_reason(path.name)
    if locked:
        raise _unreadable(file, locked)
    if not path.is_file():
        raise _unreadable(file, "file non trovato")
    suffix = path.suffix.lower()
    try:
        if suffix in CSV_SUFFIXES:
            return _read_csv(path, file)
        if suffix in EXCEL_SUFFIXES:
            return _read_excel(path, sheet, in_parts, file)
    except (FileProblem, KeyboardInterrupt, SystemExit):
        raise
    except MemoryError:
        raise _unreadable(file, "memoria insufficiente per leggerlo: dividerlo in file più piccoli") from None
    except BaseException as exc:  # noqa: BLE001 - any failure reading one file is that file's problem
        raise _reader_failure(file, exc) from None
    raise _unreadable(file, f"estensione '{path.suffix}' non supportata (usare .xlsx, .xlsm, .ods o .csv)")


def register_from_values(values: list[list], file: str, sheet: str) -> RawRegister:
    """A register from a 2-D list of cell values anchored at A1 (an open workbook's sheet)."""
    width = max((len(r) for r in values), default=0)
    rows = [[_cell_text(v) for v in r] + [None] * (width - len(r)) for r in values]
    frame = pl.DataFrame(rows, schema=[f"c{j}" for j in range(width)], orient="row") if width else pl.DataFrame()
    if frame.width == 0:
        raise FileProblem("colonne.mancanti", file, "il foglio è vuoto.", sheet)
    return _shape(frame, file, sheet)


def _cell_text(value: object) -> str | None:
    """A cell value as the text calamine would give (dates as ISO, whole floats without .0)."""
    import datetime as dt

    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return str(value)


def find_registers(paths: list[str | Path]) -> list[Path]:
    """The register files of the paths given: folders searched in their subfolders (read/discover.py)."""
    return discover.find(paths).files
