"""The annotated copy (`valida --annota`), written by streaming the user's package: what changes,
what stays byte for byte, the template, CSV registers, odd but valid packages."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.support.registri import CF, TODAY, riga, write_csv, write_xlsx
from tests.support.api import validate
from registro.validators.rules import RULES
from registro.validators.render.annotated import annotate, annotate_all
from registro.xl_addin.build.template import build_template

RULE_IDS = tuple(r.id for r in RULES)


def _rows():
    return [riga(), riga(codice="ZZ", cf=CF["laura"]), riga(durata=25, cf=CF["sara"]),
            riga(sede=None, cf=CF["franco"]), riga(cf=CF["giuseppe"], note="=1+1")]


def _annotated(path: Path, tmp_path: Path, name: str = "annotato.xlsx") -> tuple[Path, object]:
    report = validate([path], today=TODAY)
    (out,) = annotate_all(report, tmp_path / name, [path])
    return out, report


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def test_la_copia_cambia_solo_le_parti_dell_annotazione(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", _rows(), extra_sheets=("Appunti",))
    out, _ = _annotated(path, tmp_path)
    before, after = _parts(path), _parts(out)
    changed = {"xl/worksheets/sheet1.xml", "xl/styles.xml", "xl/workbook.xml", "[Content_Types].xml",
               "xl/_rels/workbook.xml.rels"}
    for name, data in before.items():
        if name not in changed:
            assert after[name] == data, name  # other sheets, theme, properties: the same bytes
    added = set(after) - set(before)
    assert added == {"xl/worksheets/sheet3.xml", "xl/comments/comment1.xml", "xl/drawings/commentsDrawing1.vml",
                     "xl/worksheets/_rels/sheet1.xml.rels"}
    # every original cell of the register is still there, byte for byte, but the restyled ones
    sheet_in = before["xl/worksheets/sheet1.xml"].decode()
    sheet_out = after["xl/worksheets/sheet1.xml"].decode()
    cells = re.findall(r'<c r="([A-Z]+\d+)"[^>]*?(?:/>|>.*?</c>)', sheet_in)
    kept = [c for c in cells if re.search(rf'<c r="{c}"[^>]*?(?:/>|>.*?</c>)', sheet_in).group(0) in sheet_out]
    assert set(cells) - set(kept) == {"G3", "H4"}  # the faulty cells that existed: only their style changes


def test_esito_colori_commenti_e_verifica(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", _rows())
    out, report = _annotated(path, tmp_path)
    wb = load_workbook(out)
    ws, ver = wb["Registro"], wb["Verifica"]
    assert [ws.cell(r, 11).value for r in range(1, 7)][:3] == ["Esito", "OK", ws["K3"].value]
    assert ws["K3"].value.startswith("ERRORE: 'ZZ' non esiste") and ws["K4"].value.startswith("AVVISO:")
    assert ws["K6"].value == "OK" and ws["J6"].value == "=1+1"  # the user's cells are not touched
    assert ws["K2"].fill.fgColor.rgb.endswith("C6EFCE") and ws["K3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert ws["K3"].alignment.wrap_text and ws["K1"].font.b
    # the empty required cell (Sede of row 5) did not exist in the file: it is created, coloured, commented
    assert ws["B5"].value is None and ws["B5"].fill.fgColor.rgb.endswith("FFC7CE")
    assert ws["B5"].comment.text.startswith("Campo obbligatorio vuoto: ")
    assert ws["H4"].fill.fgColor.rgb.endswith("FFEB9C")
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:K6"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$1"
    assert 12 <= ws.column_dimensions["K"].width <= 60
    # a long Esito wraps onto lines the row is tall enough for; a short one keeps the row as it was
    assert ws.row_dimensions[3].height >= 30 and ws.row_dimensions[2].height is None
    assert ver.max_row == len(report.problems) + 1 and ver.freeze_panes == "A2" and ver.auto_filter.ref
    for row in ver.iter_rows(min_row=2, values_only=True):
        assert not row[3].startswith(RULE_IDS) and not row[5].startswith(RULE_IDS) and row[6] in RULE_IDS
    for cell in [ws["B5"], ws["G3"], ws["H4"]]:
        assert not cell.comment.text.startswith(RULE_IDS)
    links = {c.hyperlink.location for c in ver["A"][1:]}
    assert links == {"'Registro'!G3", "'Registro'!H4", "'Registro'!B5"}


def test_il_modello_compilato_resta_il_modello_con_esito_dopo_le_colonne_calcolate(tmp_path):
    template = build_template(tmp_path / "modello.xlsx")
    wb = load_workbook(template)
    ws = wb["Registro"]
    from registro.validators.read.register import COLUMNS

    for r, row in enumerate([riga(), riga(codice="ZZ", cf=CF["laura"])], start=2):
        for j, name in enumerate(COLUMNS, start=1):
            ws.cell(r, j).value = row[name]
    path = tmp_path / "registro.xlsx"
    wb.save(path)
    out, _ = _annotated(path, tmp_path)
    before, after = _parts(path), _parts(out)
    for name in ("xl/worksheets/sheet2.xml", "xl/charts/chart1.xml", "xl/tables/table1.xml", "xl/worksheets/sheet6.xml"):
        assert before[name] == after[name]
    width = load_workbook(path)["Registro"].max_column  # Esito comes after the template's own columns
    wb = load_workbook(out)
    ws = wb["Registro"]
    esito = [ws.cell(r, width + 1).value for r in range(1, 5)]
    assert esito[:2] == ["Esito", "OK"] and esito[2].startswith("ERRORE:")
    assert esito[3] is None  # the template's empty pre-filled rows get no verdict
    assert ws.auto_filter.ref is None and "TabRegistro" in ws.tables  # the table keeps its own filter
    assert ws.freeze_panes == "A2" and len(ws.data_validations.dataValidation) > 5
    assert wb.sheetnames[-1] == "Verifica"


def test_un_registro_csv_diventa_una_copia_xlsx(tmp_path):
    path = write_csv(tmp_path / "r.csv", _rows())
    out, _ = _annotated(path, tmp_path, "annotato")
    assert out.suffix == ".xlsx"
    ws = load_workbook(out)["Registro"]
    assert ws["A1"].value == "Data" and ws["G3"].value == "ZZ" and ws["K3"].value.startswith("ERRORE:")
    assert ws["J6"].value == "'=1+1"  # a formula-like text stays text, as in every output
    assert ws["G3"].fill.fgColor.rgb.endswith("FFC7CE") and ws.column_dimensions["G"].width == 40


def test_annotare_una_copia_annotata_non_duplica_esito_ne_verifica(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", _rows())
    first, _ = _annotated(path, tmp_path, "primo.xlsx")
    second, report = _annotated(first, tmp_path, "secondo.xlsx")
    wb = load_workbook(second)
    assert wb.sheetnames == ["Registro", "Verifica"]
    ws = wb["Registro"]
    assert ws["K1"].value == "Esito" and ws["L1"].value is None and ws["K3"].value.startswith("ERRORE:")
    assert wb["Verifica"].max_row == len(report.problems) + 1
    names = re.findall(r'<definedName name="([^"]+)" localSheetId="(\d)"', _parts(second)["xl/workbook.xml"].decode())
    assert len(names) == len(set(names))


def test_titoli_sopra_l_intestazione_e_foglio_con_un_altro_nome(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", _rows(), title_rows=[["Registro di ottobre"], []], sheet="Ottobre")
    out, _ = _annotated(path, tmp_path)
    wb = load_workbook(out)
    ws = wb["Ottobre"]
    assert ws["A1"].value == "Registro di ottobre" and ws["K3"].value == "Esito" and ws["K5"].value.startswith("ERRORE")
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3" and ws.auto_filter.ref == "A3:K8"
    assert wb["Verifica"]["A2"].hyperlink.location == "'Ottobre'!G5"


def test_un_foglio_con_prefisso_di_spazio_dei_nomi_e_stringhe_condivise(tmp_path):
    """Packages from other programs: SpreadsheetML with an 'x:' prefix, text in sharedStrings."""
    path = write_xlsx(tmp_path / "r.xlsx", _rows())
    parts = _parts(path)
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    strings: list[str] = []

    def shared(m):
        strings.append(m.group(2))
        return f'<c r="{m.group(1)}" t="s"><v>{len(strings) - 1}</v></c>'

    sheet = re.sub(r'<c r="([A-Z]+\d+)" t="inlineStr"><is><t>(.*?)</t></is></c>', shared, sheet)
    sheet = re.sub(r"<(/?)(\w+)", r"<\1x:\2", sheet).replace('<x:worksheet xmlns="', '<x:worksheet xmlns:x="')
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    parts["xl/sharedStrings.xml"] = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>").encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    odd = tmp_path / "altro.xlsx"
    with zipfile.ZipFile(odd, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert load_workbook(odd)["Registro"]["G3"].value == "ZZ"
    out, report = _annotated(odd, tmp_path)
    assert report.errors == 2
    ws = load_workbook(out)["Registro"]
    assert ws["K1"].value == "Esito" and ws["K2"].value == "OK" and ws["K3"].value.startswith("ERRORE:")
    assert ws["G3"].value == "ZZ" and ws["G3"].fill.fgColor.rgb.endswith("FFC7CE") and ws["B5"].comment is not None
    assert "<x:c r=\"K2\"" in _parts(out)["xl/worksheets/sheet1.xml"].decode()


def test_la_copia_non_sovrascrive_l_originale(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", _rows())
    report = validate([path], today=TODAY)
    with pytest.raises(Exception, match="coincide con un file di ingresso"):
        annotate(path, report, path, [path])


def _rewrite_parts(source: Path, target: Path, change) -> Path:
    parts = _parts(source)
    change(parts)
    with zipfile.ZipFile(target, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return target


def test_i_commenti_dell_utente_restano_e_quelli_di_un_controllo_precedente_si_rifanno(tmp_path):
    from openpyxl.comments import Comment

    path = write_xlsx(tmp_path / "r.xlsx", _rows())
    wb = load_workbook(path)
    wb["Registro"]["J2"].comment = Comment("da richiamare", "Anna")
    wb.save(path)
    first, _ = _annotated(path, tmp_path, "primo.xlsx")
    second, _ = _annotated(first, tmp_path, "secondo.xlsx")
    for out in (first, second):
        ws = load_workbook(out)["Registro"]
        comments = {c.coordinate: c.comment for row in ws.iter_rows() for c in row if c.comment}
        assert set(comments) == {"J2", "G3", "H4", "B5"}
        assert comments["J2"].text == "da richiamare" and comments["J2"].author == "Anna"
        assert comments["G3"].text.count("Codice servizio sconosciuto") == 1


def test_righe_con_spans_e_un_registro_xlsm_con_le_sue_macro(tmp_path):
    """Excel writes spans="1:10" on each row and keeps macros in vbaProject.bin: both stay right."""
    path = write_xlsx(tmp_path / "r.xlsx", _rows())

    def excel_like(parts):
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        parts["xl/worksheets/sheet1.xml"] = re.sub(r'<row r="(\d+)"', r'<row r="\1" spans="1:10"', sheet).encode()
        parts["xl/vbaProject.bin"] = b"macro di prova"
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"spreadsheetml.sheet.main+xml", b"spreadsheetml.sheet.main+xml").replace(
            b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", b'<Relationship Id="rIdVBA" Type="http://schemas.microsoft.com/office/2006/'
            b'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')

    xlsm = _rewrite_parts(path, tmp_path / "registro.xlsm", excel_like)
    out, _ = _annotated(xlsm, tmp_path, "annotato.xlsx")
    assert out == tmp_path / "annotato.xlsm"  # macros under an .xlsx name: Excel would refuse the file
    parts = _parts(out)
    assert parts["xl/vbaProject.bin"] == b"macro di prova"
    rows = re.findall(r'<row r="(\d+)" spans="([^"]+)"', parts["xl/worksheets/sheet1.xml"].decode())
    assert rows and all(spans == "1:11" for _, spans in rows)
    ws = load_workbook(out, keep_vba=True)["Registro"]
    assert ws["K3"].value.startswith("ERRORE:") and ws["G3"].fill.fgColor.rgb.endswith("FFC7CE")


def test_un_pacchetto_malformato_da_un_messaggio_e_non_un_traceback(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", _rows())
    report = validate([path], today=TODAY)

    def broken(parts):
        sheet = parts["xl/worksheets/sheet1.xml"]
        parts["xl/worksheets/sheet1.xml"] = sheet[:sheet.index(b"</sheetData>")]  # cut short

    bad = _rewrite_parts(path, tmp_path / "r.xlsx", broken)
    from registro.validators.errors import UsageError

    with pytest.raises(UsageError, match="non si può scrivere: il file non ha la struttura di un .xlsx"):
        annotate(bad, report, tmp_path / "copia.xlsx", [bad])
    assert not (tmp_path / "copia.xlsx").exists()


def test_un_registro_senza_problemi_ha_esito_ok_e_verifica_con_nessun_problema(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [riga(), riga(cf=CF["laura"])])
    out, report = _annotated(path, tmp_path)
    assert not report.problems
    wb = load_workbook(out)
    assert [wb["Registro"].cell(r, 11).value for r in (1, 2, 3)] == ["Esito", "OK", "OK"]
    assert wb["Verifica"]["A2"].value == "Nessun problema."
    assert not any(name.startswith(("xl/comments", "xl/drawings")) for name in _parts(out))


def test_l_area_di_stampa_dell_utente_comprende_la_colonna_esito(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", _rows())
    wb = load_workbook(path)
    wb["Registro"].print_area = "A1:J20"  # as the template does: the columns an operator types
    wb.save(path)
    out, _ = _annotated(path, tmp_path)
    assert load_workbook(out)["Registro"].print_area == "'Registro'!$A$1:$K$6"


def test_un_foglio_minimo_riceve_riquadri_larghezza_e_impostazioni_di_stampa(tmp_path):
    """No sheetPr, a self-closing sheetView, no cols, no page margins: each is added in its place."""
    path = write_xlsx(tmp_path / "r.xlsx", _rows())

    def minimal(parts):
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        for element in ("sheetPr", "cols"):
            sheet = re.sub(rf"<{element}>.*?</{element}>", "", sheet, count=1, flags=re.S)
        for element in ("sheetFormatPr", "dimension"):
            sheet = re.sub(rf"<{element}\b[^>]*/>", "", sheet, count=1)
        sheet = re.sub(r"<pageMargins[^>]*/>", "", sheet)
        sheet = re.sub(r"<sheetViews>.*?</sheetViews>", '<sheetViews><sheetView workbookViewId="0"/></sheetViews>', sheet)
        parts["xl/worksheets/sheet1.xml"] = sheet.encode()

    bare = _rewrite_parts(path, tmp_path / "minimo.xlsx", minimal)
    assert "<cols>" not in _parts(bare)["xl/worksheets/sheet1.xml"].decode()
    out, _ = _annotated(bare, tmp_path)
    sheet = _parts(out)["xl/worksheets/sheet1.xml"].decode()
    order = [sheet.index(f"<{e}") for e in ("sheetPr", "sheetViews", "cols", "sheetData", "autoFilter", "pageMargins",
                                            "pageSetup", "legacyDrawing")]
    assert order == sorted(order)
    ws = load_workbook(out)["Registro"]
    assert ws.freeze_panes == "A2" and ws.column_dimensions["K"].width >= 12 and ws.page_setup.orientation == "landscape"


def test_nella_copia_annotata_i_messaggi_non_citano_le_opzioni_del_comando(tmp_path):
    # A date outside --mese: at the terminal the hint names the option, in the workbook it does not.
    from registro.validators.render.outcome import comment_text, esito_text
    from registro.validators.report import Problem

    p = Problem("r.xlsx", "Registro", 5, "Data", "data.fuori_periodo", "errore", "03/09/2026",
                {"data": "03/09/2026", "mese": "10/2026"})
    assert "indicato con --mese" in p.message
    assert esito_text([p]) == ("ERRORE: la data 03/09/2026 è fuori dal mese 10/2026 controllato. "
                               "Correggere la data o spostare la riga nel registro del mese giusto.")
    assert comment_text([p]).startswith("Data fuori dal mese: la data 03/09/2026 è fuori dal mese 10/2026 controllato.")
