"""Render the pictures of the outputs of the bundled example as LibreOffice prints them: docs/img/rapporto.png
(the report's first page), riepilogo_lep.png (the 'Per LEP' chart page of the totals workbook),
copia_annotata.png and verifica.png (the annotated copy's register and its Verifica sheet).

The outputs are those of `registro mese` on the example, as scripts/esempio.sh runs it (September as
history), so the pictures show what a user gets today.

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
DPI = 72  # small files: the pictures show the layout, the text is in the guide
# (picture, workbook, sheet, page of that sheet's PDF)
PICTURES = [("rapporto.png", "rapporto.xlsx", "Problemi", 1), ("riepilogo_lep.png", "riepilogo.xlsx", "Per LEP", 2),
            ("copia_annotata.png", "registro_esempio_annotato.xlsx", "Registro", 1),
            ("verifica.png", "registro_esempio_annotato.xlsx", "Verifica", 1)]


def main() -> None:
    """Write the outputs, print the sheets to PDF, crop the chosen pages to PNG."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        result = run_from_root("mese", *EXAMPLE, "-o", out)
        if result.exit_code not in (0, 1):
            raise SystemExit(result.output)
        books: dict[str, list[dict]] = {}
        for name, book, sheet, _ in PICTURES:
            books.setdefault(book, []).append({"op": "export_pdf", "sheets": [sheet], "path": str(out / f"{name}.pdf")})
        jobs = [Job(out / book, ops) for book, ops in books.items()]
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
