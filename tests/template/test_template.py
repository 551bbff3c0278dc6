"""The Excel template built by `registro modello`: structure, drift against the committed file, limits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from registro.cli import main
from tests.support.template_rows import TODAY, sample_rows
from tests.support.template_structure import all_formulas, describe, function_names
from tests.support.api import validate
from registro.validators.errors import UsageError
from registro.validators.read.register import COLUMNS, header_field
from registro.xl_addin.build import template
from registro.xl_addin.build.template import DEFAULT_ROWS, MAX_ROWS, build_template, load_config
from registro.xl_addin.build.template_register import ERROR_PREFIX, REGISTER_COLUMNS, WARNING_PREFIX, checks, formulas

COMMITTED = Path(__file__).parents[2] / "templates" / "registro.xlsx"
# Functions present in both Excel 2013 and LibreOffice 7.4 (no XLOOKUP, LET, LAMBDA, dynamic arrays).
ALLOWED_FUNCTIONS = {
    "IF", "AND", "OR", "NOT", "ISNUMBER", "ISNA", "ISERROR", "IFERROR", "INDEX", "MATCH", "COUNTA", "COUNTIFS",
    "SUMIFS", "SUM", "N", "LEN", "SUBSTITUTE", "TRIM", "LEFT", "FIND", "SEARCH", "UPPER", "LOWER", "INT", "TODAY",
    "DATE", "MIN", "MAX", "INDIRECT", "OFFSET", "SUMPRODUCT",
}
CELL_LIKE = re.compile(r"^(?:[A-Z]{1,3}[0-9]+|R[0-9]*C[0-9]*|R|C)$", re.I)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The template as `registro modello` builds it with no options."""
    return build_template(tmp_path_factory.mktemp("modello") / "registro.xlsx")


@pytest.fixture(scope="module")
def wb(built):
    return load_workbook(built)


def test_il_modello_committato_coincide_con_quello_generato(built):
    assert COMMITTED.is_file(), "manca templates/registro.xlsx: eseguire 'registro modello'"
    fresh, committed = describe(built), describe(COMMITTED)
    assert fresh.keys() == committed.keys()
    for key in fresh:
        if isinstance(fresh[key], dict) and "cells" in fresh[key]:
            for part in fresh[key]:
                assert fresh[key][part] == committed[key][part], (
                    f"templates/registro.xlsx non aggiornato ({key}: {part}): eseguire 'registro modello'")
        else:
            assert fresh[key] == committed[key], f"templates/registro.xlsx non aggiornato ({key}): eseguire 'registro modello'"


def test_due_costruzioni_danno_gli_stessi_byte(tmp_path):
    first = build_template(tmp_path / "a.xlsx", rows=20, config={"sedi": ["Ancona"]})
    second = build_template(tmp_path / "b.xlsx", rows=20, config={"sedi": ["Ancona"]})
    assert first.read_bytes() == second.read_bytes()


def test_fogli_in_ordine_con_il_catalogo_nascosto_e_protetto(wb):
    assert wb.sheetnames == ["Registro", "Riepilogo", "Carichi", "Elenchi", "Istruzioni", "Catalogo"]
    assert wb.active.title == "Registro"
    assert wb["Catalogo"].sheet_state == "hidden" and wb["Catalogo"].protection.sheet
    assert all(wb[n].sheet_state == "visible" for n in wb.sheetnames[:-1])


def test_le_colonne_del_contratto_vengono_prima_e_in_ordine(wb):
    headers = [c.value for c in wb["Registro"][1]]
    assert headers[: len(COLUMNS)] == list(COLUMNS)
    assert headers == [c.header for c in REGISTER_COLUMNS]
    # The extra columns must not be mistaken by the validator for contract columns.
    assert [h for h in headers[len(COLUMNS):] if header_field(h)] == []


def test_tabella_intestazione_esplicita_righe_prestabilite_e_date(wb):
    ws = wb["Registro"]
    last = DEFAULT_ROWS + 1
    (table,) = ws.tables.values()
    assert table.ref == f"A1:U{last}" and table.tableStyleInfo.name
    assert ws.freeze_panes == "A2"
    header = ws["A1"]
    assert header.font.bold and header.fill.fgColor.rgb.endswith("1F4E78")
    assert ws["A2"].number_format == ws[f"A{last}"].number_format == "dd/mm/yyyy"
    assert ws["E2"].number_format == "@"  # codici fiscali and partite IVA stay text (leading zeros)
    assert all(ws.column_dimensions[c].hidden for c in "STU")  # catalogue row, the codice fiscale's length and digits
    for column in REGISTER_COLUMNS:
        assert ws.column_dimensions[ws.cell(row=1, column=REGISTER_COLUMNS.index(column) + 1).column_letter].width


def test_ogni_colonna_calcolata_ha_la_formula_su_ogni_riga(wb):
    ws = wb["Registro"]
    templates = formulas()
    for col, column in enumerate(REGISTER_COLUMNS, start=1):
        if not column.computed:
            continue
        for r in range(2, DEFAULT_ROWS + 2):
            assert ws.cell(row=r, column=col).value == templates[column.key].format(r=r)
        assert ws.cell(row=DEFAULT_ROWS + 2, column=col).value is None


def _validations(ws) -> dict[str, object]:
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


def test_menu_a_tendina_e_convalide_coprono_tutte_le_righe(wb):
    by_range = _validations(wb["Registro"])
    last = DEFAULT_ROWS + 1
    expected = {"A": "date", "B": "list", "C": "list", "D": "list", "F": "list", "G": "list",
                "H": "whole", "I": "list", "K": "list"}
    for letter, kind in expected.items():
        dv = by_range[f"{letter}2:{letter}{last}"]
        assert dv.type == kind and dv.showErrorMessage and dv.error and dv.prompt
    # The codice fiscale only gets its input message: a length limit would refuse 'IT 00743110157'.
    cf = by_range[f"E2:E{last}"]
    assert cf.type is None and not cf.showErrorMessage and cf.prompt
    assert by_range[f"G2:G{last}"].formula1 == 'INDIRECT(IF($K2="","Elenco_Codici","LEP_"&$K2))'
    assert by_range[f"B2:B{last}"].errorStyle == "warning"  # a new office can still be typed, after a warning
    assert by_range[f"G2:G{last}"].errorStyle == "stop"
    assert "gg/mm/aaaa" in by_range[f"A2:A{last}"].error


def test_ogni_intestazione_ha_un_messaggio_di_input(wb):
    by_range = _validations(wb["Registro"])
    for i, column in enumerate(REGISTER_COLUMNS, start=1):
        if column.hidden:
            continue
        dv = by_range[f"{wb['Registro'].cell(row=1, column=i).column_letter}1"]
        assert dv.showInputMessage and dv.prompt and len(dv.prompt) <= 255 and len(dv.promptTitle) <= 32


def test_nessun_elenco_in_linea_oltre_255_caratteri(wb):
    for ws in wb.worksheets:
        for dv in ws.data_validations.dataValidation:
            if dv.type == "list":
                assert not dv.formula1.startswith('"'), f"elenco in linea in {ws.title}!{dv.sqref}"
            for f in (dv.formula1, dv.formula2):
                assert f is None or len(f) <= 255


def test_messaggi_e_formule_entro_i_limiti_di_excel(wb):
    for dv in wb["Registro"].data_validations.dataValidation:
        assert len(dv.prompt or "") <= 255 and len(dv.promptTitle or "") <= 32
        assert len(dv.error or "") <= 225 and len(dv.errorTitle or "") <= 32
    for where, formula in all_formulas(wb):
        assert len(formula) < 8192, where
        depth = max_depth = 0
        for ch in re.sub(r'"(?:[^"]|"")*"', '""', formula):
            depth += (ch == "(") - (ch == ")")
            max_depth = max(max_depth, depth)
        assert max_depth <= 64, where


def test_i_nomi_definiti_non_sembrano_indirizzi_di_cella(wb, cat):
    names = list(wb.defined_names)
    assert [n for n in names if CELL_LIKE.match(n)] == []
    lep_names = [n for n in names if n.startswith("LEP_")]
    assert sorted(lep_names) == sorted(f"LEP_{x}" for x in {s.lep for s in cat.registrable})
    for required in ("Elenco_Codici", "Elenco_Sedi", "Elenco_Operatori", "Cat_Codice", "Reg_Minuti"):
        assert required in names


def test_le_formule_usano_solo_funzioni_di_excel_2013_e_libreoffice(wb):
    used = set()
    for where, formula in all_formulas(wb):
        names = function_names(formula)
        assert names <= ALLOWED_FUNCTIONS, f"{where}: {sorted(names - ALLOWED_FUNCTIONS)} in {formula}"
        assert "_xlfn" not in formula.lower() and "@" not in formula and "#" not in formula, where
        used |= names
    assert {"INDEX", "MATCH", "IFERROR", "COUNTIFS", "SUMIFS"} <= used
    assert not {"XLOOKUP", "LET", "LAMBDA", "FILTER", "UNIQUE", "SEQUENCE"} & ALLOWED_FUNCTIONS


def test_formattazione_condizionale_rossa_per_errori_gialla_per_avvisi(wb):
    rules = [(str(rng.sqref), rule) for rng in wb["Registro"].conditional_formatting for rule in rng.rules]
    colours = {rule.formula[0]: rule.dxf.fill.fgColor.rgb for r, rule in rules if r == f"A2:U{DEFAULT_ROWS + 1}"}
    assert colours == {f'LEFT($R2,6)="{ERROR_PREFIX}"': "00FFC7CE", f'LEFT($R2,6)="{WARNING_PREFIX}"': "00FFEB9C"}
    # The third format only draws the borders of the typed rows in the printed columns (test_outputs_print).
    assert {r for r, _ in rules} == {f"A2:U{DEFAULT_ROWS + 1}", f"A2:J{DEFAULT_ROWS + 1}"} and len(rules) == 3


def test_i_messaggi_di_controllo_sono_errori_o_avvisi():
    shown = [c.shown for c in checks()]
    assert all(s.startswith((f"{ERROR_PREFIX}: ", f"{WARNING_PREFIX}: ")) for s in shown)
    assert len(set(shown)) == len(shown)


def test_il_catalogo_nascosto_contiene_tutto_il_catalogo(wb, cat):
    ws = wb["Catalogo"]
    headers = [c.value for c in ws[1]]
    headers = headers[: headers.index(None)]  # the catalogue table, before the dropdown lists
    rows = {r[0]: dict(zip(headers, r)) for r in ws.iter_rows(min_row=2, max_row=len(cat.services) + 1, values_only=True)}
    assert list(rows) == list(cat.services)
    for code, s in cat.services.items():
        row = rows[code]
        assert row["Nome"] == s.name and row["LEP"] == s.lep
        assert row["Registrabile"] == ("Sì" if s.registrable else "No")
        assert (row["Destinatario"] or None) == s.target
        assert (row["Programmi ammessi (vuoto = tutti)"] or None) == (", ".join(s.programmes) if s.programmes else None)
        assert (row["Programma implicito per le aziende"] or None) == s.implied_programme
        d = s.duration
        assert (row["Minuti minimo"], row["Minuti medio"], row["Minuti massimo"]) == (
            (d.minimum, d.average, d.maximum) if d else (None, None, None))
        if d:
            assert row["Provenienza durata"].startswith(d.provenance)
        assert (row["Procedure Regione Marche"] or None) == cat.procedure_text(s)


def test_il_menu_programma_offre_gol_sfl_adi_e_dice_quali_valgono_per_le_aziende(wb, cat):
    ws = wb["Catalogo"]
    headers = {c.value: c.column for c in ws[1] if c.value}
    column = {h: [ws.cell(row=r, column=headers[h]).value for r in range(2, 2 + len(cat.programmes))]
              for h in ("Programmi", "Programma anche per le aziende", "Programma valido dal")}
    assert column["Programmi"] == [p.code for p in cat.programmes] and {"GOL", "SFL", "ADI"} <= set(column["Programmi"])
    assert column["Programma anche per le aziende"] == ["Sì" if p.for_companies else "No" for p in cat.programmes]
    starts = dict(zip(column["Programmi"], column["Programma valido dal"]))
    assert [starts[c].date().isoformat() for c in ("GOL", "SFL", "ADI")] == ["2022-01-01", "2023-09-01", "2024-01-01"]


def test_istruzioni_in_italiano_con_la_registrazione_anche_a_distanza(wb, cat):
    text = "\n".join(str(c.value) for row in wb["Istruzioni"].iter_rows() for c in row if c.value)
    assert cat.notice in text
    assert f"{DEFAULT_ROWS} righe pronte" in text
    assert all(c.shown in text for c in checks())


def test_riepilogo_e_carichi_hanno_grafici_e_formule_vive(wb):
    assert len(wb["Riepilogo"]._charts) == 3 and len(wb["Carichi"]._charts) == 1
    formulas = [c.value for row in wb["Riepilogo"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any("COUNTIFS(Reg_Operatore" in f for f in formulas)
    assert any("SUMIFS(Reg_Minuti,Reg_LEP" in f for f in formulas)
    assert any("SUMIFS(Reg_Minuti,Reg_Sede" in f for f in formulas)
    assert wb["Carichi"]["B6"].value == 36  # weekly hours per person, editable


def test_sedi_e_operatori_dalla_configurazione(tmp_path):
    config = tmp_path / "elenchi.yaml"
    config.write_text("sedi: [Ancona, Jesi]\noperatori:\n  - Maria Rossi\n  - Luca Bianchi\n", encoding="utf-8")
    path = build_template(tmp_path / "r.xlsx", rows=5, config=config)
    wb = load_workbook(path)
    ws = wb["Elenchi"]
    assert [ws["A2"].value, ws["A3"].value, ws["A4"].value] == ["Ancona", "Jesi", None]
    assert [ws["B2"].value, ws["B3"].value] == ["Maria Rossi", "Luca Bianchi"]
    assert wb["Carichi"]["B5"].value == 2  # persons available default to the operators listed
    assert wb.defined_names["Elenco_Sedi"].attr_text.startswith("OFFSET(Elenchi!$A$2,")
    assert wb["Registro"].tables["TabRegistro"].ref == "A1:U6"


def test_configurazione_errata_e_un_errore_d_uso(tmp_path):
    bad = tmp_path / "c.yaml"
    cases = {
        "uffici: [Ancona]\n": "chiave sconosciuta uffici",
        "sedi: Ancona\n": "deve essere un elenco",
        "sedi: [Ancona, ancona]\n": "compare più volte",
        "sedi: [Ancona, '']\n": "non è un nome valido",
        "sedi: [Ancona\n": "YAML non valido",
        "- Ancona\n": "attese le chiavi",
    }
    for text, message in cases.items():
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(UsageError, match=message):
            load_config(bad)
    with pytest.raises(UsageError, match="file non trovato"):
        load_config(tmp_path / "manca.yaml")
    assert load_config({"sedi": ["  Ancona   centro "]}).offices == ("Ancona centro",)


def test_righe_fuori_limite_e_uscite_non_xlsx_sono_rifiutate(tmp_path, cat):
    for rows in (0, MAX_ROWS + 1):
        with pytest.raises(UsageError, match="numero di righe"):
            build_template(tmp_path / "r.xlsx", rows=rows)
    with pytest.raises(UsageError, match=".xlsx"):
        build_template(tmp_path / "r.ods", rows=2)
    odd = tmp_path / "catalogo.xlsx"  # a YAML catalogue with an odd name must not be overwritten
    odd.write_bytes(Path(cat.path).read_bytes())
    with pytest.raises(UsageError, match="coincide con un file di ingresso"):
        build_template(odd, catalogue=odd, rows=2)
    assert odd.read_bytes() == Path(cat.path).read_bytes()
    assert not (tmp_path / "r.xlsx").exists()


def test_il_modello_vuoto_si_valida_senza_righe(built):
    report = validate([built], today=TODAY)
    assert report.rows == 0 and report.problems == []


def test_un_registro_compilato_nel_modello_passa_la_validazione(tmp_path, cat):
    path = build_template(tmp_path / "modello.xlsx", rows=50)
    wb = load_workbook(path)
    ws = wb["Registro"]
    rows = sample_rows(cat)
    for r, row in enumerate(rows, start=2):
        for j, name in enumerate(COLUMNS, start=1):
            ws.cell(row=r, column=j).value = row[name]
    wb.save(tmp_path / "ottobre.xlsx")
    report = validate([tmp_path / "ottobre.xlsx"], today=TODAY)
    assert report.rows == len(rows)
    assert [p.message for p in report.problems if p.severity == "errore"] == []


def test_comando_modello_scrive_il_file(tmp_path):
    out = tmp_path / "sub" / "registro.xlsx"
    result = CliRunner().invoke(main, ["modello", "-o", str(out), "--righe", "7"])
    assert result.exit_code == 0, result.output
    assert "Modello scritto" in result.output and "7 righe" in result.output
    assert load_workbook(out)["Registro"].tables["TabRegistro"].ref == "A1:U8"


def test_comando_modello_configurazione_errata_esce_con_2(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("sedi: [Ancona, Ancona]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["modello", "-o", str(tmp_path / "r.xlsx"), "--config", str(config)])
    assert result.exit_code == 2
    assert "compare più volte" in result.output and "Traceback" not in result.output


def test_le_opzioni_del_comando_seguono_le_costanti_dell_api():
    command = main.get_command(None, "modello")
    params = {p.name: p for p in command.params}
    assert params["rows"].default == DEFAULT_ROWS and params["rows"].type.max == MAX_ROWS
    assert Path(params["output"].default) == template.DEFAULT_OUTPUT


def test_il_catalogo_elenca_i_caratteri_che_il_validatore_toglie_dal_codice_fiscale(wb):
    from registro.validators.check import fiscal
    from registro.xl_addin.build.template_catalogue import CF_DIGITS, CF_SEPARATORS

    def listed(name):
        (sheet, ref), = wb.defined_names[name].destinations
        return "".join(c.value for (c,) in wb[sheet][ref.replace("$", "")])

    separators = listed(CF_SEPARATORS)
    assert {" ", "-", ":", ".", "/", "\u00a0", "\u200b", "\ufeff", "\u2013", "\u2014", "\u2212"} <= set(separators)
    # Only characters a cell can hold are missing (C0 controls, and CR, which XML reads as a line feed).
    assert {ord(c) for c in set(fiscal.removed_characters()) - set(separators)} == {0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F}
    assert all(fiscal.clean(f"0{c}0") == "00" for c in separators)
    assert listed(CF_DIGITS) == fiscal.digit_characters() and "\uff10" in listed(CF_DIGITS)
