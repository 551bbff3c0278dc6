"""A large sheet read in parts side by side gives exactly the cells of one whole read."""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from pathlib import Path

import fastexcel
import pytest

from tests.support.registri import CF, riga, write_xlsx
from registro.validators.read.discover import Found
from registro.validators.read import register, split_sheet

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
STYLES = (f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
          '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
          '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>')


def package(path: Path, rows: str, *, p: str = "", shared: list[str] = (), sheets: tuple[str, ...] = ("Registro",),
            register_sheet: str = "Registro", head: str = "", tail: str = "") -> Path:
    """An .xlsx written by hand around the given <sheetData> rows (prefix p for every element)."""
    ns = f'xmlns:{p[:-1]}="{MAIN}"' if p else f'xmlns="{MAIN}"'
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
        + "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(sheets, 1))
        + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG}">'
        + "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                  for i, _ in enumerate(sheets, 1))
        + f'<Relationship Id="rS" Type="{REL}/styles" Target="styles.xml"/>'
        + f'<Relationship Id="rT" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/styles.xml": STYLES,
        "xl/sharedStrings.xml": f'<sst xmlns="{MAIN}" count="{len(shared)}">'
        + "".join(f"<si><t>{s}</t></si>" for s in shared) + "</sst>",
    }
    for i, name in enumerate(sheets, 1):
        body = rows if name == register_sheet else '<row r="1"><c r="A1" t="inlineStr"><is><t>altro</t></is></c></row>'
        parts[f"xl/worksheets/sheet{i}.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?>\n<{p}worksheet {ns}>{head}'
                                                f"<{p}sheetData>{body}</{p}sheetData>{tail}</{p}worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return path


def cell(ref: str, value, p: str = "") -> str:
    """One cell's XML: str -> inline string, ('s', i) shared, ('d', n) date-styled number, ('b', x), ('e', x)."""
    if isinstance(value, tuple):
        kind, v = value
        if kind == "d":
            return f'<{p}c r="{ref}" s="1"><{p}v>{v}</{p}v></{p}c>'
        return f'<{p}c r="{ref}" t="{kind}"><{p}v>{v}</{p}v></{p}c>'
    if isinstance(value, str):
        return f'<{p}c r="{ref}" t="inlineStr"><{p}is><{p}t>{value}</{p}t></{p}is></{p}c>'
    return f'<{p}c r="{ref}"><{p}v>{value}</{p}v></{p}c>'


def row(number: int, cells: dict[str, object], p: str = "", **attrs) -> str:
    extra = "".join(f' {k}="{v}"' for k, v in attrs.items())
    inner = "".join(cell(f"{col}{number}", v, p) for col, v in cells.items())
    return f'<{p}row r="{number}"{extra}>{inner}</{p}row>'


def compare(path: Path, sheet: str = "Registro", part_bytes: int = 600) -> int:
    """Read in small parts and whole; assert the same frame; the number of parts read."""
    loads = []
    original = split_sheet._load

    def counted(*args):
        loads.append(args)
        return original(*args)

    split_sheet._load = counted
    try:
        parts = split_sheet.read_in_parts(path, sheet, split_bytes=0, part_bytes=part_bytes, threads=2)
    finally:
        split_sheet._load = original
    whole = split_sheet.whole_sheet(fastexcel.read_excel(str(path)), sheet)
    assert parts is not None, "the sheet was not split"
    assert parts.columns == whole.columns
    assert parts.to_dicts() == whole.to_dicts()
    return len(loads)


def varied_rows(count: int, p: str = "", start: int = 1) -> str:
    kinds = [lambda i: f"testo {i} &amp; più!", lambda i: ("s", i % 3), lambda i: ("d", 46296 + i % 30),
             lambda i: i * 1.5, lambda i: ("b", i % 2), lambda i: ("e", "#N/A"), lambda i: "",
             lambda i: f"{i:011d}"]
    return "".join(row(n, {c: kinds[(n + j) % len(kinds)](n) for j, c in enumerate("ABCDEFGH")}, p)
                   for n in range(start, start + count))


def test_le_parti_danno_le_stesse_celle_di_una_lettura_intera(tmp_path):
    path = package(tmp_path / "r.xlsx", varied_rows(300), shared=["uno", "due", "tre"])
    assert compare(path) > 10


def test_ogni_parte_e_un_pacchetto_zip_valido(tmp_path, monkeypatch):
    import io

    checked = []
    original = split_sheet._load

    def verified(fd, *args):
        data = os.pread(fd, os.fstat(fd).st_size, 0)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            checked.append(z.testzip())  # None: every part's CRC and size are right
        return original(fd, *args)

    monkeypatch.setattr(split_sheet, "_load", verified)
    path = package(tmp_path / "r.xlsx", varied_rows(200), shared=["uno", "due", "tre"])
    assert split_sheet.read_in_parts(path, "Registro", split_bytes=0, part_bytes=2000, threads=2) is not None
    assert len(checked) > 3 and checked == [None] * len(checked)


def test_righe_sparse_colonne_vuote_e_celle_isolate_restano_al_loro_posto(tmp_path):
    rows = [row(4, {"C": "intestazione", "D": "b"})]
    rows += [row(n, {"C": f"c{n}", "E": n}) for n in range(5, 60)]
    rows += ['<row r="70"/>', '<row r="71" ht="20" customHeight="1"><c r="C71" s="1"/></row>']
    rows += [row(n, {"D": f"d{n}"}) for n in range(200, 260)]
    rows += [row(300, {"A": "isolata a sinistra"}), row(301, {"Z": "isolata a destra"})]
    rows += [row(n, {"C": f"c{n}"}) for n in range(400, 460)]
    path = package(tmp_path / "r.xlsx", "".join(rows))
    assert compare(path, part_bytes=400) > 5


def test_la_prima_riga_senza_colonna_a_o_vuota(tmp_path):
    for first in ('<row r="1"/>', '<row r="1"></row>', row(1, {"B": "da B"})):
        rows = first + "".join(row(n, {"B": f"b{n}", "C": n}) for n in range(2, 80))
        assert compare(package(tmp_path / "r.xlsx", rows)) > 3


def test_un_foglio_con_prefisso_di_namespace(tmp_path):
    path = package(tmp_path / "r.xlsx", varied_rows(120, "x:"), p="x:", shared=["uno", "due", "tre"])
    assert compare(path) > 3


def test_il_registro_non_e_il_primo_foglio(tmp_path):
    path = package(tmp_path / "r.xlsx", varied_rows(100), sheets=("Istruzioni", "Registro", "Carichi"),
                   shared=["uno", "due", "tre"], tail="<mergeCells count=\"1\"><mergeCell ref=\"A1:B1\"/></mergeCells>")
    assert compare(path) > 3


@pytest.mark.parametrize("rows", [
    "".join(f"<row>{cell(f'A{n}', 'x')}</row>" for n in range(1, 100)),  # rows without numbers
    varied_rows(60) + '<!-- <row r="999"> -->' + varied_rows(60, start=61),
    "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t><![CDATA[<row r="{n}">]]></t></is></c></row>'
            for n in range(1, 100)),
], ids=["senza-numeri", "commento", "cdata"])
def test_un_foglio_che_non_si_puo_dividere_si_legge_intero(tmp_path, rows):
    path = package(tmp_path / "r.xlsx", rows)
    assert split_sheet.read_in_parts(path, "Registro", split_bytes=0, part_bytes=300, threads=2) is None


def test_un_foglio_piccolo_si_legge_intero(tmp_path):
    path = package(tmp_path / "r.xlsx", varied_rows(50))
    assert split_sheet.read_in_parts(path, "Registro", threads=2) is None


def _declare_size(path: Path, part: str, size: int) -> None:
    """Rewrite the uncompressed size the zip declares for a part (local header and directory)."""
    import struct

    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(part)
    struct.pack_into("<I", data, info.header_offset + 22, size)
    at = data.index(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + name_length]) == part.encode():
            struct.pack_into("<I", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 46)
    path.write_bytes(bytes(data))


def test_una_parte_piu_grande_del_dichiarato_si_legge_intera(tmp_path):
    path = package(tmp_path / "r.xlsx", varied_rows(200))
    with zipfile.ZipFile(path) as z:
        size = z.getinfo("xl/worksheets/sheet1.xml").file_size
    _declare_size(path, "xl/worksheets/sheet1.xml", size // 2)
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size == size // 2
    assert split_sheet.read_in_parts(path, "Registro", split_bytes=0, part_bytes=300, threads=2) is None


def test_le_parti_restano_in_memoria_e_non_lasciano_file_ne_descrittori(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    path = package(tmp_path / "r.xlsx", varied_rows(200), shared=["uno", "due", "tre"])
    before = set(os.listdir("/proc/self/fd"))
    assert compare(path) > 3
    assert set(os.listdir("/proc/self/fd")) <= before
    assert list((tmp_path / "tmp").iterdir()) == []


def test_un_registro_grande_letto_in_parti_e_uguale_a_quello_letto_intero(tmp_path, monkeypatch):
    rows = [riga(cf=list(CF.values())[i % len(CF)], data=dt.date(2026, 10, 1 + i % 28), durata=10 + i % 50,
                 note="nota <b>&</b>" if i % 7 == 0 else None) for i in range(2000)]
    path = write_xlsx(tmp_path / "r.xlsx", rows, title_rows=[["CPI di Ancona"], [], ["Registro di ottobre"]])
    monkeypatch.setattr(split_sheet, "SPLIT_BYTES", 10**12)
    whole = register.read_register(path)
    used = []
    original = split_sheet.read_in_parts
    monkeypatch.setattr(split_sheet, "SPLIT_BYTES", 0)
    monkeypatch.setattr(split_sheet, "PART_MIN_BYTES", 20_000)
    monkeypatch.setattr(split_sheet, "read_in_parts", lambda *a, **k: used.append(original(*a, **k)) or used[-1])
    parts = register.read_register(path)
    assert used and used[0] is not None
    assert (parts.header_row, parts.frame.to_dicts()) == (whole.header_row, whole.frame.to_dicts())


def test_blocchi_piccoli_righe_tagliate_fra_due_blocchi(tmp_path, monkeypatch):
    # the XML arrives in pieces smaller than a row: row tags and cells are cut between pieces
    monkeypatch.setattr(split_sheet, "BLOCK", 37)
    monkeypatch.setattr(split_sheet, "OUT_BLOCK", 101)
    path = package(tmp_path / "r.xlsx", varied_rows(150), shared=["uno", "due", "tre"])
    assert compare(path, part_bytes=900) > 5
    commented = package(tmp_path / "c.xlsx", varied_rows(60) + "<!-- x -->" + varied_rows(60, start=61),
                        shared=["uno", "due", "tre"])
    assert split_sheet.read_in_parts(commented, "Registro", split_bytes=0, part_bytes=900, threads=2) is None


def test_con_piu_file_che_core_nessun_foglio_e_letto_in_parti(tmp_path, monkeypatch):
    from registro.validators import api

    calls = []
    monkeypatch.setattr(split_sheet, "read_in_parts", lambda path, *a, **k: calls.append(path.name))
    monkeypatch.setattr(api, "workers", lambda: 2)
    files = [write_xlsx(tmp_path / f"{n}.xlsx", [riga()]) for n in ("uno", "due")]
    api._read_all(Found(files, [str(f) for f in files]), None, None)
    assert calls == []  # two files already take the two cores
    api._read_all(Found(files[:1], [str(files[0])]), None, None)
    assert calls == ["uno.xlsx"]
