"""CSV encodings: UTF-8 (with or without BOM), UTF-16 (BOM), Windows-1252 and cp850 told apart;
an undecidable file gets a message that names the encoding and how to save as CSV UTF-8."""

from __future__ import annotations

import csv
import io
import random

import pytest
from click.testing import CliRunner

from registro.cli import main
from registro.validators.read import encoding
from registro.validators.read.register import COLUMNS, _header_score
from tests.support.registri import CF, riga, write_csv

WORDS = ("attività", "già", "perché", "città", "più", "l’utente", "è", "Forlì", "Niccolò", "però", "così", "caffè",
         "N°", "€", "«colloquio»", "Sant’Elpidio", "Montecosaro", "Ascoli Piceno", "lunedì", "qualità")


def _run(path):
    result = CliRunner().invoke(main, ["valida", str(path), "--oggi", "2026-11-01"])
    assert "Traceback" not in result.output, result.output
    return result


@pytest.mark.parametrize("name", ["utf-8", "utf-8-sig", "utf-16", "cp1252", "cp850"])
def test_un_registro_con_lettere_accentate_e_letto_in_ogni_codifica(tmp_path, name):
    path = write_csv(tmp_path / "r.csv", [riga(note="attività già svolta, più colloqui"), riga(cf=CF["laura"])],
                     encoding=name)
    result = _run(path)
    assert result.exit_code == 0, result.output
    assert ("codifica MS-DOS" in result.output) == (name == "cp850")


def _generated(rng: random.Random, rows: int, accented_header: bool) -> str:
    out = io.StringIO()
    w = csv.writer(out, delimiter=";")
    w.writerow(COLUMNS if accented_header else [c.replace("à", "a") for c in COLUMNS])
    for _ in range(rows):
        note = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 3)))
        w.writerow(["01/10/2026", rng.choice(("Ancona", "Forlì", "Sant’Elpidio")), "Niccolò Bianchi", "Persona",
                    CF["mario"], "", "A.1", "15", "In presenza", note])
    return out.getvalue()


def test_la_regola_tra_windows_1252_e_cp850_misurata_su_registri_generati():
    """The measurement behind read/encoding.py: 400 generated registers (1-30 rows, Italian words
    in notes and places, header with and without 'Modalità'), each in both code pages: every one
    is decoded in its own encoding."""
    rng = random.Random(22)
    wrong = []
    for i in range(200):
        text = _generated(rng, rng.randint(1, 30), accented_header=i % 2 == 0)
        for code_page in ("cp1252", "cp850"):
            # (cp850 has neither ’ nor €: written as people type them there)
            raw = (text.replace("€", "E").replace("’", "'") if code_page == "cp850" else text).encode(code_page)
            if raw.isascii():
                continue
            decoded = encoding.decode(raw, _header_score)
            if decoded.encoding != code_page:
                wrong.append((i, code_page, decoded.encoding))
    assert wrong == []


def test_una_codifica_indecidibile_lo_dice_e_indica_csv_utf8(tmp_path):
    path = tmp_path / "r.csv"
    header = ";".join(c.replace("à", "a") for c in COLUMNS).encode("ascii")
    path.write_bytes(header + b"\r\n01/10/2026;Ancona;\xb3\xb4\xb9\xba\xbb\xbc;Persona;" + CF["mario"].encode()
                     + b";;A.1;15;In presenza;\xc9\xcd\xbb\r\n")
    result = _run(path)
    assert result.exit_code == 2
    flat = " ".join(result.output.split())
    assert "la codifica dei caratteri del file non è riconoscibile" in flat and "CSV UTF-8" in flat


def test_un_utf8_con_bom_e_byte_non_validi_dice_che_la_codifica_e_il_problema(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ";".join(COLUMNS).encode() + b"\r\n01/10/2026;Ancona;\xe0\r\n")
    result = _run(path)
    assert result.exit_code == 2 and "dichiara la codifica UTF-8" in " ".join(result.output.split())
