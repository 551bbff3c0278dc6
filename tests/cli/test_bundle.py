"""The offline bundles (scripts/bundle.py) and the binary wheels of every dependency on the users'
platforms. These tests download from the package index (PyPI, with pip's settings): they skip without
it on a laptop and fail in CI (CI=true), so that a new dependency without Windows or macOS wheels, or
a bundle that no longer installs offline, fails CI. Wheels are kept in build/bundle/ between runs."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
BUNDLE = runpy.run_path(str(ROOT / "scripts/bundle.py"))
VERSIONS = BUNDLE["VERSIONS"]
from importlib.metadata import version as _version

PROJECT_VERSION = _version("registro")  # the version pyproject.toml gives, as installed


def _require_index() -> None:
    try:
        urllib.request.urlopen("https://pypi.org/simple/click/", timeout=20).close()
    except OSError as exc:
        message = f"indice dei pacchetti (PyPI) non raggiungibile: {exc}"
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(message + " (CI=true: the bundle tests must not be skipped)")
        pytest.skip(message)


def _build(target: str, folder: Path) -> Path:
    _require_index()
    done = subprocess.run([sys.executable, str(ROOT / "scripts/bundle.py"), f"--{target}", "--cartella", str(folder)],
                          capture_output=True, text=True, timeout=3600)
    assert done.returncode == 0, done.stdout + done.stderr
    (path,) = folder.glob(f"registro-*-{target}.zip")
    return path


@pytest.fixture(scope="session")
def windows_zip(tmp_path_factory) -> Path:
    return _build("windows", tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def linux_zip(tmp_path_factory) -> Path:
    return _build("linux", tmp_path_factory.mktemp("dist"))


def _extract(path: Path, folder: Path) -> Path:
    with zipfile.ZipFile(path) as z:
        z.extractall(folder)
    (top,) = folder.iterdir()
    return top


def test_le_dipendenze_solo_windows_sono_aggiunte_anche_se_pip_gira_su_linux():
    """pip evaluates markers on the machine it runs on: the closure evaluates them on the target."""
    def item(name, *requires):
        return {"metadata": {"name": name, "requires_dist": list(requires)}}

    items = {"registro": item("registro", "xlwings>=0.33", "polars>=1.30; sys_platform != 'emscripten'"),
             "xlwings": item("xlwings", 'pywin32>=224; platform_system == "Windows"',
                             'appscript>=1.0.1; platform_system == "Darwin"', 'jinja2; extra == "reports"'),
             "polars": item("polars", 'pyarrow; extra == "pyarrow"')}
    windows = BUNDLE["TARGETS"]["windows"].environment("3.12")
    needed, missing = BUNDLE["_closure"](items, "registro", windows)
    assert needed == {"registro", "xlwings", "polars"} and missing == {"pywin32": "pywin32>=224"}
    mac = BUNDLE["TARGETS"]["macos-arm64"].environment("3.13")
    assert BUNDLE["_closure"](items, "registro", mac)[1] == {"appscript": "appscript>=1.0.1"}


@pytest.mark.lento
def test_il_pacchetto_windows_si_installa_senza_rete_per_ogni_python(windows_zip, tmp_path):
    assert windows_zip.name == f"registro-{PROJECT_VERSION}-windows.zip"
    top = _extract(windows_zip, tmp_path)
    wheels = sorted(p.name for p in (top / "pacchetti").iterdir())
    assert all(name.endswith(".whl") for name in wheels) and f"registro-{PROJECT_VERSION}-py3-none-any.whl" in wheels
    assert all(name.endswith(("-none-any.whl", "-win_amd64.whl")) for name in wheels), wheels
    for version in VERSIONS:  # xlwings needs pywin32 on Windows: a marker pip skips on Linux
        tag = "cp" + version.replace(".", "")
        assert any(n.startswith("pywin32-") and f"-{tag}-" in n for n in wheels), (version, wheels)
        BUNDLE["check_offline"](str(top / "pacchetti"), BUNDLE["TARGETS"]["windows"], version)
    assert (top / "registro.xlsx").read_bytes() == (ROOT / "templates/registro.xlsx").read_bytes()
    assert (top / "esempi/registro_esempio.csv").is_file()
    bat = (top / "installa.bat").read_bytes()
    assert b"\r\n" in bat and b"\n" not in bat.replace(b"\r\n", b"") and bat.isascii()
    text = bat.decode("ascii")
    assert "py -%%V" in text and "for %%V in (3.13 3.12 3.11)" in text
    assert '-m pip install --user --no-index --find-links "%~dp0pacchetti"' in text
    assert r"-m registro mese C:\Registri\2026-10 -o C:\Registri\uscita" in text


@pytest.mark.lento
def test_ogni_dipendenza_ha_pacchetti_binari_per_windows_e_macos():
    _require_index()
    results = BUNDLE["verify"](VERSIONS)
    assert {(target, version) for target, version, _ in results} == {
        (target, version) for target in ("windows", "macos-arm64", "macos-x86_64") for version in VERSIONS}
    failed = [(target, version, str(outcome)) for target, version, outcome in results if not isinstance(outcome, int)]
    assert not failed


@pytest.mark.lento
def test_il_pacchetto_linux_si_installa_senza_rete_e_esegue_l_esempio(linux_zip, tmp_path):
    top = _extract(linux_zip, tmp_path)
    wheels = [p.name for p in (top / "pacchetti").iterdir()]
    assert all(n.endswith("-none-any.whl") or "manylinux" in n for n in wheels), wheels
    venv = tmp_path / "ambiente"
    # The venv module of this test's own interpreter; no index, no network: --no-index in installa.sh.
    env = {**os.environ, "PYTHON": sys.executable, "PIP_NO_INDEX": "1"}
    done = subprocess.run(["sh", str(top / "installa.sh"), str(venv)], capture_output=True, text=True, env=env,
                          timeout=1800)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "registro è installato" in done.stdout
    registro = venv / "bin" / "registro"
    files = top / "esempi"
    done = subprocess.run([str(registro), "archivio", "aggiungi", str(files / "storico_settembre.csv"), "--mese",
                           "2026-09", "--oggi", "2026-11-01", "--archivio", str(tmp_path / "uscita/archivio")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "registro", "mese", str(files / "registro_esempio.csv"),
                           "--archivio", str(tmp_path / "uscita/archivio"), "--mese", "2026-10", "--oggi", "2026-11-01",
                           "-o", str(tmp_path / "uscita")], capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stdout + done.stderr  # the example's errors, on purpose
    for name in ("rapporto.xlsx", "riepilogo.xlsx", "ja.csv", "scarti.xlsx"):
        assert (tmp_path / "uscita" / name).is_file(), name
    installed = subprocess.run([str(venv / "bin" / "python"), "-c", "import registro, os; print(registro.__file__)"],
                               capture_output=True, text=True).stdout
    assert str(venv) in installed  # the bundle's wheel, not this checkout
