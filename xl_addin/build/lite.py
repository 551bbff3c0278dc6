"""xlwings Lite: put main.py and requirements.txt inside a workbook saved by openpyxl.

xlwings Lite keeps a workbook's Python code in its web-extension part
(xl/webextensions/webextension1.xml, store add-in WA200008175) as JSON-encoded properties.
openpyxl drops those parts when it saves, so they are added afterwards, straight into the zip.
"""

from __future__ import annotations

import json
import uuid
import zipfile
from importlib.resources import files
from pathlib import Path
from xml.sax.saxutils import escape

from registro.validators.ooxml.zipfiles import rewrite_zip
from registro.validators.output import atomic_path

MAIN_PY = files("registro.xl_addin").joinpath("data/lite_main.py")
STORE_ID = "wa200008175"
WEBEXT = "xl/webextensions/webextension1.xml"
TASKPANES = "xl/webextensions/taskpanes.xml"
TASKPANES_RELS = "xl/webextensions/_rels/taskpanes.xml.rels"
REL_TASKPANES = "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes"
REL_WEBEXT = "http://schemas.microsoft.com/office/2011/relationships/webextension"
CT_TASKPANES = "application/vnd.ms-office.webextensiontaskpanes+xml"
CT_WEBEXT = "application/vnd.ms-office.webextension+xml"


COMMANDS_SHEET = "Comandi"
# The sheet buttons of main.py (@script(button="Comandi!B4") ...): cell, label, what it does.
BUTTONS = (
    ("B4", "▶ Controlla, totali ed export JA", "tutte le azioni: colonna Esito e fogli Verifica, Totali, Export JA, Scarti"),
    ("B6", "▶ Solo controllo", "colonna Esito, celle colorate e foglio Verifica"),
    ("B8", "▶ Solo totali", "foglio Totali (per sede, operatore e LEP)"),
    ("B10", "▶ Solo export JA", "fogli Export JA e Scarti"),
)


def write_commands_sheet(wb) -> None:
    """A 'Comandi' sheet whose cells B4, B6... are the xlwings Lite sheet buttons of main.py."""
    from openpyxl.styles import Alignment, Font, PatternFill

    ws = wb.create_sheet(COMMANDS_SHEET, index=wb.sheetnames.index("Istruzioni") + 1 if "Istruzioni" in wb.sheetnames else None)
    ws["B2"] = "Comandi Python (xlwings Lite): fare clic su una cella azzurra; il pannello xlwings Lite deve essere aperto."
    ws["B2"].font = Font(bold=True)
    ws.column_dimensions["B"].width = 42
    ws.column_dimensions["C"].width = 80
    for cell, label, what in BUTTONS:
        ws[cell] = label
        ws[cell].font = Font(bold=True, color="FFFFFF")
        ws[cell].fill = PatternFill("solid", fgColor="2F75B5")
        ws[cell].alignment = Alignment(horizontal="center", vertical="center")
        ws[cell].hyperlink = f"#'{COMMANDS_SHEET}'!{cell}"  # a click selects the cell, which runs the script
        ws[cell].offset(column=1).value = what


def main_py() -> str:
    """The repository's main.py for xlwings Lite."""
    return MAIN_PY.read_text(encoding="utf-8")


def lite_requirement(package: str | None) -> str:
    """The line of a Lite template's requirements.txt that installs registro: package as given (a wheel's
    address reachable from the office's PCs, or a name their package index serves).

    registro is not on PyPI, and xlwings Lite installs from the network only: without a package, or
    with a file on this PC, the workbook would carry a requirement that cannot install (UsageError).
    """
    from registro.validators.errors import UsageError

    example = "https://intranet.example/registro-0.2.0-py3-none-any.whl"
    package = (package or "").strip()
    if not package:
        raise UsageError("manca {package}: xlwings Lite installa registro dalla rete, indicare l'indirizzo del "
                         "file .whl di registro raggiungibile dai PC dell'ufficio, ad es. {package} {example}",
                         params=("package",), example=example)
    if _is_local_file(package):
        raise UsageError("{package} '{value}' è un file di questo PC, che xlwings Lite non può leggere: pubblicare "
                         "il file .whl dove i PC dell'ufficio lo raggiungono e indicarne l'indirizzo, ad es. "
                         "{package} {example}", params=("package",), value=package, example=example)
    return package


def _is_local_file(package: str) -> bool:
    # A path (drive letter, UNC, folders) or a wheel named without a scheme: a file, not an address.
    if "://" in package or package.startswith("emfs:"):
        return False
    return "\\" in package or "/" in package or package.lower().endswith(".whl")


def requirements(package: str) -> str:
    """requirements.txt: the registro package (a wheel URL or a name the office serves) and polars.

    In Pyodide the package leaves polars out of its own requirements (see pyproject.toml), so that
    it installs everywhere; polars is asked for here, unpinned as xlwings Lite advises for the
    packages Pyodide builds: the one of the Pyodide release is taken, and the buttons check it.
    """
    return f"{package}\npolars\n"


def _property(name: str, value) -> str:
    # Office.js settings are stored as JSON text inside an XML attribute.
    return f'<we:property name="{escape(name)}" value="{escape(json.dumps(value, ensure_ascii=False), {chr(34): "&quot;"})}"/>'


def webextension_xml(code: str, reqs: str, workbook_id: str) -> str:
    """The web-extension part holding the code, pointing at the xlwings Lite store add-in."""
    props = "".join([
        _property("main.py", code),
        _property("requirements.txt", reqs),
        _property("xlwingsWorkbookId", workbook_id),
        '<we:property name="Office.AutoShowTaskpaneWithDocument" value="true"/>',
    ])
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<we:webextension xmlns:we="http://schemas.microsoft.com/office/webextensions/webextension/2010/11" '
        f'id="{{{workbook_id.upper()}}}">'
        f'<we:reference id="{STORE_ID}" version="1.0.0.0" store="en-US" storeType="OMEX"/>'
        f'<we:alternateReferences><we:reference id="{STORE_ID}" version="1.0.0.0" store="{STORE_ID.upper()}" '
        'storeType="OMEX"/></we:alternateReferences>'
        f"<we:properties>{props}</we:properties><we:bindings/>"
        '<we:snapshot xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
        "</we:webextension>"
    )


TASKPANES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<wetp:taskpanes xmlns:wetp="http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11">'
    '<wetp:taskpane dockstate="right" visibility="1" width="350" row="0">'
    '<wetp:webextensionref xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/>'
    "</wetp:taskpane></wetp:taskpanes>"
)
TASKPANES_RELS_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL_WEBEXT}" Target="webextension1.xml"/></Relationships>'
)


def inject(source: str | Path, target: str | Path, package: str, id_name: str | None = None) -> Path:
    """Copy source to target adding xlwings Lite's main.py and requirements.txt (atomically).

    The workbook id is derived from id_name (default: the target's file name), so rebuilds match.
    """
    workbook_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"registro:{id_name or Path(target).name}"))

    def edit(name: str, data: bytes) -> bytes | None:
        if name.startswith("xl/webextensions/"):
            return None
        if name == "[Content_Types].xml":
            return _add_before(data, b"</Types>", (
                f'<Override PartName="/{TASKPANES}" ContentType="{CT_TASKPANES}"/>'
                f'<Override PartName="/{WEBEXT}" ContentType="{CT_WEBEXT}"/>'))
        if name == "_rels/.rels":
            return _add_before(data, b"</Relationships>",
                               f'<Relationship Id="rIdRegistroLite" Type="{REL_TASKPANES}" Target="{TASKPANES}"/>')
        return data

    parts = ((WEBEXT, webextension_xml(main_py(), requirements(package), workbook_id)),
             (TASKPANES, TASKPANES_XML), (TASKPANES_RELS, TASKPANES_RELS_XML))
    with atomic_path(target) as tmp:
        rewrite_zip(source, tmp, edit, add=[(name, text.encode("utf-8")) for name, text in parts])
    return Path(target)


def _add_before(data: bytes, closing: bytes, fragment: str) -> bytes:
    if fragment.encode("utf-8") in data:
        return data
    head, sep, tail = data.rpartition(closing)
    if not sep:
        raise ValueError(f"part without {closing!r}")
    return head + fragment.encode("utf-8") + sep + tail


def extract(path: str | Path) -> dict[str, str]:
    """The Lite properties stored in a workbook (main.py, requirements.txt ...), decoded."""
    from defusedxml import ElementTree

    ns = {"we": "http://schemas.microsoft.com/office/webextensions/webextension/2010/11"}
    with zipfile.ZipFile(path) as z:
        root = ElementTree.fromstring(z.read(WEBEXT))
    out = {}
    for prop in root.iterfind(".//we:property", ns):
        value = prop.get("value")
        try:
            out[prop.get("name")] = json.loads(value)
        except json.JSONDecodeError:
            out[prop.get("name")] = value
    return out
