"""A long table's data rows written straight into the worksheet part that openpyxl saved, as openpyxl writes them.

openpyxl spends about a quarter of a millisecond on each row of a normal sheet (a cell object per
value, a style copy per cell, the XML serialisation): the 40,000 rows of a region's month in the
totals' Dettaglio sheet took 10 s, a year's 450,000 rows minutes. So openpyxl makes the sheet with
the header and the first data row only, and defines every setting (cell styles, widths, frozen
header, filter, print setup); fill_table then puts all the frame's rows after the header, made by
polars string expressions: the cells openpyxl writes (text inline, defused, XML-escaped; numbers
formatted as openpyxl formats them; a styled empty cell for a missing value) with each column's
style as openpyxl wrote it in the first data row, and the heights ooxml.tables.row_height gives
to wrapped text (computed once per distinct value). The sheet's dimension and filter and the
workbook's names on the sheet (the filter's range) are extended to the last row.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import polars as pl

from registro.validators.ooxml.parts import element_regex, get_attr, relationships, resolve, sheets
from registro.validators.ooxml.refs import column_letter
from registro.validators.ooxml.tables import Col, row_height
from registro.validators.ooxml.text import long_texts, stored_expr
from registro.validators.ooxml.zipfiles import Chunks, rewrite_zip
from registro.validators.output import defused

CHUNK_ROWS = 20_000  # rows made and joined at a time
# bytes of more than <row r="1048576" ht="…" customHeight="1"></row>, and of a cell's markup without its text
ROW_MARKUP, CELL_MARKUP = 64, 128
WORKBOOK = "xl/workbook.xml"  # where openpyxl puts it
_ROW_NUMBER = "\x00riga"  # a column name no table has
_ROW = re.compile(r"<row\b[^>]*>.*?</row>", re.S)
_RANGE_END_AT_2 = re.compile(r"(:\$?[A-Z]+\$?)2\b")


def fill_table(path: str | Path, title: str, frame: pl.DataFrame, cols: list[Col], col_widths: list[float]) -> None:
    """Write every row of frame (its columns in the table's order) below the header of sheet `title`
    of the workbook at path, in place. The sheet holds the table from A1 as openpyxl saved it with
    the frame's first row only (ooxml.tables.style_table styles each column's first data cell)."""

    with zipfile.ZipFile(path) as z:
        workbook = z.read(WORKBOOK).decode("utf-8")
        rels = relationships(z.read("xl/_rels/workbook.xml.rels").decode("utf-8"))
        index, sheet = next((i, s) for i, s in enumerate(sheets(workbook)) if s["name"] == title)
        part = resolve(WORKBOOK, next(r["Target"] for r in rels if r["Id"] == sheet["rid"]))
        xml = z.read(part).decode("utf-8")
    data = re.search(r"<sheetData>(.*)</sheetData>", xml, re.S)
    rows = _ROW.findall(data.group(1))
    if len(rows) != 2:
        raise ValueError(f"fill_table: sheet {title} holds {len(rows)} rows, not the header and one row")
    letters = [column_letter(j) for j in range(1, frame.width + 1)]
    styles = dict(re.findall(r'<c r="([A-Z]+)2" s="(\d+)"', rows[1]))
    last = frame.height + 1
    head = _extend_tags(xml[:data.start()], ("dimension",), last) + "<sheetData>" + rows[0]
    tail = "</sheetData>" + _extend_tags(xml[data.end():], ("autoFilter",), last)

    def named(m):  # the workbook's names on this sheet (the filter's hidden range)
        tag = m.group(0)
        return _RANGE_END_AT_2.sub(rf"\g<1>{last}", tag) if get_attr(tag, "localSheetId") == str(index) else tag

    workbook = element_regex("definedName").sub(named, workbook)
    cells = [_cell(name, dtype, letter, styles.get(letter), long_texts(frame.select(defused(pl.col(name))).to_series()) if dtype == pl.String else None)
             for (name, dtype), letter in zip(frame.schema.items(), letters)]
    row = pl.concat_str(pl.lit('<row r="'), pl.col(_ROW_NUMBER), pl.lit('"'), _height(frame, cols, col_widths),
                        pl.lit(">"), *cells, pl.lit("</row>"))
    head, tail = head.encode("utf-8"), tail.encode("utf-8")

    def rows_from(start: int) -> bytes:
        part_rows = frame.slice(start, CHUNK_ROWS)
        numbers = pl.int_range(start + 2, start + 2 + part_rows.height, eager=True).cast(pl.String)
        return part_rows.with_columns(numbers.alias(_ROW_NUMBER)).select(row.str.join("")).item().encode("utf-8")

    def pieces():
        yield head
        for start in range(0, frame.height, CHUNK_ROWS):
            yield rows_from(start)
        yield tail

    lengths = frame.select(pl.col(pl.String).str.len_bytes().sum())
    text_bytes = sum(n or 0 for n in lengths.row(0)) if lengths.width else 0
    # each cell's markup under CELL_MARKUP bytes, text at most 5 times longer escaped (& -> &amp;) plus the defusing '
    bound = len(head) + len(tail) + frame.height * (ROW_MARKUP + CELL_MARKUP * frame.width) + 6 * text_bytes
    replaced = {part: Chunks(pieces(), bound), WORKBOOK: workbook.encode("utf-8")}
    rewrite_zip(path, path, lambda name, data: replaced.get(name, data))


def _extend_tags(xml: str, tags: tuple[str, ...], last: int) -> str:
    """The ranges of these tags (ref="A1:M2") extended to the last row."""
    pattern = re.compile(rf"<(?:{'|'.join(tags)})\b[^>]*>")
    return pattern.sub(lambda m: _RANGE_END_AT_2.sub(rf"\g<1>{last}", m.group(0)), xml)


def _as_openpyxl(values: pl.Series) -> pl.Series:
    """Numbers as text of a <v> cell, as openpyxl writes them (%.16g), formatted once per distinct value."""
    from openpyxl.compat import safe_string

    texts = {v: safe_string(v) for v in values.drop_nulls().unique().to_list()}
    return values.replace_strict(texts, return_dtype=pl.String) if texts else values.cast(pl.String)


def _cell(name: str, dtype, letter: str, style: str | None, long: dict[str, str] | None) -> pl.Expr:
    """One column's cells, as openpyxl writes them: <c r="B7" s="8" t="inlineStr"><is><t>…</t></is></c>
    (the text stored as ooxml.text.stored stores it; long: the texts too long for a cell, cut)."""
    styled = f' s="{style}"' if style else ""
    ref = [pl.lit(f'<c r="{letter}'), pl.col(_ROW_NUMBER), pl.lit(f'"{styled}')]
    value = pl.col(name)
    if dtype == pl.String:
        stored = stored_expr(defused(value), long)
        text = stored.str.replace_all("&", "&amp;", literal=True).str.replace_all(
            "<", "&lt;", literal=True).str.replace_all(">", "&gt;", literal=True)
        stripped = stored.str.strip_chars()  # openpyxl keeps the spaces around a text explicitly
        space = pl.when((stripped != stored) & (stripped != "")).then(pl.lit(' xml:space="preserve"')).otherwise(
            pl.lit(""))
        full = pl.concat_str(*ref, pl.lit(' t="inlineStr"><is><t'), space, pl.lit(">"), text, pl.lit("</t></is></c>"))
        empty = pl.concat_str(*ref, pl.lit(' t="inlineStr" />'))
        return pl.when(value.is_null()).then(pl.concat_str(*ref, pl.lit(' t="n" />'))).when(value == "").then(
            empty).otherwise(full)
    if dtype.is_integer():
        number = value.cast(pl.String)
    elif dtype.is_float():
        number = value.map_batches(_as_openpyxl, return_dtype=pl.String)
    else:
        raise TypeError(f"fill_table: column {name} of type {dtype}: only text and numbers")
    return pl.when(value.is_null()).then(pl.concat_str(*ref, pl.lit(' t="n" />'))).otherwise(
        pl.concat_str(*ref, pl.lit(' t="n"><v>'), number, pl.lit("</v></c>")))


def _height(frame: pl.DataFrame, cols: list[Col], col_widths: list[float]) -> pl.Expr:
    """' ht="32" customHeight="1"' for rows whose wrapped text takes more than one line, else ''."""
    from openpyxl.compat import safe_string

    heights = []
    for (name, dtype), c, width in zip(frame.schema.items(), cols, col_widths):
        if c.wrap and dtype == pl.String:
            values = frame.select(defused(pl.col(name)).unique().drop_nulls()).to_series().to_list()
            of = {v: row_height([v], [c], [width]) for v in values}
            heights.append(defused(pl.col(name)).replace_strict(of, default=None, return_dtype=pl.Float64))
    if not heights:
        return pl.lit("")
    height = pl.max_horizontal(heights)
    seen = frame.select(height.unique().drop_nulls()).to_series().to_list()
    attrs = {h: f' ht="{safe_string(h)}" customHeight="1"' for h in seen}
    return height.replace_strict(attrs, default="", return_dtype=pl.String).fill_null("")
