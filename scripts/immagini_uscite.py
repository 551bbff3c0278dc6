"""Render docs/img/rapporto.png and docs/img/riepilogo_lep.png: two outputs of the bundled example as
LibreOffice prints them (the report's first page, the 'Per LEP' chart page of the totals workbook).

Needs LibreOffice (libreoffice-calc, python3-uno) and pdftoppm (poppler-utils). Run from the project
folder:  .venv/bin/python scripts/immagini_uscite.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.immagine_modello import _content_box  # noqa: E402
from tests.support.registri import run_from_root  # noqa: E402
from tests.support.libreoffice import Job, LibreOfficeRunner  # noqa: E402

EXAMPLE = ["esempi/registro_esempio.csv", "--storico", "esempi/storico_settembre.csv", "--mese", "2026-10",
           "--oggi", "2026-11-01"]
DPI = 72  # small files: the pictures show the layout, the text is in the README
# (picture, workbook, sheet, page of that sheet's PDF)
PICTURES = [("rapporto.png", "rapporto.xlsx", "Problemi", 1), ("riepilogo_lep.png", "riepilogo.xlsx", "Per LEP", 2)]


def main() -> None:
    """Write the outputs, print the sheets to PDF, crop the chosen pages to PNG."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        run_from_root("valida", *EXAMPLE, "--rapporto", out / "rapporto.xlsx")
        run_from_root("totali", *EXAMPLE, "-o", out / "riepilogo.xlsx")
        jobs = [Job(out / book, [{"op": "export_pdf", "sheets": [sheet], "path": str(out / f"{name}.pdf")}])
                for name, book, sheet, _ in PICTURES]
        LibreOfficeRunner().run_many(jobs, timeout=300)
        for name, _, _, page in PICTURES:
            pdf, target = out / f"{name}.pdf", ROOT / "docs" / "img" / name
            x, y, w, h = _content_box(pdf, out / "pagina", dpi=DPI, page=page)
            subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page), "-x", str(x),
                            "-y", str(y), "-W", str(w), "-H", str(h), "-singlefile", str(pdf),
                            str(target.with_suffix(""))], check=True)
            print(f"{target} ({target.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
