"""The annotated copy as the project wrote it before the streaming writer (openpyxl loads and saves
the whole workbook): kept only as the reference that tests compare the streaming copy against,
through what LibreOffice shows of both.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from registro.validators.errors import UsageError
from registro.validators.output import atomic_path, defuse
from registro.validators.read.register import decode_text, header_field, sniff_delimiter
from registro.validators.report import Problem, Report

RED, YELLOW, GREEN = "FFC7CE", "FFEB9C", "C6EFCE"
ESITO = "Esito"
VERIFICA = "Verifica"


def _workbook_for(path: Path, sheet_name: str | None):
    """(workbook, register sheet) for an Excel file, or a new workbook holding a CSV's cells."""
    from openpyxl import Workbook, load_workbook

    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        wb = load_workbook(path, keep_vba=suffix == ".xlsm")
        return wb, wb[sheet_name] if sheet_name else wb.active
    if suffix in (".csv", ".txt"):
        import csv
        import io

        text = decode_text(path.read_bytes())
        wb = Workbook()
        ws = wb.active
        ws.title = "Registro"
        widths: dict[int, int] = {}
        for row in csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text)):
            ws.append([defuse(v) for v in row])
            for j, v in enumerate(row, start=1):
                widths[j] = max(widths.get(j, 8), min(len(v) + 2, 40))
        from openpyxl.utils import get_column_letter

        for j, width in widths.items():  # a CSV has no column widths: size them to the content
            ws.column_dimensions[get_column_letter(j)].width = width
        return wb, ws
    raise UsageError(f"--annota funziona con registri .xlsx, .xlsm o .csv, non con '{path.name}'.")


def _header_row(ws) -> tuple[int, dict[str, int]]:
    """The header row and the column index of each contract header (1-based)."""
    best = (1, {})
    for r, row in enumerate(ws.iter_rows(min_row=1, max_row=20, values_only=True), start=1):
        cols = {}
        for c, v in enumerate(row, start=1):
            name = header_field(v)
            if name and name not in cols:
                cols[name] = c
        if len(cols) > len(best[1]):
            best = (r, cols)
    return best


def annotate(source: Path, report: Report, target: Path, inputs=()) -> Path:
    """Write an annotated copy of one register to target (.xlsx or .xlsm)."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    from registro.validators.messages import REJECTS, SHEET, text

    # The messages as a workbook shows them (issue 16): command-line hints in their Excel wording;
    # this writer named the row and column in comments and Verifica, not in Esito.
    mine = [p for p in report.problems if p.file == str(source)]
    said = {id(p): text(p, REJECTS) for p in mine}
    sheet = next((p.sheet for p in mine if p.sheet), None)
    wb, ws = _workbook_for(source, sheet)
    header, cols = _header_row(ws)
    esito_col = next((c.column for c in ws[header] if str(c.value or "").strip().lower() == ESITO.lower()), None)
    if esito_col is None:
        esito_col = ws.max_column + 1
        ws.cell(header, esito_col, ESITO).font = Font(bold=True)
    fills = {"errore": PatternFill("solid", fgColor=RED), "avviso": PatternFill("solid", fgColor=YELLOW)}
    by_row: dict[int, list[Problem]] = defaultdict(list)
    by_cell: dict[tuple[int, int], list[Problem]] = defaultdict(list)
    for p in mine:
        if p.row is None:
            continue
        by_row[p.row].append(p)
        col = cols.get(p.column)
        if col:
            by_cell[(p.row, col)].append(p)
    for (r, c), ps in by_cell.items():
        worst = "errore" if any(p.severity == "errore" for p in ps) else "avviso"
        cell = ws.cell(r, c)
        cell.fill = fills[worst]
        cell.comment = Comment("\n".join(f"[{p.rule}] {said[id(p)]}" for p in ps)[:30000], "registro")
    for r in range(header + 1, ws.max_row + 1):
        ps = by_row.get(r)
        if ps:
            worst = "errore" if any(p.severity == "errore" for p in ps) else "avviso"
            esito = f"{worst.upper()}: " + " | ".join(text(p, SHEET) for p in ps)
            ws.cell(r, esito_col, esito[:32000]).fill = fills[worst]
        elif any(ws.cell(r, c).value not in (None, "") for c in cols.values()):
            ws.cell(r, esito_col, "OK").fill = PatternFill("solid", fgColor=GREEN)
    if VERIFICA in wb.sheetnames:
        del wb[VERIFICA]
    ver = wb.create_sheet(VERIFICA)
    ver.append(["Riga", "Colonna", "Regola", "Gravità", "Messaggio"])
    for c in ver[1]:
        c.font = Font(bold=True)
    for col, width in zip("ABCDE", (8, 18, 30, 9, 120)):
        ver.column_dimensions[col].width = width
    link_font = Font(color="0563C1", underline="single")
    for p in mine:
        ver.append([p.row, p.column, p.rule, p.severity, said[id(p)]])
        if p.row is not None:
            col = cols.get(p.column, 1)
            ref = ver.cell(ver.max_row, 1)
            ref.hyperlink = f"#'{ws.title}'!{ws.cell(p.row, col).coordinate}"
            ref.font = link_font
    suffix = ".xlsm" if source.suffix.lower() == ".xlsm" else ".xlsx"
    target = Path(target)
    if target.suffix.lower() not in (".xlsx", ".xlsm"):
        target = target.with_suffix(suffix)
    with atomic_path(target, inputs) as tmp:
        wb.save(tmp)
    return target
