"""The planned workload: the 'Carichi' sheet of a filled template -> planned monthly volumes per code.

Contract (also in docs/guida/tempi-e-carichi.md): a sheet named Carichi; a header row within the first 20 rows with
the headers "Codice" and "Volume mensile previsto" (case, accents, spaces ignored); below it one
row per service code ("A.1" or "A.1 - name"). Blank volumes mean nothing planned; rows whose code
cell is blank or starts with "Totale" are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from registro.validators.catalogue import Catalogue
from registro.validators.errors import FileProblem, UsageError
from registro.validators.read.register import HEADER_SEARCH_ROWS, match_header, read_sheet_cells
from registro.validators.text import norm_key, service_code_part

SHEET = "Carichi"
CODE_HEADERS = {norm_key("Codice"), norm_key("Codice servizio")}
VOLUME_HEADER = norm_key("Volume mensile previsto")


@dataclass(frozen=True)
class PlannedVolume:
    """One line of a Carichi sheet: a code and its planned monthly volume."""

    code: str
    volume: float
    row: int


def _sheet_rows(path: Path) -> list[list]:
    """The cells of the Carichi sheet as text (None for empty cells), read with the registers' guards."""
    if not path.is_file():
        raise UsageError(f"file dei carichi '{path}' non trovato.")
    try:
        _, frame = read_sheet_cells(path, SHEET)
    except FileProblem as exc:
        if exc.rule == "foglio.mancante":
            raise UsageError(f"il file dei carichi '{path}' non ha il foglio '{SHEET}' "
                             f"(fogli presenti: {', '.join(exc.sheets) or 'nessuno'}).") from None
        raise UsageError(f"file dei carichi '{path}' illeggibile: usare il modello compilato in formato .xlsx "
                         f"({exc}).") from None
    return [list(r) for r in frame.rows()]


def _carichi_field(cell: object) -> str | None:
    if cell is None:
        return None
    key = norm_key(cell)
    return "codice" if key in CODE_HEADERS else "volume" if key == VOLUME_HEADER else None


def _locate(rows: list[list], path: Path) -> tuple[int, int, int]:
    """(header row index, code column, volume column), found by read's header locator."""
    match = match_header(rows, _carichi_field, ("codice", "volume"))
    if match and match[2]:
        row, mapping, _ = match
        columns = {name: j for j, name in mapping.items()}
        return row, columns["codice"], columns["volume"]
    raise UsageError(f"foglio '{SHEET}' di '{path}': nelle prime {HEADER_SEARCH_ROWS} righe non c'è una riga con "
                     "le intestazioni 'Codice' e 'Volume mensile previsto'.")


def _volume(text: str, where: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise UsageError(f"{where}, 'Volume mensile previsto': '{text}' non è un numero.") from None
    if value < 0 or value != value or value in (float("inf"), float("-inf")):
        raise UsageError(f"{where}, 'Volume mensile previsto': '{text}' deve essere un numero positivo o zero.")
    return int(value) if value.is_integer() else value


def read_plan(path: str | Path, cat: Catalogue) -> list[PlannedVolume]:
    """Planned monthly volumes per code from the Carichi sheet (Italian errors naming the row)."""
    path = Path(path)
    rows = _sheet_rows(path)
    header, code_col, volume_col = _locate(rows, path)
    plan: dict[str, PlannedVolume] = {}
    for i, row in enumerate(rows[header + 1:], start=header + 2):
        where = f"foglio '{SHEET}' di '{path.name}', riga {i}"
        cell = row[code_col] if code_col < len(row) else None
        volume_text = row[volume_col] if volume_col < len(row) else None
        if cell is None or not str(cell).strip() or norm_key(cell).startswith("totale"):
            continue
        if volume_text is None or not str(volume_text).strip():
            continue
        code = service_code_part(str(cell))
        if code not in cat.services:
            raise UsageError(f"{where}, 'Codice': '{cell}' non esiste nel catalogo.")
        if code in plan:
            raise UsageError(f"{where}, 'Codice': {code} compare già alla riga {plan[code].row}.")
        plan[code] = PlannedVolume(code, _volume(str(volume_text).strip(), where), i)
    return list(plan.values())
