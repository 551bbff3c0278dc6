"""The README's two commands, scripts/esempio.py and scripts/test.py: Python only, the same on
Windows, macOS and Linux (tests/export runs the example's registro commands themselves)."""

from __future__ import annotations

import ast
import os
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_l_ambiente_usa_i_percorsi_del_suo_sistema(monkeypatch):
    prepara = runpy.run_path(str(ROOT / "scripts/prepara.py"))
    venv_python = prepara["venv_python"]
    assert venv_python("/p/.venv") == os.path.join("/p/.venv", "bin", "python")
    monkeypatch.setattr(prepara["os"], "name", "nt")
    assert venv_python("/p/.venv") == os.path.join("/p/.venv", "Scripts", "python.exe")


def test_gli_script_non_chiamano_la_shell():
    for name in ("prepara.py", "test.py", "esempio.py", "bundle.py"):
        tree = ast.parse((ROOT / "scripts" / name).read_text(encoding="utf-8"))
        docs = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
        for node in ast.walk(tree):
            if id(node) in docs:
                continue
            if isinstance(node, ast.keyword):
                assert not (node.arg == "shell" and getattr(node.value, "value", False)), name
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and name != "bundle.py":
                # (bundle.py writes the Linux bundle's installa.sh, whose paths are Linux's own)
                assert "bin/" not in node.value and "bash" not in node.value, (name, node.value)


def test_test_py_senza_test_che_corrispondono_al_filtro_esce_con_zero():
    done = subprocess.run([sys.executable, "scripts/test.py", "tests/cli/test_scripts.py", "-k", "nessun_test_ha_questo_nome",
                           "-q", "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Nessun test corrisponde ai filtri indicati." in done.stdout


def test_test_py_passa_a_pytest_il_suo_codice_d_uscita():
    done = subprocess.run([sys.executable, "scripts/test.py", "tests/cli/test_scripts.py::non_esiste", "-q",
                           "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 4, done.stdout + done.stderr  # pytest's usage error: not found
