"""What the cell values alone do not say: merged ranges and SUM/SUBTOTAL formulas of a sheet.

calamine gives each cell's value; a merged range's value sits in its first cell only, and a
formula is only its cached result. People merge the Data of a day or the Sede of a block of
rows and end a register with a total row, so the reader needs both: they are read here from the
sheet's XML (.xlsx `<mergeCell>` and `<f>`, .ods `table:number-rows-spanned` and
`table:formula`), with a byte scan first so that a sheet with neither costs one inflate only.

Coordinates are 0-based (row 0 = Excel row 1, column 0 = column A).
"""

from __future__ import annotations

import itertools
import re
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from registro.validators.ooxml import refs
from registro.validators.ooxml.parts import relationships, rels_name, resolve, sheets, workbook_part
from registro.validators.ooxml.zipfiles import inflated_blocks

CHUNK = 8 * 1024**2
# The functions of a total: SUM and SUBTOTAL (AGGREGATE), as files store them whatever the
# language of the program (LibreOffice: "of:=SUM([.H2:.H11])").
_TOTAL_FORMULA = re.compile(r"^\s*(?:of:)?=?\s*(?:_xlfn\.)?(?:SUM|SUBTOTAL|AGGREGATE|SOMMA|SUBTOTALE)\s*\(", re.I)


@dataclass
class SheetMarks:
    """Merged ranges (first row, first column, last row, last column), the cells holding a total
    formula, and the first column holding a value (where calamine's frame starts)."""

    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    totals: set[tuple[int, int]] = field(default_factory=set)
    first_column: int = 0

    def __bool__(self) -> bool:
        return bool(self.merged or self.totals)


def marks_of(merged, formulas: list[list] | None) -> SheetMarks:
    """The marks of an open workbook's sheet (values anchored at A1): its merged ranges as given,
    and the cells whose formula is a total."""
    totals = {(i, j) for i, row in enumerate(formulas or ()) for j, f in enumerate(row or ())
              if isinstance(f, str) and f.startswith("=") and _TOTAL_FORMULA.match(f)}
    return SheetMarks(merged=[tuple(m) for m in merged], totals=totals)


def column_index(letters: str) -> int:
    """0 for 'A', 27 for 'AB' (0-based, as the marks are)."""
    return refs.column_index(letters) - 1


def sheet_marks(path: Path, sheet: str) -> SheetMarks | None:
    """The marks of a sheet of an .xlsx/.xlsm or .ods (None for other files or when the sheet
    part cannot be found: the values are read as they are)."""
    try:
        with zipfile.ZipFile(path) as zin:
            names = set(zin.namelist())
            if "content.xml" in names:
                return _ods_marks(zin, sheet)
            part = _xlsx_sheet_part(zin, names, sheet)
            return _xlsx_marks(zin, part) if part else None
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError, RuntimeError):
        return None


class MarksReader:
    """sheet_marks of a file, read on a thread of its own while calamine reads the cells (both
    release the GIL while inflating); inline where threads cannot start (Pyodide)."""

    def __init__(self, path: Path):
        self.path, self.name, self.marks, self.thread = path, None, None, None

    def start(self, sheet: str) -> None:
        """Begin reading the marks of this sheet."""
        from registro.validators.parallel import threads_available

        self.name = sheet
        if threads_available():
            self.thread = threading.Thread(target=self._run, name="registro-celle", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        self.marks = sheet_marks(self.path, self.name)

    def result(self, sheet: str) -> SheetMarks | None:
        """The marks of the sheet (waiting for the thread)."""
        if self.thread is not None and self.name == sheet:
            self.thread.join()
            return self.marks
        return sheet_marks(self.path, sheet)


def _xlsx_sheet_part(zin: zipfile.ZipFile, names: set[str], sheet: str) -> str | None:
    def text(name):
        return zin.read(name).decode("utf-8") if name in names else None

    workbook = workbook_part(text("_rels/.rels"))
    targets = {r["Id"]: resolve(workbook, r["Target"]) for r in relationships(text(rels_name(workbook)))}
    found = [s for s in sheets(text(workbook) or "") if s["name"] == sheet]
    return targets.get(found[0]["rid"]) if len(found) == 1 else None


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
_FORMULA_CELL = re.compile(
    rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*>\s*<(?:\w+:)?f\b([^>]*?)(/?)>([^<]*)')
_SHARED = re.compile(rb'\bsi="(\d+)"')
# A cell with content (not a styled empty cell): where calamine's first column is.
_VALUE_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})\d+"[^>/]*>\s*<(?:\w+:)?(?:v|is|f)\b')


def _sheet_blocks(zin: zipfile.ZipFile, part: str):
    """The sheet part's XML in blocks, inflated with ISA-L where installed (the scan costs one
    inflate of the sheet, beside calamine's)."""
    with open(zin.filename, "rb") as raw:
        yield from inflated_blocks(raw, zin.getinfo(part), out_block=CHUNK)


def _xlsx_marks(zin: zipfile.ZipFile, part: str) -> SheetMarks:
    marks = SheetMarks(first_column=1 << 20)
    shared: dict[bytes, bool] = {}  # shared formula id -> is a total
    carry = b""
    for block in itertools.chain(_sheet_blocks(zin, part), [b""]):  # b"": the end, with what is carried
        data = carry + block
        if block:  # cut after the last complete row; the rest waits for the next block
            cut = data.rfind(b"</row>")
            cut = len(data) - 4096 if cut < 0 else cut + 6
            cut = max(cut, 0)
            data, carry = data[:cut], data[cut:]
        if marks.first_column:
            for m in _VALUE_CELL.finditer(data):
                marks.first_column = min(marks.first_column, column_index(m.group(1).decode()))
                if not marks.first_column:
                    break
        if b"<f" in data or b":f>" in data or b":f " in data:
            _formulas(data, marks, shared)
        if b"mergeCell" in data:
            for m in _MERGE.finditer(data):
                c1, r1 = column_index(m.group(1).decode()), int(m.group(2)) - 1
                c2, r2 = (column_index(m.group(3).decode()), int(m.group(4)) - 1) if m.group(3) else (c1, r1)
                if (r1, c1) != (r2, c2):
                    marks.merged.append((r1, c1, r2, c2))
    if marks.first_column == 1 << 20:
        marks.first_column = 0
    return marks


def _formulas(data: bytes, marks: SheetMarks, shared: dict[bytes, bool]) -> None:
    for m in _FORMULA_CELL.finditer(data):
        attrs, text = m.group(3), m.group(5).decode("utf-8", "replace")
        si = _SHARED.search(attrs)
        if m.group(4) or not text.strip():  # a follower of a shared formula: its master's function
            total = shared.get(si.group(1), False) if si else False
        else:
            total = bool(_TOTAL_FORMULA.match(text))
            if si:
                shared[si.group(1)] = total
        if total:
            marks.totals.add((int(m.group(2)) - 1, column_index(m.group(1).decode())))


_ODS_SIGNS = (b"number-rows-spanned", b"number-columns-spanned", b"table:formula")
_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _ods_marks(zin: zipfile.ZipFile, sheet: str) -> SheetMarks:
    marks = SheetMarks()
    with zin.open("content.xml") as xml:
        tail, found = b"", False
        while block := xml.read(CHUNK):
            if any(s in tail + block for s in _ODS_SIGNS):
                found = True
                break
            tail = block[-64:]
    if not found:
        return marks
    from defusedxml.ElementTree import iterparse  # the guard refused DOCTYPE/ENTITY already

    first = 1 << 20
    with zin.open("content.xml") as xml:
        table, row, in_row = None, 0, False
        for event, el in iterparse(xml, events=("start", "end")):
            tag = el.tag
            if tag == _T + "table":
                if event == "start":
                    table, row = el.get(_T + "name"), 0
                else:
                    if table == sheet:
                        break
                    table = None
                    el.clear()
                continue
            if table != sheet:
                if event == "end" and tag == _T + "table-row":
                    el.clear()
                continue
            if tag == _T + "table-row" and event == "end":
                cols = 0
                for cell in el:
                    if cell.tag not in (_T + "table-cell", _T + "covered-table-cell"):
                        continue
                    repeat = int(cell.get(_T + "number-columns-repeated", "1"))
                    rows_span = int(cell.get(_T + "number-rows-spanned", "1"))
                    cols_span = int(cell.get(_T + "number-columns-spanned", "1"))
                    if cell.tag == _T + "table-cell":
                        if rows_span > 1 or cols_span > 1:
                            marks.merged.append((row, cols, row + rows_span - 1, cols + cols_span - 1))
                        formula = cell.get(_T + "formula")
                        if formula and _TOTAL_FORMULA.match(formula):
                            marks.totals.add((row, cols))
                        if cols < first and (cell.get(_O + "value-type") or len(cell)):
                            first = cols
                    cols += repeat
                row += int(el.get(_T + "number-rows-repeated", "1"))
                el.clear()
    marks.first_column = 0 if first == 1 << 20 else first
    return marks
