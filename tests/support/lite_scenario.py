"""The xlwings Lite buttons and the polars-free Book helpers on JSON Books; prints one JSON line.

Run as a script both inside Pyodide (tests/support/pyodide.py) and by CPython, so that the two
runtimes can be compared: it uses only the installed packages (xlwings, registro), not the tests.
"""

import json
import os
import sys
import types
from importlib import metadata
from importlib.resources import files

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import xlwings as xw  # noqa: E402

BUTTONS = ("controlla_tutto", "controlla_registro", "calcola_totali", "prepara_export_ja")
VALUES = [
    ["Data", "Sede", "Operatore", "Esito"],
    ["2026-10-01T00:00:00.000Z", "Ancona", "Rossi", None],
    ["2026-10-02T00:00:00.000Z", "Pesaro", "Bianchi", "vecchio esito"],
]


def book(sheets: dict) -> xw.Book:
    return xw.Book(json={
        "client": "Office.js",  # the client xlwings Lite sends
        "version": xw.__version__,
        "book": {"name": "registro.xlsx", "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": [{"name": n, "values": v, "tables": [], "pictures": []} for n, v in sheets.items()],
    })


def fresh() -> xw.Book:
    return book({"Registro": VALUES, "Comandi": [["Comandi"]]})


def installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def helpers_round_trip() -> dict:
    """The Book helpers of xl_addin.workbook that need no polars: what they read and write."""
    from registro.xl_addin import workbook

    b = fresh()
    sheet = workbook.find_sheet(b, "registro")
    values = workbook.sheet_values(sheet)
    col = workbook.esito_column(values, 1)
    workbook.write_column(sheet, 1, col, ["Esito", "OK", "ERRORE: prova"])
    sheet.range((2, 2)).color = workbook.SEVERITY_COLOUR["errore"]
    out = workbook.replace_sheet(b, "Verifica", after=sheet)
    workbook.write_table(out, [["Riga", "Messaggio"], [2, "prova"], [3]])
    out.range((2, 1)).add_hyperlink("#'Registro'!B2", text_to_display="2")
    return {"sheet": sheet.name, "values": values, "esito_column": col,
            "folder": str(workbook.book_folder(b)), "actions": b.json()["actions"]}


def buttons() -> dict:
    """Each main.py button on a fresh Book: the actions it sends back to Excel."""
    # the workbook's main.py (given by the Pyodide test: it lives in the workbook, not in the package)
    code = globals().get("MAIN_PY") or files("registro.xl_addin").joinpath("data/lite_main.py").read_text(encoding="utf-8")
    namespace: dict = {"__name__": "main"}
    exec(compile(code, "main.py", "exec"), namespace)
    out = {}
    for name in BUTTONS:
        b = fresh()
        namespace[name](b)
        out[name] = b.json()["actions"]
    return out


result = {
    "platform": sys.platform,
    "python": sys.version.split()[0],
    "install_error": globals().get("INSTALL_ERROR"),  # set by the Pyodide runner
    "installed": {name: installed(name) for name in ("registro", "polars", "fastexcel", "pandera", "xlwings", "pyyaml")},
    "buttons": buttons(),
}
if result["installed"]["registro"]:
    result["helpers"] = helpers_round_trip()
if result["installed"]["registro"] and result["installed"]["polars"] is None:
    # A Pyodide whose polars is older than the engine's minimum (as in some Pyodide releases).
    sys.modules["polars"] = types.SimpleNamespace(__version__="1.18.0")
    result["buttons_old_polars"] = buttons()
    del sys.modules["polars"]
print("RESULT " + json.dumps(result, ensure_ascii=False, default=str))
