"""`registro valida` from the command line: exit codes, messages, report files, annotated copy."""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from registro.cli import main
from tests.support.registri import CF, riga, write_xlsx
from tests.support.api import validate
from registro.validators.rules import RULES

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "esempi" / "registro_esempio.csv"
HISTORY = ROOT / "esempi" / "storico_settembre.csv"
BASE = ["--oggi", "2026-11-01"]


def run(*args):
    return CliRunner().invoke(main, ["valida", *map(str, args), *BASE])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_registro_corretto_esce_con_0(tmp_path):
    result = run(write_xlsx(tmp_path / "r.xlsx", [riga()]))
    assert result.exit_code == 0, result.output
    assert "0 errori" in result.output and "Nessun problema" in result.output


def test_solo_avvisi_esce_con_0_ed_errori_con_1(tmp_path):
    assert run(write_xlsx(tmp_path / "a.xlsx", [riga(durata=25)])).exit_code == 0
    result = run(write_xlsx(tmp_path / "e.xlsx", [riga(codice="F1.09")]))
    assert result.exit_code == 1
    assert "Riga 2, 'Codice servizio': 'F1.09' non esiste nel catalogo. Forse si intendeva F1.9" in result.output


def test_file_inutilizzabile_esce_con_2_senza_traceback(tmp_path):
    bad = tmp_path / "r.xlsx"
    bad.write_bytes(b"\x00\x01 garbage")
    result = run(bad)
    assert result.exit_code == 2 and "file.illeggibile" in result.output and "Traceback" not in result.output


def test_uso_errato_esce_con_2(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [riga()])
    result = run(path, "--mese", "ottobre")
    assert result.exit_code == 2 and "AAAA-MM" in result.output
    result = run(path, "--escludi", "regola.inventata")
    assert result.exit_code == 2 and "regola sconosciuta" in result.output


def test_il_rapporto_si_scrive_in_json_csv_e_xlsx(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [riga(), riga(codice="ZZ", cf=CF["laura"]), riga(durata=25, cf=CF["sara"])])
    for suffix in (".json", ".csv", ".xlsx"):
        target = tmp_path / f"rapporto{suffix}"
        assert run(path, "--rapporto", target).exit_code == 1
        assert target.exists()
    data = json.loads((tmp_path / "rapporto.json").read_text(encoding="utf-8"))
    assert {k: data[k] for k in ("versione", "righe", "errori", "avvisi")} == {"versione": 1, "righe": 3, "errori": 1, "avvisi": 1}
    assert data["problemi"][0] == {
        "file": str(path), "foglio": "Registro", "riga": 3, "colonna": "Codice servizio", "regola": "codice.sconosciuto",
        "gravita": "errore", "messaggio": data["problemi"][0]["messaggio"], "valore": "ZZ",
    }
    rows = list(csv.reader((tmp_path / "rapporto.csv").read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0] == ["file", "foglio", "riga", "colonna", "regola", "gravita", "messaggio", "valore"] and len(rows) == 3
    wb = load_workbook(tmp_path / "rapporto.xlsx")
    assert wb["Problemi"].max_row == 3 and wb["Riepilogo"]["B1"].value == 3


def test_annota_crea_una_copia_e_non_tocca_l_originale(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [riga(), riga(codice="ZZ", cf=CF["laura"])])
    before = _digest(path)
    target = tmp_path / "annotato.xlsx"
    assert run(path, "--annota", target).exit_code == 1
    assert _digest(path) == before
    wb = load_workbook(target)
    ws = wb["Registro"]
    assert ws["K1"].value == "Esito" and ws["K2"].value == "OK" and ws["K3"].value.startswith("ERRORE:")
    assert ws["G3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert ws["G3"].comment.text.startswith("Codice servizio sconosciuto: 'ZZ' non esiste nel catalogo")
    ver = wb["Verifica"]
    assert [c.value for c in ver[1]] == ["Cella", "Riga", "Colonna", "Problema", "Gravità", "Messaggio", "Regola"]
    assert [c.value for c in ver[2]][:5] == ["G3", 3, "Codice servizio", "Codice servizio sconosciuto", "errore"]
    assert ver["G2"].value == "codice.sconosciuto"
    # an internal link (not an external file:// one), that LibreOffice and Excel follow
    assert ver["A2"].hyperlink.location == "'Registro'!G3" and not ver["A2"].hyperlink.target


def test_non_scrive_il_rapporto_sopra_un_file_di_ingresso(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    before = _digest(path)
    result = run(path, "--rapporto", path.with_suffix(".csv"))
    assert result.exit_code == 2 and "coincide con un file di ingresso" in result.output
    assert _digest(path) == before


def test_il_codice_fiscale_non_compare_a_terminale(tmp_path):
    rows = [riga(cf="RSSMRA80A01H501X"), riga(cf=CF["laura"], codice="ZZ"), riga(cf=CF["sara"]), riga(cf=CF["sara"])]
    result = run(write_xlsx(tmp_path / "r.xlsx", rows))
    assert result.exit_code == 1
    for code in ("RSSMRA80A01H501X", CF["laura"], CF["sara"]):
        assert code not in result.output


def test_debug_lascia_passare_l_eccezione(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [riga()])
    result = CliRunner().invoke(main, ["--debug", "valida", str(path), "--mese", "x"])
    assert type(result.exception).__name__ == "UsageError"


def test_esempio_incluso_riporta_un_problema_per_ogni_regola():
    result = CliRunner().invoke(main, ["valida", str(EXAMPLE), "--storico", str(HISTORY), "--mese", "2026-10",
                                       "--oggi", "2026-11-01", "--mostra", "0"])
    assert result.exit_code == 1

    report = validate([EXAMPLE], history=[HISTORY], month="2026-10", today=datetime.date(2026, 11, 1))
    found = {p.rule for p in report.problems}
    # testo.troncato needs a cell of more than 32,767 characters: not in an example people read
    # (tests/check/test_rules.py and tests/render/test_testo_nei_file.py have it).
    assert found == {r.id for r in RULES if not r.file_level} - {"testo.troncato"}
    # Each problem sits on the row whose Note names that rule.
    notes = {i + 1: line.split(";")[-1] for i, line in enumerate(EXAMPLE.read_text(encoding="utf-8").splitlines())}
    for p in report.problems:
        assert p.rule in notes[p.row], (p.row, p.rule)
        assert p.message.startswith(f"Riga {p.row}, '{p.column}': ")


def test_registro_regole_elenca_ogni_regola_del_registro():
    result = CliRunner().invoke(main, ["regole"])
    assert result.exit_code == 0 and "Regola" in result.output
    assert [r.id for r in RULES if r.id not in result.output] == []


@pytest.mark.parametrize("width", ["80", "400"])
def test_registro_regole_mostra_ogni_descrizione_e_fonte_intera(width):
    result = CliRunner().invoke(main, ["regole"], env={"COLUMNS": width})
    assert result.exit_code == 0
    # The "Quando" column, read down the table (its cells fold over several lines at 80 columns).
    column = "".join(line.split("│")[4] for line in result.output.splitlines() if line.count("│") == 5)
    flat = "".join(column.split())
    for r in RULES:
        assert "".join(r.description.split()) in flat, r.id
        if r.source:
            assert "".join(f"Tabella regionale: «{r.source}»".split()) in flat, r.id


def test_valori_con_parentesi_quadre_non_rompono_il_terminale(tmp_path):
    path = write_xlsx(tmp_path / "r[1].xlsx", [riga(codice="[/bold]X"), riga(cf=CF["laura"], operatore="[red]Op[/red]")])
    result = run(path)
    assert result.exit_code == 1 and "'[/bold]X' non esiste nel catalogo" in result.output
    totals = CliRunner().invoke(main, ["totali", str(path), "--oggi", "2026-11-01"])
    assert totals.exit_code == 0 and "[red]Op[/red]" in totals.output
