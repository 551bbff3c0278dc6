"""Registers built in code for the tests: rows as dicts, written as real .xlsx or .csv files."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from registro.validators.read.register import COLUMNS

TODAY = dt.date(2026, 11, 1)
MONTH = "2026-10"

# Valid codici fiscali (check characters computed with python-stdnum) and a valid partita IVA.
CF = {
    "mario": "RSSMRA80A01H501U",
    "laura": "BNCLRA85M41D451W",
    "giuseppe": "VRDGPP90C12A271Y",
    "franco": "NREFNC75T10E388T",
    "sara": "GLLSRA99H55I608H",
}
PIVA = "00743110157"

_KEYS = {
    "data": "Data", "sede": "Sede", "operatore": "Operatore", "tipo": "Tipo utente", "cf": "Codice fiscale",
    "programma": "Programma", "codice": "Codice servizio", "durata": "Durata (min)", "modalita": "Modalità",
    "note": "Note",
}


def riga(**values) -> dict:
    """A correct row (A.1 for a person on 01/10/2026) with the given fields changed."""
    row = {
        "Data": dt.date(2026, 10, 1), "Sede": "Ancona", "Operatore": "Maria Rossi", "Tipo utente": "Persona",
        "Codice fiscale": CF["mario"], "Programma": None, "Codice servizio": "A.1 - Accoglienza e prima informazione",
        "Durata (min)": 15, "Modalità": "In presenza", "Note": None,
    }
    for key, value in values.items():
        row[_KEYS[key]] = value
    return row


def write_xlsx(path: Path, rows: list[dict], *, title_rows: list[list] = (), sheet: str = "Registro",
               headers: list[str] | None = None, extra_sheets: tuple[str, ...] = ()) -> Path:
    """A real .xlsx with optional title rows above the header."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for t in title_rows:
        ws.append(t)
    ws.append(headers or list(COLUMNS))
    for r in rows:
        ws.append([r.get(c) for c in COLUMNS])
    for name in extra_sheets:
        wb.create_sheet(name)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[dict], *, delimiter: str = ";", encoding: str = "utf-8-sig") -> Path:
    """A CSV register with dates as dd/mm/yyyy."""
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow(["" if r.get(c) is None else (r[c].strftime("%d/%m/%Y") if isinstance(r[c], dt.date) else r[c])
                        for c in COLUMNS])
    return path


def write_ods(path: Path, rows: list[dict]) -> Path:
    """A minimal OpenDocument spreadsheet (what LibreOffice saves), written by hand with zipfile."""
    from xml.sax.saxutils import escape

    def cell(v):
        if v is None:
            return "<table:table-cell/>"
        if isinstance(v, dt.date):
            return (f'<table:table-cell office:value-type="date" office:date-value="{v.isoformat()}">'
                    f"<text:p>{v:%d/%m/%Y}</text:p></table:table-cell>")
        if isinstance(v, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(cell(v) for v in r) + "</table:table-row>"
                   for r in [list(COLUMNS)] + [[r.get(c) for c in COLUMNS] for r in rows])
    return ods_package(path, body)


def ods_package(path: Path, rows_xml: str, sheet: str = "Registro") -> Path:
    """An .ods holding one sheet whose <table:table-row> elements are rows_xml."""
    import zipfile

    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{sheet}">{rows_xml}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


ROOT = Path(__file__).parents[2]


def run_from_root(*args):
    """Run the CLI from the project root (the bundled example's paths are relative)."""
    import os

    from click.testing import CliRunner

    from registro.cli import main

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return CliRunner().invoke(main, [str(a) for a in args])
    finally:
        os.chdir(cwd)


def register_sheet(rows: list[dict] = (), *, header: bool = True):
    """(workbook, its 'Registro' sheet) with the contract header and rows, for tests that then
    add their own oddities (merged cells, stray cells, empty rows) before saving."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Registro"
    if header:
        ws.append(list(COLUMNS))
    for r in rows:
        ws.append([r.get(c) for c in COLUMNS])
    return wb, ws
