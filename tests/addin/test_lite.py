"""The xlwings Lite workbook: main.py and requirements.txt injected after openpyxl has saved it."""

from __future__ import annotations

import re
import zipfile

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from registro.cli import main
from registro.xl_addin.build.lite import BUTTONS, COMMANDS_SHEET, WEBEXT, extract, main_py


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
    assert props["requirements.txt"] == "https://intranet.example/registro-0.1.0-py3-none-any.whl\npolars\n"
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
    from registro.xl_addin import actions

    called = re.findall(r'run\(book, "(\w+)"\)', main_py())
    assert called == ["run_all", "valida", "totali", "esporta"]
    assert all(callable(getattr(actions, name)) for name in called)


def _buttons():
    namespace = {"__name__": "main"}
    exec(compile(main_py(), "main.py", "exec"), namespace)
    return namespace


def test_con_polars_il_pulsante_esegue_il_controllo_del_registro():
    from tests.support.books import actions, make_book
    from tests.support.registri import riga
    from registro.validators.read.register import COLUMNS

    book = make_book({"Registro": [list(COLUMNS), [riga()[c] for c in COLUMNS]]}, client="Office.js")
    _buttons()["controlla_registro"](book)
    acts = actions(book)
    assert acts[0]["func"] == "setValues" and acts[0]["values"][0] == ["Esito"]
    (alert,) = [a for a in acts if a["func"] == "alert"]
    assert alert["args"][0].startswith("Controllata 1 riga")


def test_un_errore_imprevisto_nel_pulsante_diventa_un_avviso_senza_traceback(monkeypatch):
    from tests.support.books import actions, make_book

    def broken(book):
        raise RuntimeError("boom")

    monkeypatch.setattr("registro.xl_addin.actions.totali", broken)
    book = make_book({"Registro": [["x"]]}, client="Office.js")
    _buttons()["calcola_totali"](book)
    (alert,) = actions(book)
    assert alert["func"] == "alert" and alert["args"][0].startswith("errore imprevisto (RuntimeError)")


def test_con_polars_troppo_vecchio_il_pulsante_avvisa_e_non_tocca_il_libro(monkeypatch):
    import polars

    from tests.support.books import actions, make_book
    from registro.xl_addin.lite_runtime import ALTERNATIVES

    monkeypatch.setattr(polars, "__version__", "1.18.0")
    book = make_book({"Registro": [["x"]]}, client="Office.js")
    _buttons()["controlla_tutto"](book)
    (alert,) = actions(book)
    assert alert["func"] == "alert" and "polars 1.18.0, troppo vecchio" in alert["args"][0]
    assert ALTERNATIVES in alert["args"][0]


def test_senza_il_pacchetto_registro_il_pulsante_dice_cosa_manca(monkeypatch):
    import sys

    from tests.support.books import actions, make_book

    monkeypatch.setitem(sys.modules, "registro.xl_addin.lite_runtime", None)  # import fails as if not installed
    book = make_book({"Registro": [["x"]]}, client="Office.js")
    _buttons()["prepara_export_ja"](book)
    (alert,) = actions(book)
    assert alert["func"] == "alert" and alert["args"][0].startswith("Il pacchetto registro non è installato")


def test_il_minimo_di_polars_e_quello_dichiarato_nel_pacchetto():
    import tomllib
    from pathlib import Path

    from registro.xl_addin.lite_runtime import FALLBACK_MINIMUM, missing, polars_minimum

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (declared,) = [d for d in project["dependencies"] if d.startswith("polars")]
    assert declared.split(";")[0].strip() == f"polars>={polars_minimum()}" == f"polars>={FALLBACK_MINIMUM}"
    assert missing() is None  # this Python has a recent enough polars


def test_su_pc_le_dipendenze_comprendono_polars_e_fastexcel_solo_pyodide_ne_fa_a_meno():
    """(and isal, which only the split reading of a large sheet with fastexcel uses)"""
    import tomllib
    from pathlib import Path

    from packaging.requirements import Requirement

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = [Requirement(d) for d in project["dependencies"]]

    def names(platform):
        env = {"sys_platform": platform, "python_version": "3.11"}
        return {r.name for r in reqs if r.marker is None or r.marker.evaluate(env)}

    for platform in ("linux", "win32", "darwin"):
        assert {"polars", "fastexcel", "pandera", "xlwings"} <= names(platform)
    assert names("emscripten") == names("linux") - {"polars", "fastexcel", "isal"}


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


def test_lite_senza_pacchetto_si_ferma_e_dice_cosa_indicare(tmp_path):
    path = tmp_path / "lite.xlsx"
    result = CliRunner().invoke(main, ["modello", "--lite", "-o", str(path), "--righe", "5"])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "manca --pacchetto" in message and "indirizzo del file .whl" in message
    assert "--pacchetto https://" in message and "Traceback" not in result.output
    assert not path.exists()


@pytest.mark.parametrize("package", [r"C:\Registri\registro-0.1.0-py3-none-any.whl",
                                     r"\\server\cpi\registro-0.1.0-py3-none-any.whl",
                                     "dist/registro-0.1.0-py3-none-any.whl", "registro-0.1.0-py3-none-any.whl"])
def test_lite_con_un_file_del_pc_come_pacchetto_si_ferma(tmp_path, package):
    path = tmp_path / "lite.xlsx"
    result = CliRunner().invoke(main, ["modello", "--lite", "-o", str(path), "--righe", "5", "--pacchetto", package])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert f"--pacchetto '{package}' è un file di questo PC" in message and not path.exists()
