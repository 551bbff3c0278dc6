"""The architecture of docs/sviluppo/architecture.md, checked on every import of the package's code.

Every module of the package (the root `__init__`, cli.py, commands/, validators/, xl_addin/) is
parsed once; each import becomes the module it loads: `from registro.validators import api` is
the module registro.validators.api, relative imports are resolved, imports inside functions count
(only the cycle check leaves them out: they run after every module is loaded). The rules:

- a stage of validators/ imports only its own and earlier stages, and never the API's clients;
- totals, export and archive never import one another (each receives a Checked);
- the command line (cli.py, commands/) and the add-in (xl_addin/ but its builders, build/) use only
  the public API (`from registro import X`, X in registro.__all__) and the renderers;
- no import cycle among the modules as they load.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import registro

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "registro"
FOLDERS = ("commands", "validators", "xl_addin")  # beside __init__.py, __main__.py and cli.py at the root

# Stage of each top-level part of validators/ (docs/sviluppo/architecture.md): a module may import its own
# stage and earlier ones. Parts not listed (new ones) count as the last stage: nothing earlier may
# import them.
STAGES = {
    "text": 0, "errors": 0, "yamlfile": 0, "output": 0, "parallel": 0, "ooxml": 0, "report": 0,
    "options": 0, "rules": 0, "messages": 0, "output_names": 0, "output_set": 0,
    "catalogue": 1,
    "read": 2,
    "check": 3,
    "totals": 4, "export": 4, "archive": 4,
    "render": 5,
    "api": 6,
}
LAST = max(STAGES.values())
ENGINE = f"{PACKAGE}.validators"


@dataclass(frozen=True)
class Import:
    target: str  # the module of ours that the statement loads
    names: tuple[str, ...]  # what `from target import ...` takes ((): a plain import)
    line: int
    at_load: bool  # runs when the module is imported (not inside a function, not for type checkers only)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join((PACKAGE, *(parts[:-1] if parts[-1] == "__init__" else parts)))


@cache
def modules() -> dict[str, Path]:
    """Every module of the package, by its import name."""
    paths = [ROOT / "__init__.py", ROOT / "__main__.py", ROOT / "cli.py"]
    paths += [p for folder in FOLDERS for p in sorted((ROOT / folder).rglob("*.py"))]
    return {_module_name(p): p for p in paths}


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module name of a `from ... import` (relative ones from the module's package)."""
    if node.level == 0:
        return node.module or ""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
    return f"{base}.{node.module}" if node.module else base


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


@cache
def imports(module: str) -> tuple[Import, ...]:
    """The imports of our modules in one module, wherever they are written."""
    path = modules()[module]
    known = modules()
    found: list[Import] = []

    def visit(node: ast.AST, at_load: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) or _type_checking(node):
            at_load = False
        if isinstance(node, ast.Import):
            found.extend(Import(a.name, (), node.lineno, at_load) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, path, node)
            names = tuple(a.name for a in node.names)
            submodules = [n for n in names if f"{base}.{n}" in known]  # `from package import module`
            found.extend(Import(f"{base}.{n}", (), node.lineno, at_load) for n in submodules)
            if len(submodules) < len(names):
                found.append(Import(base, tuple(n for n in names if n not in submodules), node.lineno, at_load))
        for child in ast.iter_child_nodes(node):
            visit(child, at_load)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)), True)
    return tuple(i for i in found if i.target == PACKAGE or i.target.startswith(PACKAGE + "."))


def _where(module: str, imp: Import) -> str:
    return f"{modules()[module].relative_to(ROOT)}:{imp.line} importa {imp.target}"


def _part(module: str) -> str | None:
    """The part of validators/ a module belongs to: registro.validators.read.register -> read."""
    if not module.startswith(ENGINE + "."):
        return None
    return module.removeprefix(ENGINE + ".").split(".")[0]


def test_le_importazioni_sono_viste_in_ogni_forma():
    """The parser itself: `from package import module`, relative imports, imports inside functions."""
    api = {i.target for i in imports("registro.validators.api")}
    assert {"registro.validators.check.checked", "registro.validators.render.annotated"} <= api
    catalogo = {i.target for i in imports("registro.commands.catalogo")}
    assert "registro.validators.render.catalogue" in catalogo  # from registro.validators.render import catalogue
    assert "registro.cli" in {i.target for i in imports("registro.__main__")}
    assert len(modules()) > 60 and {"registro", "registro.cli", "registro.commands.shared"} <= set(modules())


def _backwards(module: str, imp: Import) -> bool:
    """Whether an import of a module of validators/ goes against the data flow: to a later stage,
    or out of the engine (the root package, the command line, the add-in)."""
    target = _part(imp.target)
    return target is None or STAGES.get(target, LAST) > STAGES.get(_part(module), LAST)


def test_ogni_stadio_importa_solo_gli_stadi_precedenti():
    wrong = [_where(module, imp) for module in modules() if _part(module) is not None
             for imp in imports(module) if _backwards(module, imp)]
    assert wrong == []


def test_read_non_importa_nulla_di_check_ne_degli_stadi_successivi():
    """No exception: the rule registry and the messages are the base layer, not check/'s."""
    read = f"{ENGINE}.read.register"

    def backwards(target: str) -> bool:
        return _backwards(read, Import(target, (), 1, False))

    assert backwards(f"{ENGINE}.check.rules.context") and backwards(f"{ENGINE}.check.engine")
    assert all(backwards(f"{ENGINE}.{later}") for later in ("totals", "export.plan", "archive.store", "render.outcome",
                                                            "api"))
    assert backwards("registro.cli") and backwards("registro")
    assert not backwards(f"{ENGINE}.rules") and not backwards(f"{ENGINE}.messages")
    assert not backwards(f"{ENGINE}.catalogue.load") and not backwards(f"{ENGINE}.read.guard")
    assert {_part(i.target) for m in modules() if _part(m) == "read" for i in imports(m)} <= {
        part for part, stage in STAGES.items() if stage <= STAGES["read"]}


def test_totali_export_e_archivio_non_si_importano_a_vicenda():
    peers = {"totals", "export", "archive"}
    wrong = [_where(m, i) for m in modules() for i in imports(m)
             if _part(m) in peers and _part(i.target) in peers - {_part(m)}]
    assert wrong == []


def _client(module: str) -> str | None:
    """'cli' for the command line, 'xl_addin' for the add-in (its builders are the API's), else None."""
    if module in ("registro.cli", "registro.__main__") or module.startswith("registro.commands"):
        return "cli"
    if (module == "registro.xl_addin" or module.startswith("registro.xl_addin.")) and \
            not module.startswith("registro.xl_addin.build"):
        return "xl_addin"
    return None


def test_riga_di_comando_e_componente_usano_solo_l_api_pubblica_e_i_renderer():
    public = set(registro.__all__)
    wrong = []
    for module in modules():
        side = _client(module)
        if side is None:
            continue
        for imp in imports(module):
            if imp.target == PACKAGE:
                wrong += [f"{_where(module, imp)}.{n} (non è nell'API)" for n in imp.names if n not in public]
            elif not (imp.target.startswith(f"{ENGINE}.render.") or _client(imp.target) == side
                      or (module == "registro.__main__" and imp.target == "registro.cli")):
                wrong.append(_where(module, imp))
    assert wrong == []


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module, or a module importing itself (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in edges.get(v, ()):
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return found


def test_nessun_ciclo_di_importazioni():
    edges = {m: {i.target for i in imports(m) if i.at_load and i.target in modules()} for m in modules()}
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"c"}, "d": {"a"}}) == [["a", "b"], ["c"]]  # the finder finds
    assert _cycles(edges) == []


def test_nessun_modulo_importa_i_vecchi_nomi_di_primo_livello():
    """Everything is imported as registro.*: a bare `validators`, `xl_addin` or `cli` would be another
    distribution's module once installed (PyPI has a `validators`)."""
    old = {"validators", "xl_addin", "cli", "commands"}
    wrong = []
    for folder in (*FOLDERS, "tests", "benchmarks", "scripts"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
                names = ([node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
                         else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
                wrong += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in old]
    assert wrong == []


def test_il_catalogo_non_importa_altro_che_le_utilita_comuni():
    for module in modules():
        if _part(module) == "catalogue":
            assert {_part(i.target) for i in imports(module)} <= {"catalogue", "text", "errors", "yamlfile"}, module
