"""registro archivio aggiungi / stato / rimuovi / verifica, --archivio on valida, totali, esporta, and
the year totals with the trend chart from the archive alone."""

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from registro.cli import main
from tests.support.months import MONTHS, TODAY
from registro.validators.archive.store import Archive

ROOT = Path(__file__).resolve().parents[2]
OGGI = ("--oggi", TODAY.isoformat())


def _cli(*args, env=None):
    return CliRunner().invoke(main, list(map(str, args)), env=env)


def _flat(result) -> str:
    return " ".join(result.output.split())


def test_aggiungi_stampa_il_bilancio_e_cosa_sostituisce(tmp_path, months):
    folder = tmp_path / "archivio"
    files = months.files[MONTHS[0]]
    rows = sum(len(months.rows[p]) for p in files)
    first = _cli("archivio", "aggiungi", *files, "--mese", MONTHS[0], *OGGI, "--archivio", folder)
    assert first.exit_code == 0, first.output
    text = _flat(first)
    assert f"{rows} righe lette = {rows} archiviate + 0 scartate" in text
    assert "Archiviato Ancona 2026-01:" in text and "Creata la chiave dell'archivio" in text
    again = _cli("archivio", "aggiungi", files[0], "--mese", MONTHS[0], *OGGI, "--archivio", folder)
    assert again.exit_code == 0, again.output
    n = len(months.rows[files[0]])
    assert f"Sostituito Ancona 2026-01: {n} righe" in _flat(again) and f"(prima {n} righe" in _flat(again)
    assert "Creata la chiave" not in _flat(again)


def test_aggiungi_l_esempio_del_readme(tmp_path):
    result = _cli("archivio", "aggiungi", ROOT / "esempi/storico_settembre.csv", "--archivio", tmp_path / "a")
    assert result.exit_code == 0, result.output
    assert "5 righe lette = 5 archiviate + 0 scartate" in _flat(result)
    october = _cli("valida", ROOT / "esempi/registro_esempio.csv", "--mese", "2026-10", "--oggi", "2026-11-01",
                   "--archivio", tmp_path / "a", "--rapporto", tmp_path / "a.json")
    history = _cli("valida", ROOT / "esempi/registro_esempio.csv", "--mese", "2026-10", "--oggi", "2026-11-01",
                   "--storico", ROOT / "esempi/storico_settembre.csv", "--rapporto", tmp_path / "s.json")
    assert october.exit_code == history.exit_code == 1
    a, s = (json.loads((tmp_path / n).read_text()) for n in ("a.json", "s.json"))
    assert a["problemi"] == s["problemi"] and a["archivio"] == f"archivio {tmp_path / 'a'}"


def test_un_registro_illeggibile_non_archivia_nulla(tmp_path, months):
    bad = tmp_path / "rotto.xlsx"
    bad.write_bytes(b"non sono un xlsx")
    folder = tmp_path / "archivio"
    result = _cli("archivio", "aggiungi", months.files[MONTHS[0]][0], bad, "--archivio", folder)
    assert result.exit_code == 2 and "rotto.xlsx" in _flat(result)
    assert Archive.open(folder, need_key=False).partitions == []


def test_stato_mostra_mesi_e_sedi_dai_metadati(five_months_archive):
    result = _cli("archivio", "stato", "--archivio", five_months_archive)
    assert result.exit_code == 0, result.output
    text = _flat(result)
    assert "15 partizioni, 5 mesi (2026-01 – 2026-05)" in text
    for month in MONTHS[:5]:
        assert month in text
    archive = Archive.open(five_months_archive, need_key=False)
    first = archive.partitions[0]
    line = next(ln for ln in result.output.splitlines() if first.month in ln and first.office_name in ln)
    cells = [c.strip() for c in line.strip("│ ").split("│")]
    assert cells == [first.month, first.office_name, f"{first.rows:,}".replace(",", "."), str(first.persons),
                     first.imported[:16].replace("T", " "), first.catalogue]


def test_variabili_d_ambiente_per_archivio_e_chiave(tmp_path, five_months_archive, months):
    key = tmp_path / "chiave_altrove"
    shutil.copy(five_months_archive.with_name("archivio.chiave"), key)
    env = {"REGISTRO_ARCHIVIO": str(five_months_archive), "REGISTRO_CHIAVE": str(key)}
    result = _cli("valida", *months.files[MONTHS[5]], "--mese", MONTHS[5], *OGGI, env=env)
    assert result.exit_code == 0 and "0 errori, 0 avvisi" in _flat(result) and "storico: archivio" in _flat(result)
    assert _cli("archivio", "stato", env=env).exit_code == 0


def test_rimuovi_un_mese_di_una_sede_e_i_mesi_prima_di_una_data(archive_copy):
    one = _cli("archivio", "rimuovi", "--sede", "ANCONA", "--mese", "2026-02", "--archivio", archive_copy)
    assert one.exit_code == 0 and "Tolto Ancona 2026-02" in _flat(one) and "1 partizione tolta" in _flat(one)
    old = _cli("archivio", "rimuovi", "--prima-del", "2026-03", "--archivio", archive_copy)
    assert old.exit_code == 0 and "5 partizioni tolte" in _flat(old)
    months = {p.month for p in Archive.open(archive_copy, need_key=False).partitions}
    assert months == {"2026-03", "2026-04", "2026-05"}
    assert not list(archive_copy.glob("dati/mese=2026-01")) and not list(archive_copy.glob("dati/mese=2026-02"))
    none = _cli("archivio", "rimuovi", "--mese", "2025-01", "--archivio", archive_copy)
    assert none.exit_code == 0 and "archivio invariato" in _flat(none)
    usage = _cli("archivio", "rimuovi", "--archivio", archive_copy)
    assert usage.exit_code == 2 and "--prima-del" in usage.output
    assert _cli("archivio", "verifica", "--archivio", archive_copy).exit_code == 0


def test_verifica_conferma_schema_chiave_e_righe(five_months_archive):
    result = _cli("archivio", "verifica", "--archivio", five_months_archive)
    total = sum(p.rows for p in Archive.open(five_months_archive, need_key=False).partitions)
    assert result.exit_code == 0, result.output
    assert "Archivio integro: schema 2, chiave corretta" in _flat(result) and f"15 partizioni, {total} righe" in _flat(result)


def test_totali_dell_anno_dal_solo_archivio_con_andamento_e_grafico(tmp_path, months, five_months_archive):
    out = tmp_path / "anno.xlsx"
    result = _cli("totali", "--archivio", five_months_archive, "-o", out, "-o", tmp_path / "anno.json")
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "anno.json").read_text())
    assert doc["mesi"] == list(MONTHS[:5])
    rows = sum(len(months.rows[p]) for m in MONTHS[:5] for p in months.files[m])
    assert doc["righe_conteggiate"] == rows
    # the same roll-ups as the totals of the five months' registers
    files = _cli("totali", *months.before(MONTHS[5]), *OGGI, "-o", tmp_path / "file.json")
    assert files.exit_code == 0, files.output
    same = json.loads((tmp_path / "file.json").read_text())
    for key in ("totale", "per_sede", "per_lep", "per_mese", "per_operatore", "per_servizio", "dettaglio"):
        assert doc[key] == same[key], key
    sheet = openpyxl.load_workbook(out)["Andamento"]
    assert sheet["A1"].value == "Ore per mese e sede"
    assert [c.value for c in sheet[2] if c.value is not None] == ["Mese", "Ancona", "Fabriano", "Jesi", "Totale"]
    assert [sheet.cell(r, 1).value for r in range(3, 8)] == list(MONTHS[:5])
    by_month = {r["mese"]: r["ore"] for r in doc["per_mese"]}
    assert [sheet.cell(r, 5).value for r in range(3, 8)] == pytest.approx([by_month[m] for m in MONTHS[:5]], abs=0.05)
    charts = sheet._charts
    assert len(charts) == 2 and all(type(c).__name__ == "LineChart" for c in charts)
    part = _cli("totali", "--archivio", five_months_archive, "--dal", "2026-02", "--al", "2026-3", "-o",
                tmp_path / "parte.json")
    assert part.exit_code == 0, part.output
    assert json.loads((tmp_path / "parte.json").read_text())["mesi"] == ["2026-02", "2026-03"]


def test_totali_senza_registri_ne_archivio_e_un_errore_d_uso(tmp_path, five_months_archive, months):
    assert _cli("totali").exit_code == 2
    mixed = _cli("totali", months.files[MONTHS[5]][0], "--dal", "2026-01", "--archivio", five_months_archive)
    assert mixed.exit_code == 2 and "--dal" in mixed.output
    empty = _cli("totali", "--archivio", five_months_archive, "--dal", "2030-01")
    assert empty.exit_code == 2 and "nessuna riga" in _flat(empty)


def test_esporta_con_l_archivio_come_storico(tmp_path, months, five_months_archive):
    result = _cli("esporta", *months.files[MONTHS[5]], "--mese", MONTHS[5], *OGGI, "--archivio", five_months_archive,
                  "-o", tmp_path / "ja.csv")
    assert result.exit_code == 0, result.output
    rows = sum(len(months.rows[p]) for p in months.files[MONTHS[5]])
    assert f"{rows} righe lette = {rows} esportate + 0 scartate" in _flat(result)
