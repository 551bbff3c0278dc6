"""Any text a register holds reaches every output file as typed (or visibly): control characters,
U+FFFE, lone surrogates, a literal `_x0041_`, cells longer than Excel allows (issues 21 and 24).

One function stores a cell's text (registro.validators.ooxml.text); these tests write every output
of `registro mese` and the add-in's sheets from registers holding such text and read them back
with openpyxl, calamine and (lento) LibreOffice.
"""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from registro.validators.ooxml.text import (
    MAX_CHARS, TRUNCATED, decoded, shown, stored, stored_expr, long_texts, utf16_length, xml_text,
)
from tests.support.api import month_pass
from tests.support.registri import CF, MONTH, TODAY, riga, run_from_root, write_csv, write_xlsx

# The texts of the issue: two control characters, a non-character, a lone surrogate, Excel's escape form.
TYPED = ("\x01", "\x0b", "\ufffe", "\ud800", "_x0041_")
PEOPLE = [CF[k] for k in ("laura", "sara", "franco", "giuseppe")] + [CF["laura"]]


# -- the one function --------------------------------------------------------------------------


def test_i_caratteri_vietati_da_xml_sono_scritti_come_li_scrive_excel():
    assert stored("a\x01b\x0bc\rd\ufffe") == "a_x0001_b_x000B_c_x000D_d_xFFFE_"
    assert stored("riga\nnuova\tcolonna") == "riga\nnuova\tcolonna"  # allowed in XML: unchanged
    assert xml_text("<a & b>\x1f") == "&lt;a &amp; b&gt;_x001F_"


def test_un_x0041_scritto_da_chi_compila_resta_quel_testo():
    assert stored("_x0041_") == "_x005F_x0041_" and decoded("_x005F_x0041_") == "_x0041_"
    assert stored("_x41_ e _xZZZZ_") == "_x41_ e _xZZZZ_"  # not the escape form: unchanged


def test_un_surrogato_isolato_diventa_visibile_e_una_coppia_torna_un_carattere():
    assert shown("a\ud800b") == "a\ufffdb"
    assert shown("\ud83d\ude00") == "😀"


def test_un_testo_oltre_il_limite_di_excel_e_tagliato_con_un_segno():
    cut = shown("x" * (MAX_CHARS + 10))
    assert cut.endswith(TRUNCATED) and len(cut) == MAX_CHARS
    emoji = shown("😀" * MAX_CHARS)  # two UTF-16 units each, as Excel counts them
    assert emoji.endswith(TRUNCATED) and utf16_length(emoji) <= MAX_CHARS
    assert shown("x" * MAX_CHARS) == "x" * MAX_CHARS


@given(st.text(st.characters(codec=None, categories=None), max_size=40))
def test_il_testo_memorizzato_si_rilegge_come_appare(text):
    assert decoded(stored(text)) == shown(text)
    assert "\ufffd" not in shown(text) or "\ufffd" in text or any(0xD800 <= ord(c) <= 0xDFFF for c in text)


@given(st.lists(st.text(st.characters(codec="utf-8"), max_size=30), min_size=1, max_size=8))
def test_l_espressione_polars_memorizza_come_la_funzione(texts):
    series = pl.Series("t", texts, dtype=pl.String)
    got = pl.DataFrame(series).select(stored_expr(pl.col("t"), long_texts(series))).to_series().to_list()
    assert got == [stored(t) for t in texts]


# -- every output of a month ----------------------------------------------------------------------


def _excel_stored(text: str) -> str:
    """A text as Excel stores it in a cell: stored(), a lone surrogate written as its code."""
    return stored(text.replace("\ud800", "_xD800_"))


def _rows(texts, as_stored=lambda t: t) -> list[dict]:
    """Per text: a good row (operator, office, note hold it) and a row with an unknown code holding it."""
    rows = []
    for i, t in enumerate(texts):
        s = as_stored(t)
        rows.append(riga(operatore=f"Op{s}x", note=f"Nota {s} fine", cf=PEOPLE[i % len(PEOPLE)]))
        rows.append(riga(codice=f"ZZ{s}9", cf=PEOPLE[(i + 1) % len(PEOPLE)]))
    return rows


def _xlsx_texts(path: Path) -> list[str]:
    """Every text of a workbook read by openpyxl (which must open it), as a cell shows it, comments too."""
    wb = load_workbook(path)
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    out.append(decoded(cell.value))
                if cell.comment is not None:
                    out.append(decoded(cell.comment.text))
    return out


def _strings(value) -> list[str]:
    """Every text inside a JSON document."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [s for v in value for s in _strings(v)] if isinstance(value, list) else []


def _all_texts(folder: Path) -> dict[str, str]:
    """{file name: its text as shown} for every output of a month; each .xlsx opened by openpyxl."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".xlsx", ".xlsm"):
            with zipfile.ZipFile(path) as z:
                assert z.testzip() is None
            out[path.name] = "\n".join(_xlsx_texts(path))
        elif path.suffix == ".json":
            out[path.name] = "\n".join(_strings(json.loads(path.read_text(encoding="utf-8"))))
        elif path.suffix == ".csv":
            out[path.name] = path.read_text(encoding="utf-8-sig")
    return out


def _month(tmp_path, register: Path) -> dict[str, str]:
    folder = tmp_path / "mese"
    result = month_pass([register], folder, month=MONTH, today=TODAY)
    assert result is not None
    report_csv = run_from_root("valida", register, "--mese", MONTH, "--oggi", TODAY.isoformat(),
                               "--rapporto", folder / "rapporto.csv")  # the one report form mese does not write
    assert report_csv.exit_code == 1, report_csv.output
    ja_xlsx = run_from_root("esporta", register, "--mese", MONTH, "--oggi", TODAY.isoformat(),
                            "-o", folder / "ja.xlsx", "--scarti", folder / "scarti_esporta.csv")  # JA as .xlsx
    assert ja_xlsx.exit_code == 0, ja_xlsx.output
    written = {p.name for p in folder.rglob("*") if p.is_file()}
    assert {"rapporto.xlsx", "rapporto.json", "rapporto.csv", "riepilogo.xlsx", "ja.csv", "scarti.xlsx"} <= written
    assert any(n.endswith("_annotato.xlsx") for n in written), written
    return _all_texts(folder)


def test_ogni_file_del_mese_mostra_il_testo_come_digitato_in_un_csv(tmp_path):
    """A CSV register carries U+0001, U+000B, U+FFFE and _x0041_ as they are (UTF-8 cannot hold a lone surrogate)."""
    typed = [t for t in TYPED if t != "\ud800"]
    texts = _month(tmp_path, write_csv(tmp_path / "registro.csv", _rows(typed)))
    annotated = next(v for k, v in texts.items() if k.endswith("_annotato.xlsx"))
    for t in typed:
        for name in ("rapporto.xlsx", "rapporto.csv", "rapporto.json", "scarti.xlsx"):
            assert f"ZZ{t}9" in texts[name], (name, t)
        assert f"ZZ{t}9" in annotated  # the copy's cell, its Esito, comment and Verifica
        assert f"Op{t}x" in texts["riepilogo.xlsx"] or t == "\x0b", t  # (a vertical tab is a space to the totals)
        for name in ("ja.xlsx", "ja.csv"):
            assert f"Op{t}x" in texts[name] or t == "\x0b", (name, t)
    assert not any("\ufffd" in v for v in texts.values())  # nothing replaced


def test_ogni_file_del_mese_mostra_il_testo_come_salvato_da_excel(tmp_path):
    """An .xlsx register stores each text as Excel does (_x0001_, _x005F_x0041_ ...): every output opens
    in openpyxl and shows the control characters and _x0041_ as typed; U+FFFE and the lone surrogate,
    which calamine leaves in their _xHHHH_ form, are shown visibly in that form."""
    texts = _month(tmp_path, write_xlsx(tmp_path / "registro.xlsx", _rows(TYPED, _excel_stored)))
    shown_as = {"\x01": "\x01", "\x0b": "\x0b", "_x0041_": "_x0041_", "\ufffe": "_xFFFE_", "\ud800": "_xD800_"}
    annotated = next(v for k, v in texts.items() if k.endswith("_annotato.xlsx"))
    for t, seen in shown_as.items():
        for name in ("rapporto.xlsx", "rapporto.csv", "rapporto.json", "scarti.xlsx"):
            assert f"ZZ{seen}9" in texts[name], (name, t)
        assert f"ZZ{seen}9" in annotated


def test_totali_in_xlsx_con_un_carattere_di_controllo_nell_operatore(tmp_path):
    register = write_csv(tmp_path / "registro.csv", [riga(operatore="Mario\x01Rossi")])
    result = run_from_root("totali", register, "--oggi", TODAY.isoformat(), "-o", tmp_path / "x.xlsx")
    assert result.exit_code == 0, result.output
    assert "Mario\x01Rossi" in _xlsx_texts(tmp_path / "x.xlsx")


def test_un_testo_troppo_lungo_e_tagliato_in_ogni_file_e_segnalato(tmp_path):
    long = "lungo " * 6000 + "fine"  # 36,004 characters
    register = write_csv(tmp_path / "registro.csv", [riga(note=long)])
    folder = tmp_path / "mese"
    result = month_pass([register], folder, month=MONTH, today=TODAY)
    (p,) = [p for p in result.report.problems if p.rule == "testo.troncato"]
    assert p.severity == "avviso" and p.row == 2 and p.column == "Note" and "36.004 caratteri" in p.message
    for path in folder.rglob("*.xlsx"):
        for text in _xlsx_texts(path):
            assert len(text) <= MAX_CHARS, path.name
    cut = [t for path in folder.rglob("*.xlsx") for t in _xlsx_texts(path) if t.endswith(TRUNCATED)]
    assert cut  # the note (in the report's value, the rejects or the copy) shows the mark
    for path in folder.rglob("*.xlsx"):  # no row taller than Excel allows (409 points)
        for ws in load_workbook(path).worksheets:
            assert all((d.height or 0) <= 409 for d in ws.row_dimensions.values()), (path.name, ws.title)


# -- any text (hypothesis) ------------------------------------------------------------------------

ANY_TEXT = st.text(st.characters(codec=None, categories=None), min_size=1, max_size=25)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(ANY_TEXT, min_size=1, max_size=3))
def test_ogni_file_del_mese_si_apre_con_qualsiasi_testo(tmp_path_factory, texts):
    """Any Unicode (control characters, surrogates, non-characters) in every text column, stored as
    Excel stores it: every output of `mese` is written, each .xlsx opens in openpyxl, each .json and
    .csv decodes (the add-in's sheets: tests/addin/test_addin_testo.py)."""
    tmp = tmp_path_factory.mktemp("testo")
    rows = []
    for i, t in enumerate(texts):
        s = _excel_stored(t)
        rows.append(riga(sede=f"S{s}", operatore=f"O{s}", note=s, programma=s or None, cf=PEOPLE[i % len(PEOPLE)]))
        rows.append(riga(codice=f"ZZ{s}", modalita=f"M{s}", tipo=f"T{s}", cf=PEOPLE[(i + 1) % len(PEOPLE)]))
    _all_texts_after_month(tmp, write_xlsx(tmp / "registro.xlsx", rows))


def _all_texts_after_month(tmp: Path, register: Path) -> None:
    texts = _month(tmp, register)  # every .xlsx opened by openpyxl, every .json and .csv decoded
    assert {"riepilogo.xlsx", "ja.csv", "rapporto.csv"} <= set(texts)
    for name in ("ja.csv", "rapporto.csv"):
        with open(tmp / "mese" / name, encoding="utf-8-sig", newline="") as fh:
            list(csv.reader(fh, delimiter=";"))


# -- LibreOffice --------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_libreoffice_apre_i_file_e_mostra_il_testo_come_digitato(libreoffice, tmp_path):
    """A sample of the month's outputs (report, rejects, totals, annotated copy) opened in Calc shows
    the CSV register's texts as typed."""
    typed = ["\x01", "_x0041_", "\ufffe"]
    register = write_csv(tmp_path / "registro.csv", _rows(typed))
    folder = tmp_path / "mese"
    month_pass([register], folder, month=MONTH, today=TODAY)
    from tests.support.libreoffice import Job

    files = [folder / "rapporto.xlsx", folder / "scarti.xlsx", folder / "riepilogo.xlsx",
             next(folder.rglob("*_annotato.xlsx"))]
    sheets = {f.name: load_workbook(f).sheetnames for f in files}
    jobs = [Job(f, [{"op": "get", "sheet": s, "range": "A1:M30"} for s in sheets[f.name]]) for f in files]
    seen = {}
    for f, result in zip(files, libreoffice.run_many(jobs)):
        seen[f.name] = "\n".join(cell["string"] for block in result for row in block for cell in row)
    for t in typed:
        for name in ("rapporto.xlsx", "scarti.xlsx"):
            assert f"ZZ{t}9" in seen[name], (name, repr(t))
        assert f"Op{t}x" in seen["riepilogo.xlsx"], repr(t)
    annotated = seen[files[-1].name]
    assert all(f"ZZ{t}9" in annotated for t in typed)
