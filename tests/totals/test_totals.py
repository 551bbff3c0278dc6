"""registro totali: time totals and workload, checked against an independent computation."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests.support.registri import run_from_root
from tests.support.month_generator import write_month
from registro import totals as totals_of
from tests.support.api import check, totals
from registro.validators.catalogue import load_catalogue
from registro.validators.errors import UsageError
from registro.validators.render.totals_workbook import CSV_COLUMNS, write_totals

ROOT = Path(__file__).parents[2]
EXAMPLE = ["esempi/registro_esempio.csv"]
EXAMPLE_OPTIONS = ["--storico", "esempi/storico_settembre.csv", "--mese", "2026-10", "--oggi", "2026-11-01"]
TODAY = dt.date(2026, 11, 1)
CAT = load_catalogue()


run = run_from_root


# ---------------------------------------------------------------------------------------------
# Independent computation: plain Python over the generated rows


def _display(spellings: list[str]) -> str:
    counts = Counter(spellings)
    return sorted(counts, key=lambda s: (-counts[s], s))[0]


def expected_detail(rows) -> dict[tuple, dict]:
    good = [r for r in rows if r.bad is None]
    names = defaultdict(list)
    for r in good:
        names[r.operator.casefold()].append(r.operator)
    groups = defaultdict(list)
    for r in good:
        service = CAT.services[r.code]
        key = (r.date.strftime("%Y-%m"), r.office, _display(names[r.operator.casefold()]), service.lep, r.code)
        groups[key].append(r)
    out = {}
    for key, rs in groups.items():
        d = CAT.services[key[4]].duration
        work = sum(r.minutes if r.minutes is not None else (d.average or 0) for r in rs)
        out[key] = {
            "servizi": len(rs),
            "minuti_registrati": sum(r.minutes for r in rs if r.minutes is not None),
            "minuti_standard": None if d.average is None else d.average * len(rs),
            "minuti_min": None if d.minimum is None else d.minimum * len(rs),
            "minuti_max": None if d.maximum is None else d.maximum * len(rs),
            "servizi_senza_durata": sum(1 for r in rs if r.minutes is None),
            "minuti_lavoro": work,
        }
    return out


def _roll(detail: dict[tuple, dict], index) -> dict:
    out = defaultdict(lambda: defaultdict(int))
    for key, rec in detail.items():
        target = out[index(key)]
        for k, v in rec.items():
            target[k] += v or 0
    return out


# ---------------------------------------------------------------------------------------------
# The computation


def test_i_totali_del_mese_generato_coincidono_con_un_calcolo_indipendente(month):
    folder, rows = month
    result = totals([folder], month="2026-10", today=TODAY)
    expected = expected_detail(rows)
    got = {tuple(r[k] for k in ("mese", "sede", "operatore", "lep", "codice")): r for r in result.detail}
    assert set(got) == set(expected)
    for key, exp in expected.items():
        assert {k: got[key][k] for k in exp} == exp, key
        assert got[key]["ore"] == round(exp["minuti_lavoro"] / 60, 2)
    good = [r for r in rows if r.bad is None]
    assert result.rows_read == len(rows)
    assert result.rows_counted == len(good) == result.total["servizi"]
    assert result.rows_excluded == sum(1 for r in rows if r.bad) > 0
    assert result.total["minuti_registrati"] == sum(r.minutes or 0 for r in good)
    assert result.total["minuti_lavoro"] == sum(e["minuti_lavoro"] for e in expected.values())


def test_i_raggruppamenti_sommano_il_dettaglio_e_calcolano_gli_fte(month):
    folder, rows = month
    result = totals([folder], month="2026-10", today=TODAY, fte_hours=150)
    expected = expected_detail(rows)
    for records, index, key in (
        (result.by_office, lambda k: k[1], "sede"),
        (result.by_operator, lambda k: k[2], "operatore"),
        (result.by_lep, lambda k: k[3], "lep"),
        (result.by_month, lambda k: k[0], "mese"),
    ):
        exp = _roll(expected, index)
        assert {r[key] for r in records} == set(exp)
        for r in records:
            e = exp[r[key]]
            assert (r["servizi"], r["minuti_registrati"], r["minuti_lavoro"]) == (
                e["servizi"], e["minuti_registrati"], e["minuti_lavoro"])
            assert r["fte"] == round(e["minuti_lavoro"] / 60 / 150, 3)
    assert {r["sede"] for r in result.by_office} == {"Ancona", "Jesi", "Fabriano"}
    assert result.total["fte"] == round(result.total["minuti_lavoro"] / 60 / 150, 3)


def test_operatore_scritto_in_modi_diversi_e_una_persona_sola(month):
    folder, rows = month
    spelled = {r.operator for r in rows if r.operator.casefold() == "maria rossi"}
    assert spelled == {"Maria Rossi", "MARIA ROSSI"}
    result = totals([folder], month="2026-10", today=TODAY)
    assert [r["operatore"] for r in result.by_operator if r["operatore"].casefold() == "maria rossi"] == ["Maria Rossi"]


def test_codici_senza_durata_standard_sono_contati_a_parte_e_dichiarati(month):
    folder, rows = month
    absent = {r.code for r in rows if r.bad is None and CAT.services[r.code].duration.average is None}
    assert absent, "il generatore deve produrre codici senza durata standard"
    result = totals([folder], month="2026-10", today=TODAY)
    for code in absent:
        assert any(f"minuti standard non disponibili per {code}" in n for n in result.notes)
        rec = next(r for r in result.by_code if r["codice"] == code)
        assert rec["minuti_standard"] is None and rec["servizi_senza_standard"] == rec["servizi"]


def test_esempio_incluso_righe_con_errori_escluse_avvisi_contati():
    checked = check([ROOT / EXAMPLE[0]], history=[ROOT / "esempi/storico_settembre.csv"], month="2026-10",
                    today=TODAY)
    result = totals_of(checked)
    with_errors = checked.report.rows_with_errors()
    assert result.rows_read == 33
    assert result.rows_excluded == len(with_errors) == 15
    assert result.rows_counted == 18
    # Warnings on counted rows: every avviso of a row without errori.
    warned = [p for p in checked.report.problems if p.severity == "avviso" and (p.file, p.row) not in with_errors]
    assert result.warnings == len(warned) == 10
    # O.2 has no recorded minutes and no standard average: counted, noted, no hours.
    o2 = next(r for r in result.by_code if r["codice"] == "O.2")
    assert (o2["servizi"], o2["minuti_standard"], o2["minuti_lavoro"]) == (1, None, 0)
    assert o2["minuti_min"] == o2["minuti_max"] == CAT.services["O.2"].duration.minimum
    assert any("O.2" in n and "non conta nelle ore" in n for n in result.notes)
    # Hours: recorded minutes where given (sum of the example's valid durations).
    assert result.total["minuti_registrati"] == 1375 and result.total["ore"] == 22.92
    assert result.total["fte"] == round(1375 / 60 / 156, 3)


def test_ore_fte_non_positive_sono_rifiutate():
    with pytest.raises(UsageError, match="FTE"):
        totals([ROOT / EXAMPLE[0]], month="2026-10", today=TODAY, fte_hours=0)


# ---------------------------------------------------------------------------------------------
# Outputs and personal data


def _xlsx_values(path: Path) -> list:
    wb = load_workbook(path)
    return [v for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None]


def test_nessun_codice_fiscale_compare_in_alcuna_uscita_dei_totali(month, tmp_path):
    folder, rows = month
    cfs = {r.cf for r in rows} | {r.cf.lower() for r in rows}
    out = tmp_path / "uscita"
    res = run("totali", folder, "--mese", "2026-10", "--oggi", "2026-11-01",
              "-o", out / "r.xlsx", "-o", out / "d.csv", "-o", out / "d.json")
    assert res.exit_code == 0, res.output
    texts = {
        "terminale": res.output,
        "csv": (out / "d.csv").read_text(encoding="utf-8-sig"),
        "json": (out / "d.json").read_text(encoding="utf-8"),
        "xlsx": "\n".join(map(str, _xlsx_values(out / "r.xlsx"))),
    }
    with zipfile.ZipFile(out / "r.xlsx") as z:  # also inside every part (charts, shared strings)
        texts["xlsx-xml"] = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    for where, text in texts.items():
        leaked = [cf for cf in cfs if cf in text]
        assert not leaked, f"codici fiscali in {where}: {leaked[:3]}"
    assert "Ancona" in texts["csv"] and "Ancona" in texts["xlsx"]


def test_csv_dei_totali_ha_le_colonne_concordate_e_somma_il_totale(month, tmp_path):
    folder, _ = month
    result = totals([folder], month="2026-10", today=TODAY)
    write_totals(result, tmp_path / "d.csv")
    raw = (tmp_path / "d.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert tuple(table[0]) == CSV_COLUMNS
    assert list(CSV_COLUMNS[:10]) == ["mese", "sede", "operatore", "lep", "codice", "servizi", "minuti_registrati",
                                      "minuti_standard", "minuti_min", "minuti_max"]
    assert sum(int(r["servizi"]) for r in table) == result.rows_counted
    assert sum(int(r["minuti_registrati"]) for r in table) == result.total["minuti_registrati"]


def test_json_dei_totali_riporta_righe_escluse_e_raggruppamenti(month, tmp_path):
    folder, rows = month
    write_totals(totals([folder], month="2026-10", today=TODAY), tmp_path / "t.json")
    doc = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert doc["righe_lette"] == len(rows)
    assert doc["righe_escluse_per_errori"] == sum(1 for r in rows if r.bad)
    assert doc["ore_mensili_fte"] == 156
    assert {"dettaglio", "per_operatore", "per_sede", "per_lep", "per_mese", "per_servizio"} <= set(doc)


def test_riepilogo_xlsx_ha_un_foglio_per_raggruppamento_e_grafici_a_barre(tmp_path):
    res = run("totali", *EXAMPLE, *EXAMPLE_OPTIONS, "-o", tmp_path / "riepilogo.xlsx")
    assert res.exit_code == 0, res.output
    wb = load_workbook(tmp_path / "riepilogo.xlsx")
    assert wb.sheetnames == ["Riepilogo", "Per sede", "Per operatore", "Per LEP", "Per mese", "Per servizio",
                             "Dettaglio"]
    with zipfile.ZipFile(tmp_path / "riepilogo.xlsx") as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        xml = [z.read(n).decode() for n in charts]
    assert len(charts) == 3 and all("barChart>" in x and 'barDir val="bar"' in x for x in xml)
    titles = " ".join(xml)
    for title in ("Ore per sede", "Ore per operatore", "Ore per LEP"):
        assert title in titles
    ws = wb["Per sede"]
    assert [c.value for c in ws[1]][:2] == ["Sede", "Servizi"]
    assert [ws.cell(r, 1).value for r in range(2, 5)] == ["Ancona", "Jesi", "Totale"]
    assert ws.auto_filter.ref == "A1:J3" and ws.freeze_panes == "A2"  # the Totale row stays out of the filter


def test_totali_due_volte_danno_file_identici_byte_per_byte(tmp_path):
    for n in (1, 2):
        res = run("totali", *EXAMPLE, *EXAMPLE_OPTIONS, "-o", tmp_path / f"r{n}.xlsx", "-o", tmp_path / f"d{n}.csv",
                  "-o", tmp_path / f"d{n}.json")
        assert res.exit_code == 0, res.output
    for a, b in (("r1.xlsx", "r2.xlsx"), ("d1.csv", "d2.csv"), ("d1.json", "d2.json")):
        assert (tmp_path / a).read_bytes() == (tmp_path / b).read_bytes(), a


def test_nomi_che_sembrano_formule_sono_neutralizzati_nel_riepilogo(tmp_path):
    reg = tmp_path / "r.csv"
    reg.write_text("Data;Sede;Operatore;Tipo utente;Codice fiscale;Codice servizio;Durata (min);Modalità\n"
                   "01/10/2026;=1+1;@Rossi;Persona;RSSMRA80A01H501U;A.1;15;In presenza\n", encoding="utf-8")
    res = run("totali", reg, "--oggi", "2026-11-01", "-o", tmp_path / "t.xlsx", "-o", tmp_path / "t.csv")
    assert res.exit_code == 0, res.output
    values = _xlsx_values(tmp_path / "t.xlsx")
    assert "'=1+1" in values and "'@Rossi" in values and "=1+1" not in values
    assert "'=1+1;'@Rossi" in (tmp_path / "t.csv").read_text(encoding="utf-8-sig")


# ---------------------------------------------------------------------------------------------
# Command line


def test_totali_esce_con_zero_anche_con_righe_errate_e_lo_dice():
    res = run("totali", *EXAMPLE, *EXAMPLE_OPTIONS)
    assert res.exit_code == 0, res.output
    assert "15 righe con errori escluse dai totali" in res.output
    assert "Totali di 18 servizi" in res.output
    assert "minuti standard non disponibili per O.2" in res.output
    assert "FTE = ore / (156 ore mensili di un FTE x 1 mese)" in " ".join(res.output.split())


def test_totali_con_file_inutilizzabile_esce_con_due(tmp_path):
    broken = tmp_path / "rotto.xlsx"
    broken.write_bytes(b"non sono un file excel")
    res = run("totali", ROOT / EXAMPLE[0], broken, "--oggi", "2026-11-01", "-o", tmp_path / "t.json")
    assert res.exit_code == 2
    assert "rotto.xlsx" in res.output and "Traceback" not in res.output
    assert res.output.startswith("file.illeggibile: File ")  # named first, then the others' totals
    assert json.loads((tmp_path / "t.json").read_text())["file"] == [str(ROOT / EXAMPLE[0])]


def test_totali_non_scrive_sopra_un_file_di_ingresso(tmp_path):
    reg = tmp_path / "registro.csv"
    shutil.copy(ROOT / EXAMPLE[0], reg)
    before = reg.read_bytes()
    res = run("totali", reg, "--oggi", "2026-11-01", "-o", reg)
    assert res.exit_code == 2 and "coincide con un file di ingresso" in res.output
    assert reg.read_bytes() == before


def test_formato_di_uscita_dei_totali_non_supportato(tmp_path):
    res = run("totali", *EXAMPLE, *EXAMPLE_OPTIONS, "-o", tmp_path / "t.txt")
    assert res.exit_code == 2 and "usare .xlsx, .csv o .json" in res.output


# ---------------------------------------------------------------------------------------------
# Planned workload: the Carichi sheet


def carichi(path: Path, lines, title_rows=2, sheet="Carichi", headers=("Codice", "Nome", "Volume mensile previsto")):
    wb = Workbook()
    wb.active.title = "Istruzioni"
    ws = wb.create_sheet(sheet)
    for _ in range(title_rows):
        ws.append(["Carichi di lavoro previsti"])
    ws.append(list(headers))
    for line in lines:
        ws.append(list(line))
    wb.save(path)
    return path


def test_carichi_confronta_ore_previste_ed_effettive(tmp_path):
    plan = carichi(tmp_path / "modello.xlsx", [("A.1 - Accoglienza", "", 10), ("D.2", "", 4), ("H.1", "", None),
                                               ("E.5", "", 2.5), ("Totale", "", 16.5)])
    checked = check([ROOT / EXAMPLE[0]], history=[ROOT / "esempi/storico_settembre.csv"], month="2026-10",
                    today=TODAY)
    result = totals_of(checked, carichi=plan)
    lines = {r["codice"]: r for r in result.plan}
    avg = {c: CAT.services[c].duration.average for c in ("A.1", "D.2", "E.5")}
    assert lines["A.1"]["ore_previste"] == round(10 * avg["A.1"] / 60, 2)
    assert lines["D.2"]["ore_previste"] == round(4 * avg["D.2"] / 60, 2)
    assert lines["E.5"]["ore_previste"] == round(2.5 * avg["E.5"] / 60, 2)
    assert "H.1" not in lines  # blank volume: nothing planned and nothing done
    # Actual hours per code are the totals' hours; codes done but not planned are listed too.
    by_code = {r["codice"]: r for r in result.by_code}
    assert lines["D.2"]["ore_effettive"] == by_code["D.2"]["ore"] and lines["P.1"]["volume_mensile_previsto"] == 0
    planned = round(sum(x["ore_previste"] or 0 for x in result.plan), 2)
    assert result.plan_total["ore_previste"] == planned
    assert result.plan_total["ore_effettive"] == result.total["ore"]
    assert result.plan_total["differenza_ore"] == round(result.total["ore"] - planned, 2)


def test_carichi_nel_terminale_e_nel_riepilogo(tmp_path):
    plan = carichi(tmp_path / "modello.xlsx", [("A.1", "", 10)], title_rows=0,
                   headers=("CODICE", "Nome", "volume mensile PREVISTO"))
    res = run("totali", *EXAMPLE, *EXAMPLE_OPTIONS, "--carichi", plan, "-o", tmp_path / "r.xlsx")
    assert res.exit_code == 0, res.output
    assert "Carichi: previsto e effettivo" in res.output and "Ore previste" in res.output
    assert "Carichi" in load_workbook(tmp_path / "r.xlsx").sheetnames


@pytest.mark.parametrize("lines,sheet,message", [
    ([("Z.9", "", 3)], "Carichi", "riga 4, 'Codice': 'Z.9' non esiste nel catalogo"),
    ([("A.1", "", "tanti")], "Carichi", "'tanti' non è un numero"),
    ([("A.1", "", -2)], "Carichi", "deve essere un numero positivo"),
    ([("A.1", "", 2), ("A.1", "", 3)], "Carichi", "A.1 compare già alla riga 4"),
    ([("A.1", "", 2)], "Volumi", "non ha il foglio 'Carichi'"),
])
def test_carichi_non_validi_danno_un_errore_che_indica_la_riga(tmp_path, lines, sheet, message):
    plan = carichi(tmp_path / "modello.xlsx", lines, title_rows=2, sheet=sheet)
    res = run("totali", *EXAMPLE, *EXAMPLE_OPTIONS, "--carichi", plan)
    assert res.exit_code == 2
    assert message in " ".join(res.output.split())


def test_carichi_senza_intestazioni_riconosciute(tmp_path):
    plan = carichi(tmp_path / "modello.xlsx", [("A.1", "", 2)], headers=("Servizio", "Quanti"))
    res = run("totali", *EXAMPLE, *EXAMPLE_OPTIONS, "--carichi", plan)
    assert res.exit_code == 2 and "'Volume mensile previsto'" in res.output


# A real client (LibreOffice keeping the charts, their order and labels): tests/render/test_outputs_print.py


def test_fte_su_due_mesi_divide_per_le_ore_di_due_mesi(tmp_path):
    october = write_month(tmp_path / "ottobre", seed=1, month=10, offices=("Ancona",))
    november = write_month(tmp_path / "novembre", seed=2, month=11, offices=("Ancona",))
    result = totals([tmp_path / "ottobre", tmp_path / "novembre"], today=dt.date(2026, 12, 1))
    assert result.months == ["2026-10", "2026-11"]
    for rows, rec in zip((october, november), result.by_month):
        minutes = sum(e["minuti_lavoro"] for e in expected_detail(rows).values())
        assert rec["minuti_lavoro"] == minutes
        assert rec["fte"] == round(minutes / 60 / 156, 3)
    total = result.total["minuti_lavoro"]
    assert result.total["fte"] == round(total / 60 / (156 * 2), 3)
    assert result.by_office[0]["fte"] == round(total / 60 / (156 * 2), 3)
