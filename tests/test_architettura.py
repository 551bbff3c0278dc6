"""The data flow of docs/architecture.md is one way: a stage of validators/ imports only earlier stages."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Stage of each top-level part of validators/ (docs/architecture.md): a module may import its own
# stage and earlier ones. Parts not listed (new ones) count as the last stage: nothing earlier may
# import them.
STAGES = {
    "text": 0, "errors": 0, "yamlfile": 0, "output": 0, "parallel": 0, "xlsx": 0, "report": 0, "package": 0,
    "catalogue": 1,
    "read": 2,
    "check": 3,
    "totals": 4, "export": 4, "archive": 4,
    "render": 5,
    "api": 6,
}
LAST = max(STAGES.values())
# read/ takes the Italian messages of the three file-level rules from the rule registry (pure data).
ALLOWED_BACKWARDS = {("read", "check.rules.registry")}


PREFIX = "registro.validators."


def _part(module: str) -> str:
    """The stage of an imported module: registro.validators.read.register -> read."""
    return module.removeprefix(PREFIX).split(".")[0]


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m.startswith(PREFIX)}


def test_ogni_stadio_importa_solo_gli_stadi_precedenti():
    wrong = []
    modules = sorted((ROOT / "validators").rglob("*.py"))
    assert len(modules) > 20
    for path in modules:
        relative = path.relative_to(ROOT / "validators").with_suffix("")
        if relative.parts == ("__init__",):
            continue
        own = relative.parts[0]
        for imported in _imports(path):
            target = _part(imported)
            inner = imported.removeprefix(PREFIX)
            if STAGES.get(target, LAST) > STAGES.get(own, LAST) and (own, inner) not in ALLOWED_BACKWARDS:
                wrong.append(f"validators/{relative}.py importa {imported}")
    assert wrong == []


def test_nessun_modulo_importa_i_vecchi_nomi_di_primo_livello():
    """Everything is imported as registro.*: a bare `validators`, `xl_addin` or `cli` would be another
    distribution's module once installed (PyPI has a `validators`)."""
    old = {"validators", "xl_addin", "cli", "commands"}
    wrong = []
    for folder in ("validators", "xl_addin", "tests", "benchmarks", "scripts"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
                names = ([node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
                         else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
                wrong += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in old]
    assert wrong == []


def test_il_catalogo_non_importa_altro_che_le_utilita_comuni():
    for path in (ROOT / "validators" / "catalogue").rglob("*.py"):
        assert {_part(m) for m in _imports(path)} <= {"catalogue", "text", "errors", "yamlfile"}, path
