"""The annotated copy of a register: an Esito column, coloured cells, comments, a Verifica sheet.

The copy is written by streaming the original package (zip in, zip out): the register sheet's XML
is copied byte for byte except for what the annotation changes (ooxml/sheet_stream.py), a few
small parts get entries appended (ooxml/parts.py, styles.py, comments.py), the Verifica sheet is
added (render/verifica_sheet.py), and every other part of the user's
workbook (other sheets, charts, macros, names, validations, formatting) is copied unchanged. What
the annotation shows comes from render/outcome.py, shared with the add-in.

The input file is never modified; the copy is written atomically elsewhere. A CSV register gets an
.xlsx copy holding its cells.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
import zipfile
from collections import defaultdict
from contextlib import nullcontext
from pathlib import Path
from xml.parsers.expat import ExpatError

from registro.validators.errors import UsageError
from registro.validators.ooxml import comments as ooxml_comments
from registro.validators.ooxml import parts
from registro.validators.ooxml.package import Package
from registro.validators.ooxml.refs import cell_ref, column_letter, split_ref
from registro.validators.ooxml.sheet_plan import SheetPlan
from registro.validators.ooxml.sheet_read import Refused, read_first_rows, shared_strings
from registro.validators.ooxml.sheet_stream import rewrite_sheet
from registro.validators.ooxml.styles import MINIMAL_STYLES, Styles
from registro.validators.ooxml.text import xml_text
from registro.validators.ooxml.zipfiles import reproducible_zip, write_text_part, zip_entry
from registro.validators.output import atomic_path, defuse
from registro.validators.output_names import output_names
from registro.validators.output_set import OutputSet
from registro.validators.read.register import (
    DEFAULT_SHEET, HEADER_SEARCH_ROWS, decode_text, locate_header, sniff_delimiter,
)
from registro.validators.render import outcome
from registro.validators.render.verifica_sheet import verifica_sheet
from registro.validators.report import Problem, Report
from registro.validators.text import norm_key

ESITO, VERIFICA = outcome.ESITO, outcome.VERIFICA
# A part this large (unzipped) may grow past 4 GB with the annotation: written as zip64.
LARGE_PART = 1 << 31
ANNOTATABLE = (".xlsx", ".xlsm", ".csv", ".txt")  # the registers an annotated copy is made of


def copy_suffix(source: Path) -> str:
    """The annotated copy's extension: .xlsm for a register with macros (Excel refuses macros in an .xlsx)."""
    return ".xlsm" if Path(source).suffix.lower() == ".xlsm" else ".xlsx"


def copy_name(source: Path, label: str) -> str:
    """LABEL_annotato.xlsx (.xlsm for a register with macros)."""
    return f"{label}_annotato{copy_suffix(source)}"


def annotated_names(sources: list[Path], folder: Path, taken=()) -> dict[Path, Path]:
    """Where each register's annotated copy goes in folder: NAME_annotato.xlsx, prefixed by its folders
    when names repeat (output_names); never the name of an input in that folder or of `taken`."""
    here = [Path(p).name for p in sources if Path(os.path.abspath(p)).parent == Path(os.path.abspath(folder))]
    names = output_names(sources, copy_name, taken=[*here, *taken])
    return {source: folder / name for source, name in names.items()}


def annotate(source: Path, report: Report, target: Path, inputs=(), name: str | None = None) -> Path:
    """Write an annotated copy of one register to target (.xlsx, or .xlsm for a .xlsm register);
    name: the register's name in the report (default: its path)."""
    source = Path(source)
    name = str(source) if name is None else name
    mine = [p for p in report.problems if p.file == name]
    totals = report.total_rows_at.get(name, ())
    suffix = copy_suffix(source)
    target = Path(target)
    if target.suffix.lower() not in (".xlsx", ".xlsm") or suffix == ".xlsm":
        target = target.with_suffix(suffix)  # macros in a file named .xlsx: Excel would refuse to open it
    kind = source.suffix.lower()
    if kind not in ANNOTATABLE:
        raise UsageError(f"la copia annotata si fa di registri .xlsx, .xlsm o .csv, non di '{source.name}'.")
    try:
        with atomic_path(target, inputs) as tmp:
            if kind in (".csv", ".txt"):
                with tempfile.TemporaryDirectory(prefix=".registro-", dir=tmp.parent) as folder:
                    plain = Path(folder) / "registro.xlsx"
                    csv_workbook(source, plain)
                    annotate_package(plain, mine, tmp, name, totals)
            else:
                annotate_package(source, mine, tmp, name, totals)
    except (Refused, ExpatError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        # The file was read, but its package is not laid out as an .xlsx should be.
        raise UsageError(f"la copia annotata di '{source.name}' non si può scrivere: il file non ha la struttura "
                         f"di un .xlsx ({type(exc).__name__}). Aprirlo in Excel, salvarlo di nuovo come .xlsx "
                         "e riprovare.") from None
    return target


def is_copy_file(target: Path) -> bool:
    """Whether --annota names a file (.xlsx, .xlsm) rather than a folder (an existing folder, or no such extension)."""
    return not Path(target).is_dir() and Path(target).suffix.lower() in (".xlsx", ".xlsm")


def annotate_all(report: Report, target: Path, inputs=(), sources: dict[str, Path] | None = None,
                 out: OutputSet | None = None) -> list[Path]:
    """One annotated copy per checked file, all put in place or none: target is the copy's file for
    one input (see is_copy_file), else a folder where each copy is named by annotated_names.
    sources: the file of each name in the report (default: the name is the path)."""
    sources = sources or {}
    names = [f for f in report.files if not any(p.file == f and p.row is None for p in report.problems)]
    if not names:
        return []
    name_of = {sources.get(n, Path(n)): n for n in names}
    target = Path(target)
    if len(report.files) == 1 and is_copy_file(target):
        source = next(iter(name_of))
        suffix = copy_suffix(source)
        targets = {source: target if target.suffix.lower() == suffix else target.with_suffix(suffix)}
    else:
        targets = annotated_names(list(name_of), target)
    with nullcontext(out) if out is not None else OutputSet(inputs) as outputs:
        return [outputs.write(t, lambda path, s=s: annotate(s, report, path, inputs, name_of[s]))
                for s, t in targets.items()]


# ---------------------------------------------------------------------------------------------


def _register_sheet(sheets: list[dict], wanted: str | None, workbook_xml: str) -> dict:
    """The sheet the problems name, else 'Registro', else the only or the active sheet."""
    for name in (wanted, DEFAULT_SHEET):
        if name:
            match = [s for s in sheets if s["name"] == name] or [s for s in sheets if norm_key(s["name"]) == norm_key(name)]
            if match:
                return match[0]
    return sheets[min(parts.active_tab(workbook_xml), len(sheets) - 1)]


def _header(pkg: Package, sheet_part: str, shared_part: str | None, file: str, sheet: str):
    """(header row, {contract column: 1-based column}, Esito column, blank shared-string indices)."""
    info: dict = {}
    with pkg.zin.open(sheet_part) as f:
        first = read_first_rows(f, HEADER_SEARCH_ROWS, info)
    wanted = {int(text) for _, cells in first for _, t, text in cells if t == "s" and text and text.strip().isdigit()}
    texts, blank = ({}, set())
    if shared_part and shared_part in pkg.names:
        with pkg.zin.open(shared_part) as f:
            texts, blank = shared_strings(f, wanted)
    width = max((c for _, cells in first for c, _, _ in cells), default=1)
    grid: list[list] = [[None] * width for _ in range(HEADER_SEARCH_ROWS)]
    for r, cells in first:
        for c, t, text in cells:
            if r <= HEADER_SEARCH_ROWS and text is not None:
                grid[r - 1][c - 1] = texts.get(int(text)) if t == "s" and text.strip().isdigit() else text
    index, mapping = locate_header(grid, file, sheet)
    header_row = index + 1
    columns = {name: j + 1 for j, name in mapping.items()}
    row = grid[index]
    esito = next((j + 1 for j, v in enumerate(row) if v is not None and norm_key(v) == norm_key(ESITO)), None)
    if esito is None:
        used = max((j + 1 for j, v in enumerate(row) if v not in (None, "")), default=0)
        dimension = info.get("dimension")
        last = split_ref(dimension.partition(":")[2] or dimension)[1] if dimension else 0
        esito = max(used, last) + 1
    return header_row, columns, esito, blank


def annotate_package(source: Path, problems: list[Problem], tmp: Path, file: str, total_rows=()) -> None:
    """Write the annotated copy of the .xlsx/.xlsm package source to tmp."""
    with zipfile.ZipFile(source) as zin:
        pkg = Package(zin)
        content_types = pkg.text("[Content_Types].xml") or ""
        wb_part = pkg.workbook
        wb_xml = pkg.text(wb_part)
        wb_rels_part = parts.rels_name(wb_part)
        wb_rels = pkg.text(wb_rels_part)
        targets = pkg.targets
        sheets = pkg.sheets
        wanted = next((p.sheet for p in problems if p.sheet), None)
        register = _register_sheet(sheets, wanted, wb_xml)
        sheet_name, sheet_part = register["name"], targets[register["rid"]]
        _, styles_part = pkg.related(wb_part, "styles")
        _, shared_part = pkg.related(wb_part, "sharedStrings")
        header_row, columns, esito_col, blank = _header(pkg, sheet_part, shared_part, file, sheet_name)

        result = outcome.Outcome.of(problems, columns, total_rows)
        styles = Styles(pkg.text(styles_part))
        faulty: dict[int, dict[int, str]] = defaultdict(dict)
        for (r, c), severity in result.cell_severities().items():
            faulty[r][c] = severity
        texts = [outcome.esito_text(ps) for ps in result.by_row.values()] + [outcome.OK, ESITO]
        texts += [outcome.TOTAL_ROW] if total_rows else []
        esito_styles = {colour: styles.cell(fill=colour, wrap=True)
                        for colour in (outcome.RED, outcome.YELLOW, outcome.GREEN, outcome.GREY)}
        esito_styles[None] = styles.cell(font="bold", wrap=True)

        written: dict[str, object] = {}  # part name -> text or iterator of text
        new_parts: list[tuple[str, str]] = []  # (part, content type) of the parts added
        comments = result.cell_comments()
        legacy_rel = _comment_parts(pkg, sheet_part, comments, written, new_parts) if comments else None

        plan = SheetPlan(
            header_row=header_row, esito_col=esito_col, esito_width=outcome.esito_width(texts),
            contract_cols=set(columns.values()), blank_strings=blank, faulty=dict(faulty),
            esito=result.esito, esito_style=esito_styles.__getitem__,
            faulty_style=lambda style, severity: styles.filled(style, outcome.SEVERITY_COLOUR[severity]),
            problem_rows=frozenset(result.by_row) | result.total_rows,
            legacy_rel=legacy_rel,
            # a table brings its own filter: a sheet autofilter over it would break the file
            autofilter=pkg.related(sheet_part, "table")[0] is None,
            esito_header=ESITO,
        )
        plan.esito_height = lambda text: outcome.LINE_HEIGHT * outcome.text_lines(text, plan.esito_width)
        with reproducible_zip(tmp) as zout:
            info = zin.getinfo(sheet_part)
            big = info.file_size > LARGE_PART  # zip64 only where needed: some readers dislike it
            with zin.open(sheet_part) as src, zout.open(zip_entry(sheet_part, info.external_attr), "w",
                                                        force_zip64=big) as dst:
                rewrite_sheet(src, plan, dst.write)

            # the Verifica sheet: an earlier one is replaced in place, else a new sheet at the end
            old = next((s for s in sheets if norm_key(s["name"]) == norm_key(VERIFICA)), None)
            register_index = sheets.index(register)
            if old is not None and old is not register:
                verifica_part, verifica_index = targets[old["rid"]], sheets.index(old)
                wb_xml = parts.drop_defined_names(wb_xml, verifica_index, ("_xlnm.Print_Titles", "_xlnm._FilterDatabase"))
                dropped = {parts.rels_name(verifica_part)}
                verifica_name = old["name"]
            else:
                verifica_part = _free_name(pkg.names, "xl/worksheets/sheet{}.xml")
                rid = parts.free_id(wb_rels)
                wb_xml = parts.add_sheet(wb_xml, VERIFICA, rid)
                written[wb_rels_part] = parts.add_relationships(wb_rels, [(rid, "worksheet", "/" + verifica_part)])
                new_parts.append((verifica_part, parts.WORKSHEET_CT))
                verifica_index, dropped, verifica_name = len(sheets), set(), VERIFICA
            written[verifica_part] = "".join(verifica_sheet(result, sheet_name, styles))

            names = _print_names(wb_xml, plan, result, (register_index, sheet_name), (verifica_index, verifica_name))
            wb_xml = parts.drop_defined_names(wb_xml, register_index, ("_xlnm.Print_Area",))
            written[wb_part] = parts.add_defined_names(wb_xml, names)
            written[styles_part or "xl/styles.xml"] = styles.render()
            if styles_part is None:
                new_parts.append(("xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"))
                written[wb_rels_part] = parts.add_relationships(written.get(wb_rels_part, wb_rels),
                                                                [(parts.free_id(wb_rels, "rIdS"), "styles", "/xl/styles.xml")])
            written["[Content_Types].xml"] = parts.add_content_types(
                content_types, new_parts, [("vml", parts.VML_CT)] if comments else [])

            for entry in zin.infolist():
                name = entry.filename
                if name == sheet_part or name in dropped:
                    continue
                if name in written:
                    write_text_part(zout, name, written.pop(name), entry.external_attr)
                    continue
                with zin.open(entry) as src, zout.open(zip_entry(name, entry.external_attr), "w",
                                                       force_zip64=entry.file_size > LARGE_PART) as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            for name, content in written.items():
                write_text_part(zout, name, content)


def _comment_parts(pkg: Package, sheet_part: str, comments: dict, written: dict, new_parts: list) -> str | None:
    """The comments and their drawing (the user's comments kept); the new drawing's rel id, if any."""
    _, comments_part = pkg.related(sheet_part, "comments")
    _, vml_part = pkg.related(sheet_part, "vmlDrawing")
    merged = dict(ooxml_comments.existing_comments(pkg.text(comments_part), outcome.COMMENT_AUTHOR))
    for (r, c), text in comments.items():
        merged[cell_ref(r, c)] = (outcome.COMMENT_AUTHOR, text)
    order = sorted(merged, key=split_ref)
    rels_part = parts.rels_name(sheet_part)
    rels = pkg.text(rels_part)
    add, legacy_rel = [], None
    if comments_part is None:
        comments_part = _free_name(pkg.names, "xl/comments/comment{}.xml")
        new_parts.append((comments_part, parts.COMMENTS_CT))
        add.append((parts.free_id(rels, "rIdC"), "comments", "/" + comments_part))
    if vml_part is None:
        vml_part = _free_name(pkg.names, "xl/drawings/commentsDrawing{}.vml")
        legacy_rel = parts.free_id(rels, "rIdV")
        add.append((legacy_rel, "vmlDrawing", "/" + vml_part))
    written[comments_part] = ooxml_comments.comments_part([(ref, *merged[ref]) for ref in order])
    written[vml_part] = ooxml_comments.vml_part([split_ref(ref) for ref in order])
    if add:
        written[rels_part] = parts.add_relationships(rels, add)
    return legacy_rel


def _print_names(wb_xml: str, plan: SheetPlan, result: outcome.Outcome, register: tuple[int, str],
                 verifica: tuple[int, str]) -> list[tuple[str, int, str, bool]]:
    """The defined names of the copy: print titles, filter ranges, the register's print area."""
    (reg_index, reg_name), (ver_index, ver_name) = register, verifica
    reg, ver = outcome.quoted_sheet(reg_name), outcome.quoted_sheet(ver_name)
    h = plan.header_row
    names = [("_xlnm.Print_Titles", reg_index, f"{reg}!${h}:${h}", False),
             ("_xlnm.Print_Titles", ver_index, f"{ver}!$1:$1", False)]
    if ("_xlnm.Print_Area", str(reg_index)) in parts.defined_names(wb_xml):
        # the user's print area (the template's prints Data..Note) would leave Esito out: the copy
        # is a snapshot, so it prints from A1 to Esito down to the last row that has one
        area = f"{reg}!$A$1:${column_letter(plan.esito_col)}${max(plan.last_row, h)}"
        names.append(("_xlnm.Print_Area", reg_index, area, False))
    if "autofilter" in plan.sheet_info:
        h, last, col = plan.sheet_info["autofilter"]
        names.append(("_xlnm._FilterDatabase", reg_index, f"{reg}!$A${h}:${column_letter(col)}${last}", True))
    if result.problems:
        last_col = column_letter(len(outcome.VERIFICA_HEADER))
        names.append(("_xlnm._FilterDatabase", ver_index, f"{ver}!$A$1:${last_col}${len(result.problems) + 1}", True))
    return names


def _free_name(names: set[str], pattern: str) -> str:
    n = 1
    while pattern.format(n) in names:
        n += 1
    return pattern.format(n)


# ---------------------------------------------------------------------------------------------
# CSV registers: their cells in a plain workbook, then annotated like any other


def csv_workbook(source: Path, target: Path) -> None:
    """A one-sheet .xlsx ('Registro') holding a CSV's cells as text, columns sized to the content."""
    text = decode_text(source.read_bytes())
    delimiter = sniff_delimiter(text)
    widths: dict[int, int] = {}
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        for j, v in enumerate(row, start=1):
            widths[j] = max(widths.get(j, 8), min(len(v) + 2, 40))

    def sheet():
        yield (f'{parts.XML_DECL}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               f'<dimension ref="A1:{column_letter(max(widths, default=1))}1"/><cols>')
        yield "".join(f'<col min="{j}" max="{j}" width="{w}" customWidth="1"/>' for j, w in sorted(widths.items()))
        yield "</cols><sheetData>"
        for r, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
            cells = "".join(f'<c r="{cell_ref(r, j)}" t="inlineStr"><is><t xml:space="preserve">'
                            f"{xml_text(defuse(v))}</t></is></c>" for j, v in enumerate(row, start=1) if v != "")
            yield f'<row r="{r}">{cells}</row>'
        yield "</sheetData></worksheet>"

    ns = "http://schemas.openxmlformats.org/"
    files = {
        "[Content_Types].xml": (
            f'{parts.XML_DECL}<Types xmlns="{ns}package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{parts.CT}spreadsheetml.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{parts.WORKSHEET_CT}"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{parts.CT}spreadsheetml.styles+xml"/></Types>'),
        "_rels/.rels": parts.add_relationships(None, [("rId1", "officeDocument", "/xl/workbook.xml")]),
        "xl/workbook.xml": (
            f'{parts.XML_DECL}<workbook xmlns="{ns}spreadsheetml/2006/main" xmlns:r="{ns}officeDocument/2006/relationships">'
            f'<sheets><sheet name="{DEFAULT_SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": parts.add_relationships(
            None, [("rId1", "worksheet", "/xl/worksheets/sheet1.xml"), ("rId2", "styles", "/xl/styles.xml")]),
        "xl/styles.xml": MINIMAL_STYLES,
        "xl/worksheets/sheet1.xml": sheet(),
    }
    with reproducible_zip(target) as zout:
        for name, content in files.items():
            write_text_part(zout, name, content)
