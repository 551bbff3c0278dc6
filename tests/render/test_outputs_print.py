"""The output workbooks of the bundled example as a coordinator opens and prints them.

The example's outputs (report, rejects, totals, JA .xlsx) are written once per module; headless
LibreOffice prints each sheet to PDF (page counts) and saves the totals workbook again (its charts
as LibreOffice understood them). Tests without LibreOffice read the files with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.support.registri import run_from_root as run
from tests.support.libreoffice import Job
from tests.support.api import totals
from registro.validators.messages import SHEET, TERMINAL, template
from registro.validators.rules import BY_ID, RULES
from registro.validators.read.register import COLUMNS
from registro.validators.render.totals_workbook import chart_rows

EXAMPLE = ["esempi/registro_esempio.csv", "--storico", "esempi/storico_settembre.csv", "--mese", "2026-10",
           "--oggi", "2026-11-01"]
# Sheets and the pages each prints on (A4, fitted to one page wide); "*" the whole workbook (a sheet
# with a print area, like Problemi, is printed by LibreOffice even while hidden).
PAGES = {
    "rapporto.xlsx": {"Problemi": 2, "*": 3},
    "scarti.xlsx": {"Scarti": 1},
    "riepilogo.xlsx": {"Riepilogo": 1, "Per sede": 2, "Per operatore": 2, "Per LEP": 2, "Per mese": 1,
                       "Per servizio": 1, "Dettaglio": 1},
}
ROOT = Path(__file__).parents[2]
CHART_SHEETS = ("Per sede", "Per operatore", "Per LEP")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("uscita")
    assert run("valida", *EXAMPLE, "--rapporto", out / "rapporto.xlsx").exit_code == 1
    assert run("totali", *EXAMPLE, "-o", out / "riepilogo.xlsx").exit_code == 0
    res = run("esporta", *EXAMPLE, "-o", out / "ja.xlsx", "--scarti", out / "scarti.xlsx")
    assert res.exit_code == 0, res.output
    return out


def _pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


@pytest.fixture(scope="module")
def printed(outputs, libreoffice):
    """{file: {sheet: pages}} and the totals workbook as saved again by LibreOffice."""
    jobs, where = [], {}
    for name, sheets in PAGES.items():
        ops = []
        for sheet in sheets:
            pdf = outputs / "pdf" / f"{Path(name).stem}_{sheet.replace(' ', '_').replace('*', 'tutto')}.pdf"
            ops.append({"op": "export_pdf", **({} if sheet == "*" else {"sheets": [sheet]}), "path": str(pdf)})
            where[(name, sheet)] = pdf
        if name == "riepilogo.xlsx":
            ops.append({"op": "save_as", "path": str(outputs / "lo" / name)})
        jobs.append(Job(outputs / name, ops))
    libreoffice.run_many(jobs, timeout=600)
    pages = {name: {sheet: _pages(where[(name, sheet)]) for sheet in sheets} for name, sheets in PAGES.items()}
    return pages, outputs / "lo" / "riepilogo.xlsx"


# --- printing ---------------------------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_ogni_foglio_delle_uscite_si_stampa_sulle_pagine_attese(printed):
    pages, _ = printed
    assert pages == PAGES  # e.g. the report's 23 problems on two pages, each chart on a page of its own


def test_ogni_tabella_ha_filtro_intestazione_bloccata_e_stampa_su_una_pagina_di_larghezza(outputs):
    for name in ("rapporto.xlsx", "scarti.xlsx", "riepilogo.xlsx", "ja.xlsx"):
        for ws in load_workbook(outputs / name):
            if ws.title != "Riepilogo":  # the summaries: label/value lines, then (report) a filtered table
                assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), (name, ws.title)
                assert ws.freeze_panes == "A2", (name, ws.title)
                assert ws.print_title_rows in ("1:1", "$1:$1"), (name, ws.title)
            assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, (name, ws.title)
            assert ws.sheet_properties.pageSetUpPr.fitToPage, (name, ws.title)


def test_un_solo_tipo_di_carattere_anche_nelle_intestazioni_in_grassetto(outputs):
    for name in ("rapporto.xlsx", "scarti.xlsx", "riepilogo.xlsx", "ja.xlsx"):
        wb = load_workbook(outputs / name)
        fonts = {c.font.name for ws in wb for row in ws.iter_rows() for c in row if c.value is not None}
        assert fonts == {"Calibri"}, name


def test_due_errori_della_stessa_riga_negli_scarti_vanno_a_capo_e_la_riga_e_alta_abbastanza(outputs):
    ws = load_workbook(outputs / "scarti.xlsx")["Scarti"]
    header = [c.value for c in ws[1]]
    col = header.index("Errori") + 1
    two = [r for r in range(2, ws.max_row + 1) if "\n" in (ws.cell(r, col).value or "")]
    assert two, "the example has a row rejected for two errors"
    for r in two:
        assert ws.cell(r, col).alignment.wrap_text
        assert ws.row_dimensions[r].height >= 30
    assert ws.column_dimensions["D"].width <= 60  # capped: wrapped, not one endless line


def test_i_codici_del_file_per_ja_in_xlsx_restano_testo(outputs):
    ws = load_workbook(outputs / "ja.xlsx").active
    header = [c.value for c in ws[1]]
    col = header.index("codice_fiscale") + 1
    cells = [ws.cell(r, col) for r in range(2, ws.max_row + 1)]
    assert cells and all(c.data_type == "s" and c.number_format == "@" for c in cells)
    assert any(c.value.isdigit() and c.value.startswith("0") for c in cells)  # a partita IVA with leading zero


# --- words for people -------------------------------------------------------------------------------------------


def test_nessuna_cella_per_le_persone_comincia_con_il_codice_di_una_regola(outputs):
    ids = tuple(BY_ID)
    for name in ("rapporto.xlsx", "scarti.xlsx", "riepilogo.xlsx"):
        for ws in load_workbook(outputs / name):
            machine = set()
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, str) and "(codic" in c.value:  # "Regola (codice)", "Regole (codici)"
                        machine.add(c.column)
                    if ws.title == "Scarti" and c.row == 1 and c.value in COLUMNS:  # the register's own cells
                        machine.add(c.column)
            for row in ws.iter_rows():
                for c in row:
                    if c.column in machine or not isinstance(c.value, str):
                        continue
                    assert not c.value.startswith(ids), (name, ws.title, c.coordinate, c.value)
                    assert c.comment is None or not c.comment.text.startswith(ids)
            if name != "riepilogo.xlsx" and ws.title in ("Problemi", "Scarti"):
                assert machine, "the ids stay in a column of their own"


def test_nei_file_excel_i_messaggi_non_citano_le_opzioni_della_riga_di_comando(outputs):
    for name in ("rapporto.xlsx", "scarti.xlsx"):
        text = " ".join(str(c.value) for ws in load_workbook(outputs / name) for row in ws.iter_rows() for c in row
                        if isinstance(c.value, str))
        assert "indicato con --mese" not in text and "--storico" not in text, name
        assert "fuori dal mese 10/2026 controllato" in text, name


def test_in_excel_nessuna_regola_cita_la_riga_di_comando_e_ogni_variante_excel_serve():
    command_line = re.compile(r"--[a-z]|registro (catalogo|modello|valida)")
    for r in RULES:
        assert not command_line.search(template(r.id, SHEET)), r.id
        for terminal, excel in ((r.message, r.excel_message), (r.hint, r.excel_hint)):
            # an Excel wording only where the command line's names a command or an option
            assert (excel is not None) == bool(command_line.search(terminal)), r.id
    assert [r.id for r in RULES if template(r.id, SHEET) != template(r.id, TERMINAL)]


def test_riepilogo_spiega_fte_una_volta_e_usa_il_separatore_delle_migliaia(outputs):
    wb = load_workbook(outputs / "riepilogo.xlsx")
    labels = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert labels.count("FTE (persone a tempo pieno equivalenti)") == 1
    ws = wb["Riepilogo"]
    minutes = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Minuti registrati")
    assert ws.cell(minutes, 2).value >= 1000 and ws.cell(minutes, 2).number_format == "#,##0"
    assert ws.column_dimensions["B"].width <= 20  # numbers beside their labels


# --- charts -----------------------------------------------------------------------------------------------------


def _chart_xml(path: Path) -> dict[str, str]:
    """{sheet name: its chart's XML}, following the drawing relationships."""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        book = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        out = {}
        for name, rid in re.findall(r'<(?:\w+:)?sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', book):
            target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
            sheet = "xl/" + (target.group(1) or target.group(2)).lstrip("/").removeprefix("xl/")
            srels = sheet.replace("worksheets/", "worksheets/_rels/") + ".rels"
            if srels not in names:
                continue
            drawing = re.search(r'Target="([^"]*drawing\d+\.xml)"', z.read(srels).decode())
            if not drawing:
                continue
            dpath = "xl/drawings/" + drawing.group(1).rsplit("/", 1)[-1]
            drels = dpath.replace("drawings/", "drawings/_rels/") + ".rels"
            if drels not in names:
                continue
            chart = re.search(r'Target="([^"]*chart\d+\.xml)"', z.read(drels).decode())
            if chart:
                out[name] = z.read("xl/charts/" + chart.group(1).rsplit("/", 1)[-1]).decode()
        return out


def _categories(path: Path, xml: str) -> list[str]:
    ref = re.search(r"<(?:c:)?cat>.*?<(?:c:)?f>([^<]+)</", xml, re.S).group(1).replace("&apos;", "'")
    sheet, cells = ref.rsplit("!", 1)
    first, last = cells.replace("$", "").split(":")
    ws = load_workbook(path)[sheet.strip("'")]
    return [ws[f"A{r}"].value for r in range(int(first[1:]), int(last[1:]) + 1)]


def _check_charts(path: Path) -> None:
    result = totals(["esempi/registro_esempio.csv"], history=["esempi/storico_settembre.csv"], month="2026-10",
                    today=dt.date(2026, 11, 1))
    records = {"Per sede": (result.by_office, "sede"), "Per operatore": (result.by_operator, "operatore"),
               "Per LEP": (result.by_lep, "lep")}
    charts = _chart_xml(path)
    assert sorted(charts) == sorted(CHART_SHEETS)
    for sheet, xml in charts.items():
        recs, key = records[sheet]
        expected = chart_rows(recs, key)
        assert _categories(path, xml) == [label for label, _ in expected], sheet
        hours = [h for _, h in expected]
        assert hours == sorted(hours, reverse=True) and all(hours), sheet  # largest first, no zero bars
        assert re.search(r'orientation val="maxMin"', xml), sheet  # first row drawn on top
        assert re.search(r'showVal val="(1|true)"', xml), sheet  # a value on each bar
        assert re.search(r'formatCode="#,##0"', xml), sheet  # whole hours on the axis
    zero = [r for r in result.by_lep if not r.get("ore")]
    lep_labels = _categories(path, charts["Per LEP"])
    assert len(lep_labels) == len(result.by_lep) - len(zero)
    assert any(label.startswith("E – Orientamento specialistico") for label in lep_labels)


def test_grafici_ordinati_per_ore_con_etichette_e_senza_zeri(outputs):
    _check_charts(outputs / "riepilogo.xlsx")


@pytest.mark.libreoffice
def test_libreoffice_conserva_ordine_etichette_e_formato_dei_grafici(printed):
    _, saved = printed
    _check_charts(saved)


def test_i_grafici_stanno_sotto_le_tabelle_dopo_un_salto_pagina(outputs):
    wb = load_workbook(outputs / "riepilogo.xlsx")
    for sheet in CHART_SHEETS:
        ws = wb[sheet]
        (chart,) = ws._charts
        total_row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "Totale")
        assert chart.anchor._from.col == 0 and chart.anchor._from.row > total_row  # below, not beside
        assert [b.id for b in ws.row_breaks.brk] and ws.row_breaks.brk[0].id > total_row


# --- the template's print area ----------------------------------------------------------------------------------

TEMPLATE = ROOT / "templates/registro.xlsx"
# Typed rows -> pages the template's Registro prints on in LibreOffice (11 before the print area was
# static, whatever was typed): a row typed far down after empty rows prints on a page of its own, the
# empty pages in between are left out.
TEMPLATE_PAGES = {"nessuna riga": 1, "3 righe": 1, "45 righe": 1, "120 righe": 3, "3 righe e la riga 300": 2}
FAR_ROW, FAR_NOTE = 300, "scritta in fondo al foglio"
HELPER_HEADERS = ("Filtro LEP", "Codice estratto", "Nome servizio", "Minuti conteggiati", "Controllo")


def test_il_modello_stampa_le_colonne_dell_operatore_e_le_righe_vuote_restano_bianche():
    from registro.xl_addin.build.template_register import PRINTED_COLUMNS, REGISTER_COLUMNS

    ws = load_workbook(TEMPLATE)["Registro"]
    last = ws.max_row
    assert ws.print_area == f"'Registro'!$A$1:$J${last}"  # a plain range: LibreOffice reads it too
    assert [c.value for c in ws[1]][:PRINTED_COLUMNS] == list(COLUMNS)  # exactly the columns people type
    assert {c.header for c in REGISTER_COLUMNS[PRINTED_COLUMNS:]} >= set(HELPER_HEADERS)
    assert ws.print_title_rows in ("1:1", "$1:$1") and ws.page_setup.fitToWidth == 1
    # A page of empty pre-sized rows must be blank to be left out: no value, formula, border or fill.
    for row in ws.iter_rows(min_row=2, max_col=PRINTED_COLUMNS):
        for c in row:
            assert c.value is None and c.fill.fill_type is None, c.coordinate
            assert not any(getattr(c.border, side).style for side in ("left", "right", "top", "bottom")), c.coordinate
    assert ws.cell(last, PRINTED_COLUMNS + 2).data_type == "f"  # the formulas live right of the area
    (table,) = ws.tables.values()
    assert not table.tableStyleInfo.showRowStripes  # banding is shading: it would print
    # The typed rows get their borders from a conditional format (the error and warning ones carry them too).
    formats = [(str(cf.sqref), rule) for cf in ws.conditional_formatting for rule in cf.rules]
    assert [rule.formula for sqref, rule in formats if sqref == f"A2:J{last}"] == [["COUNTA($A2:$J2)>0"]]
    assert all(rule.dxf.border and rule.dxf.border.left.style for _, rule in formats)


def _text(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(pdf).pages]


@pytest.fixture(scope="module")
def template_printed(libreoffice, tmp_path_factory) -> dict[str, list[str]]:
    """{case: the text of each page} of the template's Registro printed by LibreOffice after typing rows."""
    from tests.support.template_rows import sample_rows, typed
    from registro.validators.catalogue import load_catalogue

    rows = sample_rows(load_catalogue())
    many = (rows * 10)[:120]
    far = typed([rows[0] | {"Note": FAR_NOTE}], first=FAR_ROW)
    cases = {"nessuna riga": [], "3 righe": typed(rows[:3]), "45 righe": typed(many[:45]),
             "120 righe": typed(many), "3 righe e la riga 300": typed(rows[:3]) + far}
    out = tmp_path_factory.mktemp("modello_pdf")
    jobs = [Job(TEMPLATE, ops + [{"op": "export_pdf", "sheets": ["Registro"], "path": str(out / f"{i}.pdf")}])
            for i, ops in enumerate(cases.values())]
    libreoffice.run_many(jobs, timeout=600)
    return {case: _text(out / f"{i}.pdf") for i, case in enumerate(cases)}


@pytest.mark.libreoffice
def test_il_modello_in_libreoffice_stampa_solo_le_pagine_con_righe_compilate(template_printed):
    assert {case: len(pages) for case, pages in template_printed.items()} == TEMPLATE_PAGES
    for case, pages in template_printed.items():
        typed_rows = int(case.split()[0]) if case[0].isdigit() else 0
        dates = [d for page in pages for d in re.findall(r"\d\d/10/2026", page)]
        assert len(dates) == typed_rows + ("300" in case), case  # every typed row printed, once
        for page in pages:
            assert "Codice servizio" in page and "Note" in page, case  # the header on every page
            assert not [h for h in HELPER_HEADERS if h in page], case  # the helper columns are not printed


@pytest.mark.libreoffice
def test_una_riga_scritta_in_fondo_dopo_righe_vuote_si_stampa_sulla_sua_pagina(template_printed):
    first, last = template_printed["3 righe e la riga 300"]
    assert FAR_NOTE not in first and FAR_NOTE in last  # Note, the last printed column, is on the page
    assert len(re.findall(r"\d\d/10/2026", first)) == 3


def test_una_tabella_lunghissima_resta_filtrabile_con_celle_semplici(tmp_path, monkeypatch):
    from openpyxl import Workbook

    from registro.validators.ooxml import tables as xlsx
    from registro.validators.output import save_workbook

    monkeypatch.setattr(xlsx, "STYLED_ROWS", 3)
    cols = [xlsx.Col("Codice", text=True), xlsx.Col("Messaggio", 20, wrap=True)]
    for n, styled in ((3, True), (4, False)):
        wb = Workbook(write_only=True)
        xlsx.write_only_table(wb, "T", cols, [["007", "un messaggio lungo " * 4]] * n)
        save_workbook(wb, tmp_path / f"t{n}.xlsx")
        ws = load_workbook(tmp_path / f"t{n}.xlsx")["T"]
        assert ws["A2"].number_format == "@"  # codes stay text at any length
        assert bool(ws["B2"].alignment.wrap_text) is styled and (ws.row_dimensions[2].height is not None) is styled
        assert ws.auto_filter.ref == f"A1:B{n + 1}" and ws.freeze_panes == "A2"
