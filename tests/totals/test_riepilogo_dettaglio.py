"""The Dettaglio sheet of riepilogo.xlsx: its rows written straight into the sheet's XML
(validators/ooxml/table_rows.py) give the workbook openpyxl writes with every row, the reference."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
import zipfile
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from tests.support.api import totals as compute_totals
from registro.validators.output import defuse
from registro.validators.ooxml import table_rows
from registro.validators.render import totals_workbook
from registro.validators.render.totals_workbook import DETAIL_COLUMNS, write_totals

ROOT = Path(__file__).parents[2]
ROWS = 2100  # more than the 2,000 rows the widths are measured on
OFFICES = ["Ancona", "Forlì & Cesena", "<Sud>", 'Sede "centrale"', "-Nord", "Fermo"]
OPERATORS = ["Niccolò Rossi", "=SOMMA(A1:A9)", "+39 ufficio", "@mario", " spazio ", "", None, "Anna Bianchi",
             "Maria Antonietta Bartolomeo De Santis Longhi Ferri", "Zoë O'Brien & <figli>"]
CODES = [("A", "A.1"), ("E", "E.2"), ("O", "O.2"), ("S", "S.1")]


@pytest.fixture(scope="module")
def example():
    return compute_totals([ROOT / "esempi/registro_esempio.csv"], history=[ROOT / "esempi/storico_settembre.csv"],
                          month="2026-10", today=dt.date(2026, 11, 1))


def _detail(n: int, schema) -> pl.DataFrame:
    """n detail rows with text needing escaping or defusing, accents, wrapped names, missing measures."""
    rng = random.Random(14)
    rows = []
    for i in range(n):
        lep, code = CODES[i % len(CODES)]
        minutes = rng.choice([0, 15, 45, 120, 7001, 10 ** 9])
        rows.append({
            "mese": "2026-10" if i < n // 2 else "2026-11",
            # a longer office only after the rows the widths are measured on: its width stays
            "sede": "Una sede dal nome molto più lungo di ogni altro" if i == 2050 else OFFICES[i % len(OFFICES)],
            "operatore": OPERATORS[(i // 3) % len(OPERATORS)], "lep": lep, "codice": code,
            "servizi": rng.randint(1, 400), "minuti_registrati": minutes,
            "minuti_standard": None if code == "O.2" else minutes * 2, "minuti_min": None if i % 5 == 0 else 10,
            "minuti_max": None if i % 7 == 0 else 10 ** 6, "servizi_senza_durata": rng.randint(0, 3),
            "servizi_senza_standard": 0, "minuti_lavoro": minutes,
            "ore": None if i == 17 else rng.choice([0.0, 0.25, 2.0, round(0.1 + 0.2, 2), 1234567.89,
                                                    round(minutes / 60, 2)]),
        })
    return pl.DataFrame(rows, schema=schema)


def _write(totals, path: Path, monkeypatch, *, reference: bool) -> Path:
    """riepilogo.xlsx by the fast path (in small chunks), or by openpyxl alone (the reference)."""
    with monkeypatch.context() as m:
        m.setattr(table_rows, "CHUNK_ROWS", 500)
        if reference:
            m.setattr(totals_workbook, "OPENPYXL_DETAIL_ROWS", 10 ** 9)
        write_totals(totals, path)
    return path


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _look(cell) -> tuple:
    """What a cell's style shows."""
    f, a = cell.font, cell.alignment
    return (cell.number_format, f.name, f.sz, f.b, a.wrap_text, a.vertical, a.horizontal, cell.fill.fill_type,
            cell.fill.fgColor.rgb)


@pytest.fixture(scope="module")
def workbooks(example, tmp_path_factory):
    monkeypatch = pytest.MonkeyPatch()
    totals = dataclasses.replace(example, _detail=_detail(ROWS, example.detail_frame().schema))
    folder = tmp_path_factory.mktemp("dettaglio")
    fast = _write(totals, folder / "veloce.xlsx", monkeypatch, reference=False)
    reference = _write(totals, folder / "openpyxl.xlsx", monkeypatch, reference=True)
    return totals, fast, reference


def test_il_dettaglio_scritto_in_blocco_e_lo_stesso_file_che_scrive_openpyxl(workbooks):
    _, fast, reference = workbooks
    assert _parts(fast) == _parts(reference)


def test_il_dettaglio_ha_tutte_le_righe_con_testo_neutralizzato_formati_e_filtro_fino_all_ultima(workbooks):
    totals, fast, reference = workbooks
    ws, ref = load_workbook(fast)["Dettaglio"], load_workbook(reference)["Dettaglio"]
    expected = [[defuse(v) for v in row] for row in totals.detail_frame().select(DETAIL_COLUMNS).iter_rows()]
    values = [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]
    # openpyxl reads an empty text cell back as None
    assert values == [[None if v == "" else v for v in row] for row in expected]
    assert ["'=SOMMA(A1:A9)", "'+39 ufficio", "'@mario"] == [values[i][2] for i in (3, 6, 9)]
    assert values[0][1] == "Ancona" and values[1][1] == "Forlì & Cesena" and values[2][1] == "<Sud>"
    assert ws.max_row == ROWS + 1 and ws.dimensions == ref.dimensions == f"A1:M{ROWS + 1}"
    assert ws.auto_filter.ref == ref.auto_filter.ref == f"A1:M{ROWS + 1}"
    assert ws.freeze_panes == ref.freeze_panes == "A2"
    assert ws.print_title_rows == ref.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == ref.page_setup.orientation == "landscape"
    letters = "ABCDEFGHIJKLM"
    assert [ws.column_dimensions[c].width for c in letters] == [ref.column_dimensions[c].width for c in letters]
    assert ws.column_dimensions["B"].width == 17  # 'Sede "centrale"': the long office after row 2,000 is not measured
    head = ws[1]
    assert all(c.font.b and c.font.name == "Calibri" and c.fill.fgColor.rgb.endswith("DDEBF7") for c in head)
    for r in (2, 3, 1000, ROWS + 1):
        for a, b in zip(ws[r], ref[r]):
            assert _look(a) == _look(b)
    assert [ws.cell(2, j).number_format for j in (1, 6, 13)] == ["General", "#,##0", "#,##0.00"]
    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
    assert heights == {r: d.height for r, d in ref.row_dimensions.items() if d.height}
    assert heights[1] and max(heights.values()) >= 47  # wrapped names take their lines


def test_il_dettaglio_si_legge_con_calamine_come_quello_di_openpyxl(workbooks):
    _, fast, reference = workbooks
    frame = pl.read_excel(fast, sheet_name="Dettaglio", engine="calamine")
    assert frame.height == ROWS
    assert frame.equals(pl.read_excel(reference, sheet_name="Dettaglio", engine="calamine"))


@pytest.mark.parametrize("rows", [0, 1, 2])
def test_un_dettaglio_di_poche_righe_e_lo_stesso_file(example, tmp_path, monkeypatch, rows):
    totals = dataclasses.replace(example, _detail=_detail(rows, example.detail_frame().schema))
    fast = _write(totals, tmp_path / "veloce.xlsx", monkeypatch, reference=False)
    assert _parts(fast) == _parts(_write(totals, tmp_path / "openpyxl.xlsx", monkeypatch, reference=True))
    assert load_workbook(fast)["Dettaglio"].max_row == max(rows, 1) + 1  # style_table styles row 2's cells


def test_il_riepilogo_dell_esempio_e_lo_stesso_file_che_scrive_openpyxl(example, tmp_path, monkeypatch):
    assert example.detail_frame().height > 10
    fast = _write(example, tmp_path / "veloce.xlsx", monkeypatch, reference=False)
    assert fast.read_bytes() == _write(example, tmp_path / "openpyxl.xlsx", monkeypatch, reference=True).read_bytes()


@pytest.mark.libreoffice
def test_libreoffice_mostra_e_stampa_il_dettaglio_come_quello_di_openpyxl(workbooks, libreoffice, tmp_path):
    _, fast, reference = workbooks
    seen = []
    for name, path in (("veloce", fast), ("openpyxl", reference)):
        pdf = tmp_path / f"{name}.pdf"
        ops = [{"op": "get", "sheet": "Dettaglio", "range": "A1:M40"},
               {"op": "get", "sheet": "Dettaglio", "range": f"A{ROWS - 30}:M{ROWS + 2}"},  # past the last row too
               {"op": "look", "sheet": "Dettaglio", "range": "A1:M12"},
               {"op": "sheet_layout", "sheet": "Dettaglio"},
               {"op": "export_pdf", "sheets": ["Dettaglio"], "path": str(pdf)}]
        *shown, _ = libreoffice.run(path, ops, timeout=600)
        seen.append((*shown, len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))))
    assert seen[0] == seen[1]
    cells, end, _, layout, pages = seen[0]
    assert cells[4][2]["string"] == "'=SOMMA(A1:A9)" and cells[2][1]["string"] == "Forlì & Cesena"
    assert end[-2][0]["string"] == "2026-11" and all(c["string"] == "" for c in end[-1])
    assert layout["autofilter"] == f"A1:M{ROWS + 1}" and pages > 10


def test_ore_tutte_mancanti_e_spazi_intorno_al_testo_come_openpyxl(example, tmp_path, monkeypatch):
    detail = _detail(30, example.detail_frame().schema).with_columns(
        pl.lit(None, pl.Float64).alias("ore"),
        pl.Series("operatore", ["\tTab", " a", "b ", "   ", "-", "x\ny"] * 5))
    totals = dataclasses.replace(example, _detail=detail)
    fast = _write(totals, tmp_path / "veloce.xlsx", monkeypatch, reference=False)
    assert _parts(fast) == _parts(_write(totals, tmp_path / "openpyxl.xlsx", monkeypatch, reference=True))
