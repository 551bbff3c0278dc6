"""registro mese: one read and one check give the same files as valida, totali and esporta run one by one."""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import pytest

from tests.support.month_generator import write_month
from tests.support.registri import riga, run_from_root, write_csv, write_xlsx
from registro.validators import parallel
import registro
from tests.support.api import month_pass

EXAMPLE = ["esempi/registro_esempio.csv"]
EXAMPLE_OPTIONS = ["--storico", "esempi/storico_settembre.csv", "--mese", "2026-10", "--oggi", "2026-11-01"]

run = run_from_root


def same_content(a: Path, b: Path) -> list[str]:
    """Differences between two output files: bytes, or an .xlsx part by part (document dates aside)."""
    if a.suffix not in (".xlsx", ".xlsm"):
        return [] if a.read_bytes() == b.read_bytes() else [a.name]
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        if za.namelist() != zb.namelist():
            return [f"{a.name}: parti diverse"]
        out = []
        for name in za.namelist():
            x, y = za.read(name), zb.read(name)
            if name == "docProps/core.xml":  # openpyxl stamps the time of writing
                x, y = (re.sub(rb"\d{4}-\d\d-\d\dT[\d:]+Z", b"T", v) for v in (x, y))
            if x != y:
                out.append(f"{a.name}: {name}")
        return out


def separate_commands(paths: list, options: list, folder: Path, *, excel: bool = True) -> dict[str, Path]:
    """The month's outputs made by valida, totali and esporta, each reading and checking again."""
    folder.mkdir()
    report = folder / ("rapporto.xlsx" if excel else "rapporto.json")
    valida = run("valida", *paths, *options, "--rapporto", report,
                 *(["--annota", folder / "annotate"] if excel else []))
    assert valida.exit_code in (0, 1), valida.output
    if excel:
        assert run("valida", *paths, *options, "--rapporto", folder / "rapporto.json").exit_code in (0, 1)
    totals = folder / ("riepilogo.xlsx" if excel else "riepilogo.csv")
    assert run("totali", *paths, *options, "-o", totals).exit_code == 0
    rejects = folder / ("scarti.xlsx" if excel else "scarti.csv")
    result = run("esporta", *paths, *options, "-o", folder / "ja.csv", "--scarti", rejects)
    assert result.exit_code == 0, result.output
    return {p.name: p for p in [*folder.iterdir(), *(folder / "annotate").glob("*")] if p.is_file()}


def assert_same_outputs(month_folder: Path, separate: dict[str, Path], annotated: list[str]) -> None:
    written = sorted(p.name for p in month_folder.iterdir())
    expected = {"rapporto.xlsx", "rapporto.json", "riepilogo.xlsx", "ja.csv", "scarti.xlsx", *annotated}
    assert set(written) == expected
    differences = [d for name in written for d in same_content(month_folder / name, separate[name])]
    assert differences == []


def test_mese_scrive_gli_stessi_file_di_valida_totali_esporta_sull_esempio(tmp_path):
    result = run("mese", *EXAMPLE, *EXAMPLE_OPTIONS, "-o", tmp_path / "mese")
    assert result.exit_code == 1, result.output  # the example has errors on purpose
    separate = separate_commands(EXAMPLE, EXAMPLE_OPTIONS, tmp_path / "separati")
    # valida --annota with a folder (no .xlsx name) names the only copy as mese does
    assert_same_outputs(tmp_path / "mese", separate, ["registro_esempio_annotato.xlsx"])


def test_mese_di_piu_sedi_letti_in_parallelo_uguale_ai_comandi_separati(tmp_path):
    folder = tmp_path / "ottobre"
    rows = write_month(folder)
    options = ["--mese", "2026-10", "--oggi", "2026-11-01"]
    result = run("mese", folder, *options, "-o", tmp_path / "mese")
    assert result.exit_code == 1, result.output
    separate = separate_commands([folder], options, tmp_path / "separati")
    with_errors = sorted({f"{r.file.stem}_annotato.xlsx" for r in rows if r.bad})
    assert len(with_errors) >= 2  # several offices, read side by side
    assert_same_outputs(tmp_path / "mese", separate, with_errors)
    assert f"{len(rows)} righe lette = " in result.output


def test_mese_senza_excel_scrive_solo_testo_uguale_ai_comandi_separati(tmp_path):
    result = run("mese", *EXAMPLE, *EXAMPLE_OPTIONS, "-o", tmp_path / "mese", "--senza-excel")
    assert result.exit_code == 1, result.output
    separate = separate_commands(EXAMPLE, EXAMPLE_OPTIONS, tmp_path / "separati", excel=False)
    written = sorted(p.name for p in (tmp_path / "mese").iterdir())
    assert written == ["ja.csv", "rapporto.json", "riepilogo.csv", "scarti.csv"]
    assert [d for name in written for d in same_content(tmp_path / "mese" / name, separate[name])] == []


def test_mese_stampa_bilancio_ore_fte_e_file_scritti(tmp_path):
    result = run("mese", *EXAMPLE, *EXAMPLE_OPTIONS, "-o", tmp_path / "uscita")
    out = " ".join(result.output.split())
    assert "33 righe lette = 18 esportate + 15 scartate" in out
    assert "Ore di lavoro: 22,92 su 18 servizi conteggiati, FTE 0,147" in out
    assert "Problemi per regola" in out
    for name in ("rapporto.xlsx", "rapporto.json", "registro_esempio_annotato.xlsx", "riepilogo.xlsx", "ja.csv",
                 "scarti.xlsx"):
        assert name in out


def test_mese_registro_corretto_esce_con_zero_e_nessuna_copia_annotata(tmp_path):
    path = write_xlsx(tmp_path / "ottobre.xlsx", [riga(), riga(data=__import__("datetime").date(2026, 10, 2))])
    result = run("mese", path, "--mese", "2026-10", "--oggi", "2026-11-01", "-o", tmp_path / "uscita")
    assert result.exit_code == 0, result.output
    assert "2 righe lette = 2 esportate + 0 scartate" in result.output
    assert not list((tmp_path / "uscita").glob("*_annotato.*"))


def test_mese_file_inutilizzabile_esce_con_due_e_scrive_i_risultati_degli_altri(tmp_path):
    good = write_csv(tmp_path / "ancona.csv", [riga()])
    bad = tmp_path / "jesi.xlsx"
    bad.write_bytes(b"non un foglio di calcolo")
    result = run("mese", good, bad, "--mese", "2026-10", "--oggi", "2026-11-01", "-o", tmp_path / "uscita")
    assert result.exit_code == 2, result.output
    assert sorted(p.name for p in (tmp_path / "uscita").iterdir()) == [
        "ja.csv", "rapporto.json", "rapporto.xlsx", "riepilogo.xlsx", "scarti.xlsx"]
    flat = " ".join(result.output.split())
    assert "1 riga letta = 1 esportata + 0 scartate" in flat
    assert f"Totali e file per JA senza il file inutilizzabile {bad}" in flat


def test_mese_con_soli_file_inutilizzabili_scrive_solo_il_rapporto(tmp_path):
    bad = tmp_path / "jesi.xlsx"
    bad.write_bytes(b"non un foglio di calcolo")
    result = run("mese", bad, "--mese", "2026-10", "--oggi", "2026-11-01", "-o", tmp_path / "uscita")
    assert result.exit_code == 2, result.output
    assert sorted(p.name for p in (tmp_path / "uscita").iterdir()) == ["rapporto.json", "rapporto.xlsx"]
    assert "Nessun totale e nessun file per JA" in " ".join(result.output.split())


def test_mese_non_scrive_mai_sopra_un_file_di_ingresso(tmp_path):
    path = write_csv(tmp_path / "ja.csv", [riga()])
    result = run("mese", path, "--mese", "2026-10", "--oggi", "2026-11-01", "-o", tmp_path)
    assert result.exit_code == 2
    assert "coincide con un file di ingresso" in " ".join(result.output.split())
    assert "Accoglienza" in path.read_text(encoding="utf-8-sig")


def test_mese_rifiuta_di_scrivere_nella_cartella_dei_registri(tmp_path):
    folder = tmp_path / "ottobre"
    write_month(folder)
    before = sorted(p.name for p in folder.iterdir())
    result = run("mese", folder, "--mese", "2026-10", "-o", folder)
    assert result.exit_code == 2
    assert "è anche una cartella di registri" in " ".join(result.output.split())
    assert sorted(p.name for p in folder.iterdir()) == before


def test_mese_rifiuta_di_scrivere_in_una_sottocartella_della_cartella_dei_registri(tmp_path):
    folder = tmp_path / "ottobre"
    write_month(folder)
    result = run("mese", folder, "--mese", "2026-10", "-o", folder / "uscita")
    assert result.exit_code == 2
    assert "o sta dentro una di esse, che è letta con le sottocartelle" in " ".join(result.output.split())
    assert not (folder / "uscita").exists()


def test_mese_dall_api_restituisce_conti_e_file(tmp_path):
    import datetime as dt

    folder = tmp_path / "ottobre"
    rows = write_month(folder)
    result = month_pass([folder], tmp_path / "uscita", month="2026-10", today=dt.date(2026, 11, 1), excel=False)
    assert result.export.rows_read == len(rows) == result.export.exported + result.export.rejected
    assert result.export.rejected == len({(r.file, r.row) for r in rows if r.bad})
    assert result.totals.rows_counted == result.export.exported
    assert sorted(p.name for p in result.written) == ["ja.csv", "rapporto.json", "riepilogo.csv", "scarti.csv"]
    assert result.exit_code == 1


def test_in_parallelo_o_in_fila_stessi_risultati_nello_stesso_ordine(monkeypatch):
    import time

    tasks = [lambda i=i: (time.sleep(0.01 * (3 - i)), i)[1] for i in range(4)]
    ended = []
    assert parallel.side_by_side(tasks, done=ended.append) == [0, 1, 2, 3]
    assert ended == [1, 2, 3, 4]
    monkeypatch.setattr(sys, "platform", "emscripten")  # Pyodide: threads cannot start
    assert not parallel.threads_available()
    assert parallel.side_by_side(tasks) == [0, 1, 2, 3]


def test_in_parallelo_l_errore_di_un_compito_arriva_al_chiamante():
    def fails():
        raise ValueError("rotto")

    with pytest.raises(ValueError, match="rotto"):
        parallel.side_by_side([lambda: 1, fails, lambda: 3], limit=2)


def test_aiuto_di_mese_in_italiano_con_esempi():
    result = run("mese", "--help")
    assert result.exit_code == 0
    assert "Esempi:" in result.output and "registro mese" in result.output
    assert "--senza-excel" in result.output


def test_mese_archivia_il_mese_quando_i_file_sono_scritti_e_li_mette_al_loro_posto_dopo(tmp_path, monkeypatch):
    """The archive takes the month once every file is written aside and every target is free; the
    files are put in place after it (docs/guida/file-in-uscita.md: archive and files)."""
    import datetime as dt

    from registro.validators import api

    folder = tmp_path / "ottobre"
    rows = write_month(folder)
    seen, real_add = [], api.archive_add

    def add(checked, archive, **kwargs):
        (staging,) = (tmp_path / "uscita").iterdir()  # nothing in place yet: every file waits aside
        seen.append(sorted(p.name for p in staging.iterdir() if p.name not in ("in-uso.lock", "elenco.txt")))
        return real_add(checked, archive, **kwargs)

    monkeypatch.setattr(api, "archive_add", add)
    result = month_pass([folder], tmp_path / "uscita", month="2026-10", today=dt.date(2026, 11, 1), excel=False,
                        archive=tmp_path / "archivio", store=True)
    assert seen == [["ja.csv", "rapporto.json", "riepilogo.csv", "scarti.csv"]]
    assert sorted(p.name for p in (tmp_path / "uscita").iterdir()) == seen[0]
    assert result.stored.archived == result.export.exported < len(rows)
    assert sum(p.rows for p in registro.archive_status(tmp_path / "archivio").partitions) == result.export.exported


def test_mese_con_un_file_inutilizzabile_non_archivia_nulla(tmp_path):
    import datetime as dt

    good = write_csv(tmp_path / "ancona.csv", [riga()])
    bad = tmp_path / "jesi.xlsx"
    bad.write_bytes(b"non un foglio di calcolo")
    result = month_pass([good, bad], tmp_path / "uscita", month="2026-10", today=dt.date(2026, 11, 1),
                        archive=tmp_path / "archivio", store=True)
    assert result.stored is None and result.exit_code == 2
    assert registro.archive_status(tmp_path / "archivio").partitions == []


def test_mese_da_archiviare_senza_archivio_e_un_errore_che_nomina_il_parametro(tmp_path):
    good = write_csv(tmp_path / "ancona.csv", [riga()])
    with pytest.raises(registro.UsageError) as error:
        registro.month_pass([good], tmp_path / "uscita", store=True)
    assert error.value.params == ("archive",) and "'archive'" in str(error.value)
    assert not (tmp_path / "uscita").exists()


def test_mese_archivia_il_mese_e_il_mese_dopo_lo_usa_come_storico(tmp_path):
    archive = tmp_path / "archivio"
    result = run("mese", "esempi/storico_settembre.csv", "--mese", "2026-09", "--oggi", "2026-11-01",
                 "--archivio", archive, "--archivia", "-o", tmp_path / "settembre")
    assert result.exit_code in (0, 1), result.output
    assert "Archiviato" in result.output and archive.is_dir()
    october = run("mese", *EXAMPLE, "--archivio", archive, "--mese", "2026-10", "--oggi", "2026-11-01",
                  "-o", tmp_path / "ottobre")
    with_file = run("mese", *EXAMPLE, *EXAMPLE_OPTIONS, "-o", tmp_path / "storico")
    assert october.exit_code == with_file.exit_code == 1
    assert same_content(tmp_path / "ottobre/ja.csv", tmp_path / "storico/ja.csv") == []
    assert same_content(tmp_path / "ottobre/scarti.xlsx", tmp_path / "storico/scarti.xlsx") == []


def test_mese_archivia_senza_archivio_chiede_la_cartella(tmp_path):
    result = run("mese", *EXAMPLE, "--mese", "2026-10", "--archivia", "-o", tmp_path / "u")
    assert result.exit_code == 2 and "--archivio" in result.output


def test_mese_su_un_registro_ods_con_problemi_scrive_tutto_e_dice_che_non_c_e_la_copia_annotata(tmp_path):
    """An annotated copy is made of .xlsx, .xlsm and .csv registers: an .ods with problems gets none, said
    in the summary, and every other output is written (the run used to stop on it, naming --annota)."""
    from tests.support.registri import write_ods

    ods = write_ods(tmp_path / "ancona.ods", [riga(), riga(codice="ZZ")])
    csv = write_csv(tmp_path / "jesi.csv", [riga(sede="Jesi", codice="ZZ")])
    result = run("mese", ods, csv, "--mese", "2026-10", "--oggi", "2026-11-01", "-o", tmp_path / "uscita")
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in (tmp_path / "uscita").iterdir()) == [
        "ja.csv", "jesi_annotato.xlsx", "rapporto.json", "rapporto.xlsx", "riepilogo.xlsx", "scarti.xlsx"]
    text = " ".join(result.output.split())
    assert "Nessuna copia annotata di ancona.ods: si fa di registri .xlsx, .xlsm o .csv" in text
    assert "--annota" not in text
