"""The Verifica sheet of the annotated copy: one row per problem, the row number an internal link to the cell."""

from __future__ import annotations

from typing import Iterator

from registro.validators.ooxml.parts import REL_NS, XML_DECL
from registro.validators.ooxml.refs import column_letter
from registro.validators.ooxml.styles import Styles
from registro.validators.ooxml.text import xml_attr, xml_text
from registro.validators.render import outcome



def verifica_sheet(result: outcome.Outcome, register: str, styles: Styles) -> Iterator[str]:
    """The Verifica worksheet: one row per problem, the row number an internal link to the cell."""
    rows = result.verifica_rows()
    links = result.verifica_links(register)
    header = styles.cell(font="bold", wrap=True)
    link = styles.cell(font="link", top=True)
    wrapped = styles.cell(wrap=True)
    plain = styles.cell(top=True)
    width = len(outcome.VERIFICA_HEADER)
    last = column_letter(width)
    yield (f'{XML_DECL}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           f'xmlns:r="{REL_NS}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><dimension ref="A1:{last}{len(rows)}"/>'
           '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
           'state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>')
    yield "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                  for i, w in enumerate(outcome.VERIFICA_WIDTHS, start=1))
    yield "</cols><sheetData>"
    linked = {i for i, _, _ in links}
    for r, values in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(values, start=1):
            if value is None:
                continue
            ref = f"{column_letter(c)}{r}"
            if r == 1:
                s = header
            elif c == 1 and r in linked:
                s = link
            elif c <= width and outcome.VERIFICA_WRAPPED[c - 1]:
                s = wrapped
            else:
                s = plain
            if isinstance(value, int) and not isinstance(value, bool):
                cells.append(f'<c r="{ref}" s="{s}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}" s="{s}" t="inlineStr"><is><t xml:space="preserve">{xml_text(str(value))}'
                             "</t></is></c>")
        lines = max((outcome.text_lines(v, w) for v, w, wrap in zip(values, outcome.VERIFICA_WIDTHS, outcome.VERIFICA_WRAPPED)
                     if wrap and isinstance(v, str)), default=1)
        height = f' ht="{outcome.LINE_HEIGHT * lines}" customHeight="1"' if lines > 1 else ""
        yield f'<row r="{r}"{height}>{"".join(cells)}</row>'
    yield "</sheetData>"
    if len(rows) > 1:
        yield f'<autoFilter ref="A1:{last}{len(rows)}"/>'
    if links:
        yield "<hyperlinks>"
        for i, location, text in links:
            yield f'<hyperlink ref="A{i}" location={xml_attr(location)} display={xml_attr(text)}/>'
        yield "</hyperlinks>"
    yield ('<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
           '<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>')
