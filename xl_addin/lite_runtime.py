"""What the xlwings Lite buttons need in the browser's Python (Pyodide), checked before each action.

In Pyodide the registro package installs without polars and fastexcel (see the environment
markers in pyproject.toml): fastexcel has no Pyodide build and polars only in some Pyodide
releases. Without a polars at least as recent as the engine's minimum, every button shows an
Italian alert naming what is missing and the alternatives, never a traceback. This module imports
nothing that needs polars.
"""

from __future__ import annotations

import re
from importlib import metadata

TITLE = "registro"
ALTERNATIVES = (
    "In alternativa usare il componente aggiuntivo classico (registro.xlam, Excel per Windows o Mac) "
    "o la riga di comando (registro valida, registro totali, registro esporta)."
)
FALLBACK_MINIMUM = "1.30"  # used only if the package metadata cannot be read


def polars_minimum() -> str:
    """The lowest polars the engine accepts, as declared in the registro package's metadata."""
    try:
        requires = metadata.requires("registro") or []
    except metadata.PackageNotFoundError:
        return FALLBACK_MINIMUM
    for line in requires:
        match = re.match(r"polars\s*>=\s*([0-9][0-9.]*)", line)
        if match:
            return match.group(1)
    return FALLBACK_MINIMUM


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def missing() -> str | None:
    """An Italian message naming what this Python lacks for the registro actions, or None."""
    minimum = polars_minimum()
    need = f"serve polars {minimum} o successivo nella distribuzione Pyodide di xlwings Lite."
    try:
        import polars
    except ImportError:
        return f"Questa versione di xlwings Lite non dispone di polars: {need} {ALTERNATIVES}"
    except Exception as exc:  # noqa: BLE001 - a wasm build that fails to load raises its own errors
        return f"polars è installato ma non si avvia in questo ambiente ({type(exc).__name__}): {need} {ALTERNATIVES}"
    found = getattr(polars, "__version__", "0")
    if _version(found) < _version(minimum):
        return f"In questa versione di xlwings Lite c'è polars {found}, troppo vecchio: {need} {ALTERNATIVES}"
    return None


def run(book, action: str):
    """Run xl_addin.actions.<action>(book), or show an alert saying why it cannot run here."""
    problem = missing()
    if problem:
        book.app.alert(problem, title=TITLE, mode="critical")
        return {"errore": problem}
    from registro import user_message

    try:
        from registro.xl_addin import actions

        return getattr(actions, action)(book)
    except Exception as exc:  # noqa: BLE001 - in Excel every failure must become a readable alert
        book.app.alert(user_message(exc), title=TITLE, mode="critical")
        return {"errore": user_message(exc)}
