"""The classic Excel add-in: xlwings' own ribbon add-in template, relabelled in Italian.

xlwings ships `quickstart_addin_ribbon.xlam` (what `xlwings quickstart NAME --addin --ribbon`
copies). Its ribbon button calls the VBA macro RibbonMyAddin.RunMain, which imports the Python
module named like the add-in file and calls its main(): the file must be `registro.xlam`, so the
button runs `registro.main()` on the active workbook. Only customUI/customUI.xml is rewritten;
xlwings' VBA project is copied byte for byte.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

from registro.validators.ooxml.zipfiles import rewrite_zip
from registro.validators.output import atomic_path

ADDIN_NAME = "registro.xlam"  # the VBA derives the Python module (registro) from this name
CUSTOM_UI = "customUI/customUI.xml"
VBA_PROJECT = "xl/vbaProject.bin"
LABELS = {"tab": "Registro CPI", "group": "Registro dei servizi", "button": "Controlla, totali ed export JA"}


def template_path() -> Path:
    """The ribbon add-in template inside the installed xlwings package."""
    import xlwings

    return Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"


def custom_ui(labels: dict[str, str] = LABELS) -> bytes:
    """The ribbon XML: one tab, one group, one large button wired to xlwings' RunMain."""
    return (
        '<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">\n'
        "  <ribbon>\n    <tabs>\n"
        f'      <tab id="registroTab" label={quoteattr(labels["tab"])}>\n'
        f'        <group id="registroGroup" label={quoteattr(labels["group"])}>\n'
        f'          <button id="registroRun" label={quoteattr(labels["button"])} size="large" '
        'onAction="RibbonMyAddin.RunMain" imageMso="AcceptInvitation" '
        f'screentip={quoteattr("Controlla il registro, calcola i totali e prepara il file per JA")} />\n'
        "        </group>\n      </tab>\n    </tabs>\n  </ribbon>\n</customUI>\n"
    ).encode("utf-8")


def build_addin(folder: str | Path) -> Path:
    """Write registro.xlam into folder (atomically) and return its path."""
    source = template_path()
    target = Path(folder) / ADDIN_NAME
    with atomic_path(target) as tmp:
        rewrite_zip(source, tmp, lambda name, data: custom_ui() if name == CUSTOM_UI else data)
    return target
