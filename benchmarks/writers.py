"""Write generated rows as .xlsx or .csv, fast enough for a million rows.

The .xlsx is a minimal SpreadsheetML package written directly: one sheet 'Registro', text as
inline strings (no shared-strings table to build), dates as Excel serial numbers shown
dd/mm/yyyy, numbers as numbers. It takes a few seconds per million rows where openpyxl's
write-only mode takes over a minute; calamine, openpyxl, Excel and LibreOffice read it.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import zipfile
from pathlib import Path

from registro.validators.read.register import COLUMNS

SHEET = "Registro"
_EXCEL_EPOCH = dt.date(1899, 12, 30).toordinal()
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_WIDTHS = (11, 22, 22, 11, 19, 10, 16, 12, 12, 28)  # column widths in characters, in contract order
_CHUNK_ROWS = 20_000

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="{_PKG}/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook {_NS} xmlns:r="{_REL}"><sheets><sheet name="{SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
    ),
    # Styles: 0 normal, 1 date dd/mm/yyyy, 2 bold (header).
    "xl/styles.xml": (
        f'<styleSheet {_NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ),
}


def _text(value: str) -> str:
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f"<is><t{space}>{value}</t></is>"


def _cell(ref: str, value) -> str:
    """One <c> element; '' for an empty cell."""
    kind = type(value)
    if value is None:
        return ""
    if kind is str:
        return f'<c r="{ref}" t="inlineStr">{_text(value)}</c>'
    if kind is int or kind is float:
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if kind is dt.date:
        return f'<c r="{ref}" s="1"><v>{value.toordinal() - _EXCEL_EPOCH}</v></c>'
    if isinstance(value, dt.datetime):
        day = value.toordinal() - _EXCEL_EPOCH
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return f'<c r="{ref}" s="1"><v>{day + seconds / 86400!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr">{_text(str(value))}</c>'


def _sheet_rows(rows: list[list], header: tuple[str, ...]):
    letters = _LETTERS[: len(header)]
    yield '<row r="1">' + "".join(
        f'<c r="{c}1" t="inlineStr" s="2">{_text(h)}</c>' for c, h in zip(letters, header)
    ) + "</row>"
    for n, row in enumerate(rows, start=2):
        yield f'<row r="{n}">' + "".join(_cell(f"{c}{n}", v) for c, v in zip(letters, row)) + "</row>"


def write_xlsx(path, rows: list[list], header: tuple[str, ...] = COLUMNS, compresslevel: int = 1) -> None:
    """Write rows under the contract header as sheet 'Registro' of an .xlsx (atomically)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    last = f"{_LETTERS[len(header) - 1]}{len(rows) + 1}"
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(_WIDTHS[: len(header)], 1))
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as zf:
        for name, xml in _PARTS.items():
            zf.writestr(name, _HEAD + xml)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write((
                f'{_HEAD}<worksheet {_NS}><dimension ref="A1:{last}"/><sheetViews><sheetView workbookViewId="0">'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
                f"<cols>{cols}</cols><sheetData>"
            ).encode())
            chunk: list[str] = []
            for xml in _sheet_rows(rows, header):
                chunk.append(xml)
                if len(chunk) == _CHUNK_ROWS:
                    out.write("".join(chunk).encode())
                    chunk.clear()
            out.write(("".join(chunk) + "</sheetData></worksheet>").encode())
    os.replace(tmp, path)


def write_csv(path, rows: list[list], header: tuple[str, ...] = COLUMNS) -> None:
    """Write rows as an Italian-Excel CSV: ';' separated, UTF-8, dates dd/mm/yyyy."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    days: dict[dt.date, str] = {}

    def text(v):
        if isinstance(v, dt.date):
            if v not in days:
                days[v] = v.strftime("%d/%m/%Y")
            return days[v]
        return v

    with open(tmp, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(header)
        writer.writerows([text(row[0]), *row[1:]] for row in rows)
    os.replace(tmp, path)
