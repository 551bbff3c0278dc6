"""Render docs/img/registro.png: the Registro sheet of a small filled template, as LibreOffice shows it.

The sheet is printed by LibreOffice with every visible column (the template itself prints Data ... Note).

Needs LibreOffice (libreoffice-calc, python3-uno) and pdftoppm (poppler-utils). Run from the project
folder:  .venv/bin/python scripts/immagine_modello.py
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.libreoffice import LibreOfficeRunner  # noqa: E402
from tests.support.template_rows import OFFICES, OPERATORS, row_for, sample_rows, typed  # noqa: E402
from registro.validators.catalogue import load_catalogue  # noqa: E402
from registro.validators.output import save_workbook  # noqa: E402
from registro.xl_addin.build.template import build_workbook, load_config  # noqa: E402
from registro.xl_addin.build.template_register import REGISTER_COLUMNS, SHEET  # noqa: E402

OUTPUT = ROOT / "docs" / "img" / "registro.png"
DPI = 200


def _content_box(pdf: Path, stem: Path, margin: int = 12, dpi: int = DPI, page: int = 1) -> tuple[int, int, int, int]:
    """(x, y, width, height) in pixels at dpi of what is not white on a page (read from a PGM)."""
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                    str(stem)], check=True)
    data = stem.with_suffix(".pgm").read_bytes()
    fields = data.split(maxsplit=4)  # P5, width, height, maxval, pixels
    width, height, pixels = int(fields[1]), int(fields[2]), fields[4]
    rows = [y for y in range(height) if min(pixels[y * width:(y + 1) * width]) < 200]
    cols = [x for x in range(width) if min(pixels[x::width]) < 200]
    x0, x1 = max(cols[0] - margin, 0), min(cols[-1] + margin, width)
    y0, y1 = max(rows[0] - margin, 0), min(rows[-1] + margin, height)
    return x0, y0, x1 - x0, y1 - y0


def main() -> None:
    """Build, fill and print the sheet, then crop the first page's top to a PNG."""
    cat = load_catalogue()
    rows = sample_rows(cat)[:8]
    company = next(s for s in cat.registrable if s.target == "azienda")
    gg_only = next(s for s in cat.registrable if s.programmes == ("GG",))
    rows.append(row_for(cat, company, 8) | {"Tipo utente": "Persona", "Codice fiscale": "RSSMRA80A01H501U"})
    rows.append(row_for(cat, gg_only, 9) | {"Programma": None})
    ranged = rows[0]
    rows.append(ranged | {"Durata (min)": 90, "Data": dt.date(2026, 10, 20)})
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "registro.xlsx"
        wb = build_workbook(cat, rows=14, config=load_config({"sedi": OFFICES, "operatori": OPERATORS}))
        visible = sum(1 for c in REGISTER_COLUMNS if not c.hidden)
        wb[SHEET].print_area = f"A1:{wb[SHEET].cell(row=1, column=visible).column_letter}15"
        save_workbook(wb, template)
        pdf = Path(tmp) / "registro.pdf"
        ops = typed(rows) + [{"op": "calculate_all"}, {"op": "export_pdf", "sheets": ["Registro"], "path": str(pdf)}]
        LibreOfficeRunner().run(template, ops)
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        x, y, w, h = _content_box(pdf, Path(tmp) / "pagina")
        subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", "1", "-x", str(x), "-y", str(y),
                        "-W", str(w), "-H", str(h), "-singlefile", str(pdf), str(OUTPUT.with_suffix(""))], check=True)
    print(f"{OUTPUT} ({OUTPUT.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
