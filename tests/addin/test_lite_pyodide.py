"""The xlwings Lite path in the real Pyodide runtime (Node + the npm `pyodide` package).

The registro wheel built from this tree is installed with micropip from local files only (its
dependencies as PyPI ships them for Pyodide's platform), then the Lite buttons and the Book helpers
run on JSON Books, as xlwings Lite does in Excel. No Pyodide build of polars can be downloaded on
the project's machines, so here the buttons must show the Italian alert; the Book helpers that need
no polars must give the same actions as in CPython.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support.lite_scenario import BUTTONS
from tests.support.pyodide import Runtime, emscripten_requirements, require_pyodide
from registro.xl_addin.build.lite import main_py, requirements
from registro.xl_addin.lite_runtime import ALTERNATIVES, polars_minimum

pytestmark = pytest.mark.pyodide

SCENARIO = __import__("tests.support.lite_scenario", fromlist=["x"]).__file__


def _result(output: str) -> dict:
    lines = [line for line in output.splitlines() if line.startswith("RESULT ")]
    assert lines, output[-3000:]
    return json.loads(lines[-1][len("RESULT "):])


@pytest.fixture(scope="module")
def runtime() -> Runtime:
    return require_pyodide()


def _scenario(runtime, requirements, **options) -> dict:
    with open(SCENARIO, encoding="utf-8") as f:
        done = runtime.run_script(f"MAIN_PY = {main_py()!r}\n" + f.read(), requirements, **options)
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return _result(done.stdout)


@pytest.fixture(scope="module")
def in_pyodide(runtime) -> dict:
    """The registro package alone, in a Pyodide that ships no polars (like 0.28 and 0.29)."""
    return _scenario(runtime, ["registro"], without=("polars",))


@pytest.fixture(scope="module")
def in_cpython() -> dict:
    done = subprocess.run([sys.executable, SCENARIO], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return _result(done.stdout)


def test_in_pyodide_si_installano_i_requisiti_senza_fastexcel_ne_polars(runtime, in_pyodide):
    assert in_pyodide["platform"] == "emscripten" and in_pyodide["python"] == runtime.python
    assert in_pyodide["install_error"] is None
    installed = in_pyodide["installed"]
    assert installed["registro"] and installed["pandera"] and installed["xlwings"] and installed["pyyaml"]
    assert installed["fastexcel"] is None and installed["polars"] is None


def test_senza_polars_in_pyodide_i_requisiti_della_cartella_non_si_installano_e_il_pulsante_lo_dice(runtime):
    reqs = requirements("registro").split()  # the workbook's requirements.txt, registro served locally
    result = _scenario(runtime, reqs, preinstalled=("xlwings",), without=("polars",))
    assert "polars" in result["install_error"]
    assert result["installed"]["registro"] is None  # micropip installs all the lines or none
    for name in BUTTONS:
        (action,) = result["buttons"][name]
        assert action["func"] == "alert" and action["args"][0].startswith("Il pacchetto registro non è installato")
        assert "polars" in action["args"][0] and "riga di comando" in action["args"][0]


def test_i_marcatori_lasciano_fastexcel_e_polars_solo_fuori_da_pyodide(runtime):
    names = {r.name.lower() for r in emscripten_requirements(runtime.project_wheel, runtime.python)}
    assert "fastexcel" not in names and "polars" not in names
    assert {"pandera", "xlwings", "python-stdnum", "pyyaml"} <= names


def test_senza_polars_ogni_pulsante_mostra_un_avviso_in_italiano(in_pyodide):
    for name in BUTTONS:
        (action,) = in_pyodide["buttons"][name]  # the alert and nothing else: no sheet touched
        assert action["func"] == "alert"
        message, title = action["args"][0], action["args"][1]
        assert title == "registro"
        assert "non dispone di polars" in message and f"polars {polars_minimum()} o successivo" in message
        assert ALTERNATIVES in message and "Traceback" not in message


def test_con_polars_troppo_vecchio_il_pulsante_dice_quale_versione_serve(in_pyodide):
    for name in BUTTONS:
        (action,) = in_pyodide["buttons_old_polars"][name]
        assert action["func"] == "alert"
        assert "polars 1.18.0, troppo vecchio" in action["args"][0] and ALTERNATIVES in action["args"][0]


def test_le_funzioni_del_libro_danno_in_pyodide_le_stesse_azioni_di_cpython(in_pyodide, in_cpython):
    assert in_cpython["platform"] != "emscripten"
    assert in_pyodide["helpers"] == in_cpython["helpers"]
    funcs = [a["func"] for a in in_pyodide["helpers"]["actions"]]
    assert {"setValues", "setRangeColor", "addSheet", "addHyperlink"} <= set(funcs)
    assert in_pyodide["helpers"]["folder"] == "None"  # no file system for the workbook: results go to sheets


@pytest.mark.parametrize("tool", ["node", "npm"])
def test_senza_node_il_test_pyodide_si_salta_in_locale_e_fallisce_in_ci(monkeypatch, tool):
    import shutil

    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if name == tool else real(name))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=tool):
        require_pyodide()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_pyodide()
