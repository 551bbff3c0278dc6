"""The add-in's `valida` on a real xlwings Book: Esito column, colours, Verifica sheet, alert."""

from __future__ import annotations

import json

from click.testing import CliRunner

from registro.cli import main
from tests.support.books import actions, make_book
from tests.support.registri import CF, TODAY, riga, write_xlsx
from registro.validators.messages import SHEET, TERMINAL, text
from registro.validators.rules import RULES
from tests.support.api import validate
from registro.validators.read.register import COLUMNS
from registro.xl_addin.actions import valida


def _rows():
    return [riga(), riga(codice="ZZ", cf=CF["laura"]), riga(durata=25, cf=CF["sara"]), riga(tipo="Privato", cf=CF["franco"])]


def _values(rows, title=()):
    return [list(t) for t in title] + [list(COLUMNS)] + [[r[c] for c in COLUMNS] for r in rows]


def _by_func(acts, func):
    return [a for a in acts if a["func"] == func]


def test_valida_scrive_esito_colora_le_celle_e_crea_verifica(monkeypatch):
    monkeypatch.setattr("registro.xl_addin.actions.check_values", _fixed_today)
    book = make_book({"Registro": _values(_rows()), "Istruzioni": [["Guida"]]})
    counts = valida(book)
    assert {k: counts[k] for k in ("righe", "errori", "avvisi")} == {"righe": 4, "errori": 2, "avvisi": 1}
    acts = actions(book)
    esito = _by_func(acts, "setValues")[0]
    assert esito["start_column"] == len(COLUMNS) and esito["start_row"] == 0
    texts = [r[0] for r in esito["values"]]
    assert texts[0] == "Esito" and texts[1] == "OK"
    assert texts[2].startswith("ERRORE: 'ZZ' non esiste") and texts[3].startswith("AVVISO:")
    coloured = {(a["start_row"], a["start_column"], a["args"][0]) for a in _by_func(acts, "setRangeColor") if a["args"][0]}
    assert coloured == {(2, 6, "#FFC7CE"), (3, 7, "#FFEB9C"), (4, 3, "#FFC7CE")}
    (added,) = _by_func(acts, "addSheet")
    assert added["args"][1] == "Verifica"
    links = _by_func(acts, "addHyperlink")
    assert [a["args"][0] for a in links] == ["#'Registro'!G3", "#'Registro'!H4", "#'Registro'!D5"]
    # the Verifica columns are sized to their content with an action the classic add-in's VBA also runs
    (autofit,) = _by_func(acts, "setAutofit")
    assert autofit["sheet_position"] == 1 and autofit["args"] == ["columns"]
    # and it is an Excel table (filter buttons on its header), which the VBA and xlwings Lite both add
    (table,) = _by_func(acts, "addTable")
    assert table["sheet_position"] == 1 and table["args"][0].startswith("$A$1:") and table["args"][1:] == [
        True, "TableStyleLight9", "Verifica"]
    (alert,) = _by_func(acts, "alert")
    assert "Controllate 4 righe: 2 errori e 1 avviso" in alert["args"][0]


def test_valida_non_scrive_nelle_colonne_dell_utente(monkeypatch):
    monkeypatch.setattr("registro.xl_addin.actions.check_values", _fixed_today)
    book = make_book({"Registro": _values(_rows(), title=[["Registro di ottobre"], []])})
    valida(book)
    writes = [a for a in actions(book) if a["func"] == "setValues" and a["sheet_position"] == 0]
    assert len(writes) == 1 and writes[0]["start_column"] == len(COLUMNS) and writes[0]["start_row"] == 2


def test_un_foglio_esito_esistente_viene_riusato(monkeypatch):
    monkeypatch.setattr("registro.xl_addin.actions.check_values", _fixed_today)
    values = _values(_rows())
    values[0] = values[0] + ["Esito"]
    book = make_book({"Registro": values, "Verifica": [["vecchio"]]})
    valida(book)
    acts = actions(book)
    assert _by_func(acts, "setValues")[0]["start_column"] == len(COLUMNS)
    assert _by_func(acts, "sheetDelete") and _by_func(acts, "addSheet")


def test_i_verdetti_del_componente_coincidono_con_registro_valida(tmp_path, monkeypatch):
    monkeypatch.setattr("registro.xl_addin.actions.check_values", _fixed_today)
    rows = _rows() + [riga(codice="D.2", durata=45, cf=CF["laura"]), riga()]
    book = make_book({"Registro": _values(rows)})
    valida(book)
    verifica = [a for a in actions(book) if a["func"] == "setValues" and a["sheet_position"] == 1][0]["values"]
    assert verifica[0] == ["Cella", "Riga", "Colonna", "Problema", "Gravità", "Messaggio", "Regola"]
    from_book = [(r[1], r[2], r[6], r[4], r[5]) for r in verifica[1:]]
    path = write_xlsx(tmp_path / "registro.xlsx", rows)
    CliRunner().invoke(main, ["valida", str(path), "--oggi", TODAY.isoformat(), "--rapporto", str(tmp_path / "r.json")])
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    problems = validate([path], today=TODAY).problems
    # Same problems, each in the wording of its place: the command line's in the report file, Excel's
    # (no command-line option) in the workbook.
    assert [(p["riga"], p["colonna"], p["regola"], p["gravita"], p["messaggio"]) for p in report["problemi"]] == \
        [(p.row, p.column, p.rule, p.severity, text(p, TERMINAL)) for p in problems]
    assert from_book == [(p.row, p.column, p.rule, p.severity, text(p, SHEET)) for p in problems]
    assert len(problems) >= 5 and any("--storico" in text(p, TERMINAL) for p in problems)
    assert not [m for *_, m in from_book if "--" in m]


def test_verifica_mostra_il_titolo_della_regola_e_non_l_id(monkeypatch):
    monkeypatch.setattr("registro.xl_addin.actions.check_values", _fixed_today)
    book = make_book({"Registro": _values(_rows())})
    valida(book)
    verifica = [a for a in actions(book) if a["func"] == "setValues" and a["sheet_position"] == 1][0]["values"]
    ids = {r.id for r in RULES}
    assert verifica[1][:4] == ["G3", 3, "Codice servizio", "Codice servizio sconosciuto"]
    for row in verifica[1:]:
        assert row[3] not in ids and not row[5].startswith(tuple(ids)) and row[6] in ids


def _fixed_today(values, **kwargs):
    from registro import CheckOptions, check_values

    return check_values(values, options=CheckOptions(today=TODAY), **kwargs)


def test_un_mese_pulito_con_aziende_su_s_e_persone_in_gol_adi_sfl_non_ha_errori_ne_avvisi(monkeypatch):
    from benchmarks.generator import generate

    monkeypatch.setattr("registro.xl_addin.actions.check_values", _fixed_today)
    rows = generate(2000, "2026-10", seed=3, today=TODAY).rows
    assert any(r[3] == "Azienda" and r[5] is None and str(r[6]).startswith("S.") for r in rows)
    assert {"GOL", "SFL", "ADI"} <= {r[5] for r in rows}
    book = make_book({"Registro": [list(COLUMNS)] + [list(r) for r in rows]})
    counts = valida(book)
    assert (counts["righe"], counts["errori"], counts["avvisi"]) == (len(rows), 0, 0)


def test_le_procedure_della_tabella_appaiono_nel_componente_come_in_registro_valida(monkeypatch):
    """The add-in runs the same engine: a DID without its SAP update that day and a D.2 on the day of
    the D.1 (issue 23) show in Esito and Verifica with their rules."""
    monkeypatch.setattr("registro.xl_addin.actions.check_values", _fixed_today)
    rows = [riga(), riga(codice="B.1", durata=25), riga(codice="D.1", durata=45), riga(codice="D.2", durata=45)]
    book = make_book({"Registro": _values(rows)})
    counts = valida(book)
    assert (counts["errori"], counts["avvisi"]) == (0, 2)
    esito = [r[0] for r in _by_func(actions(book), "setValues")[0]["values"]]
    assert esito[2].startswith("AVVISO: per la stessa persona non risulta B.2")
    assert esito[4].startswith("AVVISO: D.2 del 01/10/2026 è nello stesso giorno di D.1")
    verifica = [a for a in actions(book) if a["func"] == "setValues" and a["sheet_position"] == 1][0]["values"]
    assert [(r[1], r[6]) for r in verifica[1:]] == [(3, "sequenza.passaggio_mancante"), (5, "sequenza.stesso_giorno")]
