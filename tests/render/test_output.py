"""The one zip writer (registro.validators.output.rewrite_zip) used by the workbooks, the template, Lite and the .xlam."""

from __future__ import annotations

import zipfile

from registro.validators.ooxml.zipfiles import REPRODUCIBLE_STAMP, Chunks, rewrite_zip


def _zip(path, parts, date_time=(2024, 5, 6, 7, 8, 10)):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            z.writestr(zipfile.ZipInfo(name, date_time=date_time), data)
    return path


def test_riscrivere_uno_zip_modifica_toglie_e_aggiunge_parti_conservando_le_date(tmp_path):
    source = _zip(tmp_path / "a.zip", [("uno.xml", b"1"), ("due.xml", b"2"), ("tre.xml", b"3")])
    edit = {"uno.xml": lambda d: d + b"!", "due.xml": lambda d: None}
    rewrite_zip(source, tmp_path / "b.zip", lambda name, data: edit.get(name, lambda d: d)(data), add=[("nuova.xml", b"n")])
    with zipfile.ZipFile(tmp_path / "b.zip") as z:
        assert {i.filename: z.read(i) for i in z.infolist()} == {"uno.xml": b"1!", "tre.xml": b"3", "nuova.xml": b"n"}
        assert {i.date_time for i in z.infolist()} == {(2024, 5, 6, 7, 8, 10)}


def test_con_restamp_le_stesse_parti_danno_gli_stessi_byte(tmp_path):
    first = _zip(tmp_path / "a.zip", [("x.xml", b"x" * 100)], date_time=(2020, 1, 1, 0, 0, 0))
    second = _zip(tmp_path / "b.zip", [("x.xml", b"x" * 100)], date_time=(2025, 12, 31, 23, 59, 58))
    assert first.read_bytes() != second.read_bytes()
    for path in (first, second):
        rewrite_zip(path, path, restamp=True, mode=0o644)  # in place
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as z:
        (info,) = z.infolist()
        assert info.date_time == REPRODUCIBLE_STAMP and info.external_attr == 0o644 << 16


def test_una_parte_data_a_pezzi_e_scritta_intera(tmp_path):
    source = _zip(tmp_path / "a.zip", [("grande.xml", b"vecchia"), ("altra.xml", b"a")])
    chunks = [b"<a>", b"x" * 100_000, b"</a>"]
    part = Chunks(iter(chunks), size_bound=200_000)
    rewrite_zip(source, tmp_path / "b.zip", lambda name, data: part if name == "grande.xml" else data)
    with zipfile.ZipFile(tmp_path / "b.zip") as z:
        assert z.read("grande.xml") == b"".join(chunks) and z.read("altra.xml") == b"a"
        assert z.getinfo("grande.xml").date_time == (2024, 5, 6, 7, 8, 10)
        assert z.testzip() is None
