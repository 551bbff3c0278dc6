"""The xlwings Lite workbook: main.py and requirements.txt injected after openpyxl has saved it."""

from __future__ import annotations

import re
import zipfile

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cli import main
from xl_addin.build.lite import BUTTONS, COMMANDS_SHEET, WEBEXT, extract, main_py


@pytest.fixture(scope="module")
def lite_book(tmp_path_factory):
    path = tmp_path_factory.mktemp("lite") / "registro_lite.xlsx"
    result = CliRunner().invoke(main, ["modello", "--lite", "-o", str(path), "--righe", "50",
                                       "--pacchetto", "https://intranet.example/registro-0.1.0-py3-none-any.whl"])
    assert result.exit_code == 0, result.output
    return path


def test_il_main_py_nella_cartella_e_quello_del_repository(lite_book):
    props = extract(lite_book)
    assert props["main.py"] == main_py()
    assert props["requirements.txt"] == "https://intranet.example/registro-0.1.0-py3-none-any.whl\n"
    with zipfile.ZipFile(lite_book) as z:
        types = z.read("[Content_Types].xml").decode()
        assert f"/{WEBEXT}" in types and "webextensiontaskpanes" in z.read("_rels/.rels").decode()


def test_i_pulsanti_di_main_py_sono_celle_del_foglio_comandi(lite_book):
    wb = load_workbook(lite_book)  # still a valid workbook for openpyxl
    ws = wb[COMMANDS_SHEET]
    buttons = re.findall(r'button="([^"!]+)!([A-Z]+\d+)"', main_py())
    assert [cell for _, cell in buttons] == [cell for cell, _, _ in BUTTONS]
    for sheet, cell in buttons:
        assert sheet == COMMANDS_SHEET and ws[cell].value.startswith("▶")
        assert ws[cell].hyperlink is not None


def test_le_funzioni_di_main_py_chiamano_le_azioni_del_componente():
    from xl_addin import actions

    called = re.findall(r"actions\.(\w+)\(book\)", main_py())
    assert called == ["run_all", "valida", "totali", "esporta"]
    assert all(callable(getattr(actions, name)) for name in called)


def test_senza_lite_nessuna_parte_web_extension(tmp_path):
    path = tmp_path / "m.xlsx"
    assert CliRunner().invoke(main, ["modello", "-o", str(path), "--righe", "5"]).exit_code == 0
    with zipfile.ZipFile(path) as z:
        assert not [n for n in z.namelist() if "webextension" in n]
    assert CliRunner().invoke(main, ["modello", "-o", str(path), "--pacchetto", "x"]).exit_code == 2


@pytest.mark.libreoffice
def test_la_cartella_lite_si_apre_in_libreoffice(lite_book, libreoffice):
    (names,) = libreoffice.run(lite_book, [{"op": "sheet_names"}])
    assert COMMANDS_SHEET in names and "Registro" in names
