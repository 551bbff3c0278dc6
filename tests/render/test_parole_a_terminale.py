"""Wording seen in the terminal: singular and plural, the problem list saying where the rest is,
the FTE line closing once."""

from __future__ import annotations

from types import SimpleNamespace

from registro.validators.render.archive import partition_line
from registro.validators.render.report_files import shown_title
from registro.validators.text import balance
from tests.support.registri import riga, run_from_root, write_csv

run = run_from_root


def flat(text: str) -> str:
    return " ".join(text.split())


def test_il_titolo_dei_problemi_mostrati_concorda_col_numero():
    assert shown_title(1, 1) == "Il problema"
    assert shown_title(3, 3, "rapporto.xlsx") == "I 3 problemi"
    assert shown_title(1, 5) == "Il primo problema su 5"
    assert shown_title(20, 22, "uscita/rapporto.xlsx") == "Primi 20 problemi su 22, gli altri in rapporto.xlsx"
    assert shown_title(20, 21, "rapporto.json") == "Primi 20 problemi su 21, l'altro in rapporto.json"


def test_righe_persone_e_scarti_al_singolare():
    part = SimpleNamespace(office_name="Jesi", month="2026-10", rows=1, persons=1)
    assert partition_line(part) == "Jesi 2026-10: 1 riga, 1 persona"
    assert balance(1, (1, "esportata", "esportate"), (0, "scartata", "scartate")) == \
        "1 riga letta = 1 esportata + 0 scartate"


def test_mese_con_un_problema_lo_dice_al_singolare_e_chiude_la_riga_degli_fte_una_volta(tmp_path):
    register = write_csv(tmp_path / "ancona.csv", [riga(), riga(codice="ZZ")])
    result = run("mese", register, "--mese", "2026-10", "--oggi", "2026-11-01", "-o", tmp_path / "uscita")
    text = flat(result.output)
    assert "Il problema" in text and "Primi 1 problemi" not in text
    assert "2 righe lette = 1 esportata + 1 scartata" in text
    assert "su 1 servizio conteggiato, FTE" in text
    assert "(FTE = ore / (156 ore mensili di un FTE x 1 mese))." in text and "mese).)" not in text


def test_mese_con_piu_problemi_di_quelli_mostrati_dice_dove_sono_gli_altri(tmp_path):
    register = write_csv(tmp_path / "ancona.csv", [riga(codice="ZZ") for _ in range(4)])
    result = run("mese", register, "--mese", "2026-10", "--oggi", "2026-11-01", "-o", tmp_path / "uscita",
                 "--mostra", "2")
    assert "Primi 2 problemi su 4, gli altri in rapporto.xlsx" in flat(result.output)
    text_only = run("mese", register, "--mese", "2026-10", "--oggi", "2026-11-01", "-o", tmp_path / "testo",
                    "--mostra", "2", "--senza-excel")
    assert "gli altri in rapporto.json" in flat(text_only.output)


def test_valida_dice_dove_sono_gli_altri_solo_se_scrive_il_rapporto(tmp_path):
    register = write_csv(tmp_path / "ancona.csv", [riga(codice="ZZ") for _ in range(3)])
    alone = run("valida", register, "--mostra", "1")
    assert "Il primo problema su 3" in flat(alone.output) and "gli altri" not in alone.output
    written = run("valida", register, "--mostra", "1", "--rapporto", tmp_path / "rapporto.csv")
    assert "Il primo problema su 3, gli altri in rapporto.csv" in flat(written.output)
