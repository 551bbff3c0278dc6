"""The classic add-in file: xlwings' ribbon template with Italian labels and the VBA untouched."""

from __future__ import annotations

import zipfile

from click.testing import CliRunner
from defusedxml import ElementTree

from registro.cli import main
from registro.xl_addin.build.xlam import ADDIN_NAME, CUSTOM_UI, VBA_PROJECT, template_path

NS = {"ui": "http://schemas.microsoft.com/office/2006/01/customui"}


def test_registro_addin_crea_scrive_xl_addin_xlam_con_etichette_italiane(tmp_path):
    result = CliRunner().invoke(main, ["addin", "crea", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = tmp_path / ADDIN_NAME
    with zipfile.ZipFile(path) as z:
        ui = ElementTree.fromstring(z.read(CUSTOM_UI))
    tab = ui.find(".//ui:tab", NS)
    button = ui.find(".//ui:button", NS)
    assert tab.get("label") == "Registro CPI"
    assert button.get("label") == "Controlla, totali ed export JA"
    assert button.get("onAction") == "RibbonMyAddin.RunMain"  # xlwings' macro: runs <file name>.main()


def test_il_progetto_vba_e_identico_a_quello_di_xlwings(tmp_path):
    CliRunner().invoke(main, ["addin", "crea", "-o", str(tmp_path)])
    with zipfile.ZipFile(template_path()) as original, zipfile.ZipFile(tmp_path / ADDIN_NAME) as built:
        assert built.read(VBA_PROJECT) == original.read(VBA_PROJECT)
        assert sorted(built.namelist()) == sorted(original.namelist())
        for name in original.namelist():
            if name != CUSTOM_UI:
                assert built.read(name) == original.read(name), name


def test_il_nome_del_file_da_il_modulo_python_chiamato_dal_pulsante():
    import registro as module

    assert ADDIN_NAME.rsplit(".", 1)[0] == module.__name__
    assert callable(module.main)
