"""The public API, `registro`: its list, its examples (docs/sviluppo/api.md), its errors, and how little it loads."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest

import registro
from registro.cli import main

ROOT = Path(__file__).resolve().parents[1]
API_DOC = ROOT / "docs" / "sviluppo" / "api.md"


def _blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, re.S | re.M)


def test_gli_esempi_di_docs_api_funzionano_sull_esempio_incluso(tmp_path):
    """Every python block of docs/sviluppo/api.md, in order, as one script run by a fresh interpreter (as a user
    would) in an empty folder holding a copy of esempi/."""
    blocks = _blocks(API_DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 8
    shutil.copytree(ROOT / "esempi", tmp_path / "esempi")
    script = tmp_path / "api_md.py"
    script.write_text("".join(f"# docs/sviluppo/api.md, block {n}\n{block}\n" for n, block in enumerate(blocks, start=1)),
                      encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "4 Codice servizio sequenza.ripetuto avviso"  # as the page says
    assert (tmp_path / "uscita" / "ja.csv").exists() and (tmp_path / "registro.xlam").exists()


def test_ogni_nome_dell_api_esiste_ed_e_descritto_nel_docstring():
    doc = registro.__doc__
    for name in registro.__all__:
        assert getattr(registro, name) is not None, name
        assert re.search(rf"\b{name}\b", doc), f"{name} manca nel docstring di registro"
    assert len(registro.__all__) == len(set(registro.__all__))
    with pytest.raises(AttributeError):
        registro.validate  # noqa: B018 - the path-based tier is gone


def test_ogni_funzione_pubblica_di_api_py_e_nell_api():
    """One tier: a public function of validators/api.py that `registro` does not offer is an entry point
    nobody documents."""
    tree = ast.parse((ROOT / "validators" / "api.py").read_text(encoding="utf-8"))
    public = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and not n.name.startswith("_")}
    assert public - set(registro.__all__) == set()


def _loaded(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running code."""
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_import_registro_e_l_aiuto_non_caricano_polars_ne_il_motore():
    for code in ("import registro",
                 "import registro; registro.CheckOptions(month='2026-10'); registro.DEFAULT_WORKDAY_MINUTES",
                 "import sys; sys.argv = ['registro', '--help']\nfrom registro.cli import main\n"
                 "try:\n    main()\nexcept SystemExit:\n    pass"):
        loaded = _loaded(code)
        assert not {"polars", "pandera", "openpyxl", "registro.validators.api"} & loaded, code


def test_python_m_registro_funziona_come_registro():
    out = subprocess.run([sys.executable, "-m", "registro", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and out.stdout.startswith("Uso: python -m registro [OPZIONI] COMANDO")


def test_ogni_cartella_di_codice_e_un_pacchetto_installato():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    folders = {"registro." + ".".join(p.parent.relative_to(ROOT).parts)
               for folder in ("commands", "validators", "xl_addin") for p in (ROOT / folder).rglob("__init__.py")}
    assert folders | {"registro"} == listed


# ---------------------------------------------------------------------------------------------
# Errors speak of the data; the command line names its flags


def _strings(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _raised_texts():
    """(file:line, text) of every string in a `raise` or in a function that builds an error, outside the CLI."""
    for folder in ("validators", "xl_addin"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for node in ast.walk(tree):
                built = (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                         and node.func.id.endswith(("Error", "Problem")))
                if isinstance(node, ast.Raise) or built:
                    for text in _strings(node):
                        yield f"{path.relative_to(ROOT)}:{node.lineno}", text


def test_gli_errori_dell_api_non_nominano_opzioni_della_riga_di_comando():
    flags = [(where, text) for where, text in _raised_texts() if re.search(r"(^|[\s(])--?[a-z]", text)]
    assert flags == []


def _params_named_by_errors() -> set[str]:
    named = set()
    for folder in ("validators", "xl_addin"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.keyword) and node.arg == "params":
                    named |= set(_strings(node.value))
    return named


def test_ogni_parametro_nominato_da_un_errore_ha_la_sua_opzione_nella_riga_di_comando():
    def options(command):
        yield from (p.name for p in command.params if isinstance(p, click.Option))
        for sub in getattr(command, "commands", {}).values():
            yield from options(sub)

    named = _params_named_by_errors()
    assert {"exclude", "key", "archive", "since", "until", "fte_hours", "folder"} <= named
    assert named <= set(options(main))


def test_un_errore_su_un_parametro_nomina_il_parametro_dell_api_e_la_riga_di_comando_l_opzione(tmp_path):
    from click.testing import CliRunner

    from tests.support.registri import riga, write_csv

    register = write_csv(tmp_path / "r.csv", [riga()])
    with pytest.raises(registro.UsageError) as error:
        registro.check([register], registro.CheckOptions(exclude=["nessuna.regola"]))
    assert error.value.params == ("exclude",) and "in 'exclude':" in str(error.value)
    printed = CliRunner().invoke(main, ["valida", str(register), "--escludi", "nessuna.regola"])
    assert printed.exit_code == 2
    assert "Errore: regola sconosciuta in --escludi: nessuna.regola (vedere 'registro regole')." in printed.output

    with pytest.raises(registro.ArchiveError) as error:
        registro.open_archive(tmp_path / "nessuno")
    assert "'archive'" in str(error.value) and "--" not in str(error.value)
    printed = CliRunner().invoke(main, ["archivio", "stato", "--archivio", str(tmp_path / "nessuno")])
    assert printed.exit_code == 2 and "indicare con --archivio la cartella giusta" in printed.output

    (tmp_path / "uscita").mkdir()
    printed = CliRunner().invoke(main, ["mese", str(tmp_path), "-o", str(tmp_path)])
    assert printed.exit_code == 2 and "indicare con --uscita un'altra cartella" in " ".join(printed.output.split())


def test_un_percorso_da_solo_e_un_registro_e_una_regola_da_sola_e_una_regola(tmp_path):
    from tests.support.registri import riga, write_csv

    register = write_csv(tmp_path / "r.csv", [riga()])
    options = registro.CheckOptions(history=str(register), exclude="durata.fuori_intervallo")
    assert options.history == (str(register),) and options.exclude == ("durata.fuori_intervallo",)
    assert registro.check(str(register)).report.rows == registro.check([register]).report.rows == 1
