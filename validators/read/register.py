"""Registers (xlsx, xlsm, xls, ods, csv, or values from an open workbook) -> a frame of text cells.

Every cell is read as text, so that nothing is silently lost by type inference; the rules parse
dates, numbers and codes themselves. Each row keeps the number the user sees in Excel.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from registro.validators.read import bounds, discover, encoding, guard, split_sheet
from registro.validators.read.cells import MarksReader, SheetMarks, marks_of
from registro.validators.read.merged import fill_merged
from registro.validators.read.total_rows import total_rows
from registro.validators.errors import FileProblem
from registro.validators.ooxml.refs import column_letter
from registro.validators.ooxml.text import whole_surrogates
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
# spaces and punctuation ignored), after the canonical name and from the most specific: when two
# columns name the same field, the one earlier in this list wins ("Codice servizio" over
# "Servizio", "Tipo utente" over "Utente"); two columns of the same rank are a FileProblem.
FIELDS: tuple[Field, ...] = (
    Field("Data", True, ("Data servizio", "Data erogazione", "Data del servizio", "Data", "Giorno")),
    Field("Sede", True, ("Sede", "Sede CPI", "Centro per l'impiego", "CPI", "Ufficio")),
    Field("Operatore", True, ("Operatore", "Operatrice", "Operatore/trice", "Erogato da")),
    Field("Tipo utente", True, ("Tipo utente", "Tipologia utente", "Persona/Azienda", "Destinatario", "Tipo", "Utente")),
    Field("Codice fiscale", True, ("Codice fiscale", "Codice fiscale utente", "Codice fiscale / P.IVA", "CF/P.IVA",
                                   "CF", "C.F.", "Cod. fiscale", "Cod fisc", "Partita IVA", "P.IVA")),
    Field("Programma", False, ("Programma", "Programma/Misura", "Misura")),
    Field("Codice servizio", True, ("Codice servizio", "Cod. servizio", "Codice attività", "Codice LEP", "Codice",
                                    "Servizio", "Attività")),
    Field("Durata (min)", False, ("Durata (min)", "Durata in minuti", "Durata minuti", "Durata", "Minuti")),
    Field("Modalità", True, ("Modalità", "Modalità di erogazione", "Modalita erogazione", "Canale")),
    Field("Note", False, ("Note", "Nota", "Annotazioni")),
)
COLUMNS = tuple(f.name for f in FIELDS)
REQUIRED = tuple(f.name for f in FIELDS if f.required)
# The column of a RawRegister frame that holds the Excel row number (not a register column).
ROW_NUMBER = "riga"
# norm_key(header) -> (field, rank): 0 for the canonical name, then the synonyms in order.
_SYNONYMS: dict[str, tuple[str, int]] = {}
for _f in FIELDS:
    for _rank, _text in enumerate((_f.name, *_f.synonyms)):
        _SYNONYMS.setdefault(norm_key(_text), (_f.name, _rank))
_HINT = re.compile(r"\s*\([^()]*\)\s*")  # "Data (gg/mm/aaaa)": the text in parentheses is a hint

# Which files are registers: read/discover.py (folders searched in their subfolders).
EXCEL_SUFFIXES, CSV_SUFFIXES, SUFFIXES = discover.EXCEL_SUFFIXES, discover.CSV_SUFFIXES, discover.SUFFIXES


@dataclass
class RawRegister:
    """The text cells of one register: contract columns plus ROW_NUMBER (the Excel row number)."""

    file: str
    sheet: str | None
    header_row: int
    frame: pl.DataFrame
    total_rows: tuple[int, ...] = ()  # Excel rows left out as the register's own totals (read/total_rows.py)
    merged_columns: tuple[str, ...] = ()  # contract columns whose merged ranges were spread over their rows
    notes: list[str] = field(default_factory=list)  # what the summary says about how the file was read


def header_match(text: object) -> tuple[str, int] | None:
    """(contract column, rank) a header cell names, if any: rank 0 for the canonical name, then
    the synonyms from the most specific. Text in parentheses is a hint, ignored when the header
    is not a name as it is ("Durata (min)" is one, "Data (gg/mm/aaaa)" is read as "Data")."""
    if text is None:
        return None
    found = _SYNONYMS.get(norm_key(text))
    if found is None and "(" in str(text):
        found = _SYNONYMS.get(norm_key(_HINT.sub(" ", str(text))))
    return found


def header_field(text: object) -> str | None:
    """The contract column a header cell names, if any."""
    found = header_match(text)
    return found[0] if found else None


def _columns_of(row: list, field_of: Callable[[object], object]) -> tuple[dict[int, str], dict[str, list[int]]]:
    """({column position: field}, {field: positions of the columns tied for it}) of a header row.

    field_of gives a field name, or (field name, rank): the column of the lowest rank wins, the
    first one on equal names without a rank; columns of the same rank are tied."""
    best: dict[str, tuple[int, int]] = {}  # field -> (rank, position)
    ties: dict[str, list[int]] = {}
    for j, cell in enumerate(row):
        found = field_of(cell)
        if not found:
            continue
        name, rank = found if isinstance(found, tuple) else (found, None)
        if name not in best or rank is not None and rank < best[name][0]:
            best[name] = (rank, j)
            ties.pop(name, None)
        elif rank is not None and rank == best[name][0]:
            ties.setdefault(name, [best[name][1]]).append(j)
    return {j: name for name, (_, j) in sorted(best.items(), key=lambda kv: kv[1][1])}, ties


def match_header(rows: list[list], field_of: Callable[[object], object], required: Sequence[str],
                 ) -> tuple[int, dict[int, str], bool] | None:
    """Find a header row among the first HEADER_SEARCH_ROWS rows: the one header locator of read/.

    field_of names the field a header cell stands for (None for other cells), or gives (field,
    rank), and then the lowest rank wins (_columns_of). Returns (0-based row, {column position:
    field}, True) for the first row naming every required field; otherwise the row naming most
    of them (at least two) with False; None when no row names two.
    """
    best: tuple[int, dict[int, str], bool] | None = None
    most = 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping, _ = _columns_of(row, field_of)
        found = sum(1 for n in mapping.values() if n in required)
        if found == len(required):
            return i, mapping, True
        if found >= 2 and found > most:
            best, most = (i, mapping, False), found
    return best


def locate_header(rows: list[list], file: str, sheet: str | None) -> tuple[int, dict[int, str]]:
    """(0-based header row, {column position: contract name}) of a register, or FileProblem colonne.mancanti."""
    match = match_header(rows, header_match, REQUIRED)
    if match and match[2]:
        _refuse_ties(rows[match[0]], match[0], file, sheet)
        return match[0], match[1]
    if match is None:
        missing = _quoted(REQUIRED)
        where = f" (nessuna intestazione riconosciuta nelle prime {HEADER_SEARCH_ROWS} righe)"
    else:
        row, mapping, _ = match
        absent = [n for n in REQUIRED if n not in mapping.values()]
        missing = _quoted(absent)
        where = f" nella riga di intestazione {row + 1}" + _lookalikes(rows[row], mapping, absent)
    raise FileProblem("colonne.mancanti", file, sheet, mancanti=missing, dove=where)


def _quoted(names) -> str:
    """'Data', 'Sede' ... as a message lists column names."""
    return ", ".join(f"'{n}'" for n in names)


def _refuse_ties(row: list, index: int, file: str, sheet: str | None) -> None:
    """FileProblem colonne.doppie when two columns of the header name the same field equally."""
    _, ties = _columns_of(row, header_match)
    if not ties:
        return
    name, positions = next(iter(ties.items()))
    headers = " e ".join(f"'{str(row[j]).strip()}' ({column_letter(j + 1)})" for j in positions)
    raise FileProblem("colonne.doppie", file, sheet, colonne=headers, campo=name, riga_intestazione=str(index + 1))


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


def _shape(frame: pl.DataFrame, file: str, sheet: str | None, marks: SheetMarks | None = None) -> RawRegister:
    """Header detection, merged ranges spread, contract columns, Excel row numbers, total rows
    and empty rows dropped."""
    ranges, blank = [], None
    if marks:
        # A row empty before the spreading stays empty: a Sede merged over rows not yet written
        # gives them no service.
        blank = frame.select(pl.all_horizontal(pl.all().is_null())).to_series() if marks.merged else None
        frame, ranges = fill_merged(frame, marks)
    head = frame.head(HEADER_SEARCH_ROWS).rows()
    header, mapping = locate_header(head, file, sheet)
    source = frame.columns
    present = {name: source[j] for j, name in mapping.items()}
    merged = _merged_columns(ranges, header, mapping, head, file, sheet)
    body = frame.slice(header + 1).with_row_index(ROW_NUMBER, offset=header + 2)
    formulas: dict[str, list[int]] = {}
    for r, c in (marks.totals if marks else ()):
        if 0 <= c - marks.first_column < len(source) and r > header:
            formulas.setdefault(source[c - marks.first_column], []).append(r + 1)
    exprs = [pl.col(ROW_NUMBER).cast(pl.Int64)]
    for name in COLUMNS:
        if name in present:
            exprs.append(pl.col(present[name]).cast(pl.String).str.strip_chars().replace("", None).alias(name))
        else:
            exprs.append(pl.lit(None, dtype=pl.String).alias(name))
    body = body.with_columns(pl.col(c).cast(pl.String) for c in source).select(
        *exprs, total_rows(body, present, formulas, ROW_NUMBER).alias("_totale"))
    empty = pl.all_horizontal(pl.col(list(COLUMNS)).is_null())
    if blank is not None:
        body = body.with_columns(blank.slice(header + 1).alias("_vuota"))
        empty = empty | pl.col("_vuota")
    body = body.filter(~empty).drop("_vuota", strict=False)
    totals = body.filter(pl.col("_totale"))[ROW_NUMBER].to_list()
    if totals:
        body = body.filter(~pl.col("_totale"))
    return RawRegister(file, sheet, header + 1, body.drop("_totale"), tuple(totals), merged)


def _merged_columns(ranges, header: int, mapping: dict[int, str], head: list, file: str, sheet: str | None,
                    ) -> tuple[str, ...]:
    """The contract columns with a merged range below the header; FileProblem intestazione.unita
    when a range joins the header with a row below it."""
    columns = set()
    for r1, j, r2, _ in ranges:
        if r1 <= header < r2:
            text = str(head[header][j]).strip() if j < len(head[header]) and head[header][j] is not None else ""
            raise FileProblem("intestazione.unita", file, sheet, cella=f"{column_letter(j + 1)}{header + 1}",
                              intestazione=text, righe=f"{r1 + 1}-{r2 + 1}")
        if r2 > header and j in mapping:
            columns.add(mapping[j])
    return tuple(c for c in COLUMNS if c in columns)


def _sheet_problem(file: str, wanted: str, names: list[str], detail: str = "") -> FileProblem:
    problem = FileProblem("foglio.mancante", file, foglio=wanted, fogli=", ".join(names) or "nessuno", dettaglio=detail)
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
    return FileProblem("file.illeggibile", file, motivo=reason)


def _load_sheet(path: Path, sheet: str | None, file: str, in_parts: bool,
                on_sheet: Callable[[str], None] | None = None) -> tuple[str, pl.DataFrame, list[str]]:
    import fastexcel

    trim = None
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            trim = bounds.trimmed(path)  # stray cells far away: read a copy without them
        except bounds.TooSparse as exc:
            raise _unreadable(file, str(exc)) from None
    reader = fastexcel.read_excel(trim.package if trim else str(path))
    name, note = _pick_sheet(reader, sheet, file)
    if on_sheet is not None:
        on_sheet(name)
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


def read_sheet_cells(path: Path, sheet: str | None, in_parts: bool = True,
                     on_sheet: Callable[[str], None] | None = None, *, name: str | None = None,
                     notes: list[str] | None = None) -> tuple[str, pl.DataFrame]:
    """(sheet name, all its cells as text from A1) of a spreadsheet, after the guard's checks.

    in_parts=False reads a large sheet whole, on one core (when other files take the other cores).
    on_sheet(name) is called once the sheet is chosen, before its cells are read.
    name: the file's name in messages (default: the path); notes, when given, receives what the
    summary should say about the reading (the sheet chosen by its header, stray cells ignored).

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
                sheet_name, data, found = _load_sheet(link, sheet, file, in_parts, on_sheet)
        else:
            sheet_name, data, found = _load_sheet(path, sheet, file, in_parts, on_sheet)
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
    marks = MarksReader(path)  # the sheet's XML is scanned while calamine reads its cells
    notes: list[str] = []
    name, data = read_sheet_cells(path, sheet, in_parts, on_sheet=marks.start, name=file, notes=notes)
    register = _shape(data, file, name, marks.result(name))
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


def register_from_values(values: list[list], file: str, sheet: str, *, merged=(),
                         formulas: list[list] | None = None) -> RawRegister:
    """A register from a 2-D list of cell values anchored at A1 (an open workbook's sheet), with
    its merged ranges (0-based first row, first column, last row, last column) and formulas."""
    width = max((len(r) for r in values), default=0)
    rows = [[_cell_text(v) for v in r] + [None] * (width - len(r)) for r in values]
    frame = pl.DataFrame(rows, schema=[f"c{j}" for j in range(width)], orient="row") if width else pl.DataFrame()
    if frame.width == 0:
        raise FileProblem("colonne.mancanti", file, sheet, mancanti=_quoted(REQUIRED), dove=" (il foglio è vuoto)")
    return _shape(frame, file, sheet, marks_of(merged, formulas))


def _cell_text(value: object) -> str | None:
    """A cell value as the text calamine would give (dates as ISO, whole floats without .0)."""
    import datetime as dt

    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    # Excel keeps text as UTF-16 without checking it: a lone surrogate (which polars' UTF-8 cannot
    # hold) becomes U+FFFD, visibly, instead of failing the whole check.
    return whole_surrogates(str(value))


def find_registers(paths: list[str | Path]) -> list[Path]:
    """The register files of the paths given: folders searched in their subfolders (read/discover.py)."""
    return discover.find(paths).files
