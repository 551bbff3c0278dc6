"""The small parts of an .xlsx package that the annotated copy changes or adds, as text.

Existing parts are changed by splicing their text (never re-serialised), so that namespaces,
prefixes and everything the annotation does not touch stay exactly as the user's program wrote them.
"""

from __future__ import annotations

import re
from typing import Iterator
from xml.sax.saxutils import escape, quoteattr

from registro.validators.render import outcome
from registro.validators.package import get_attr, relationships, set_attr, sheets
from registro.validators.render.sheet_stream import REL_NS

XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CT = "application/vnd.openxmlformats-officedocument."
WORKSHEET_CT = CT + "spreadsheetml.worksheet+xml"
COMMENTS_CT = CT + "spreadsheetml.comments+xml"
VML_CT = CT + "vmlDrawing"
# The children of <workbook> that come after <definedNames>, in schema order.
_AFTER_DEFINED_NAMES = ("calcPr", "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
                        "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")


def element_regex(name: str, flags=re.S) -> re.Pattern:
    """<name …/> or <name …>…</name>, any namespace prefix."""
    return re.compile(rf"<(\w+:)?{name}\b[^>]*?(?:/>|>.*?</(?:\w+:)?{name}>)", flags)


def free_id(xml: str | None, prefix: str = "rId") -> str:
    """A relationship id not used in a .rels part."""
    used = {r["Id"] for r in relationships(xml)}
    n = len(used) + 1
    while f"{prefix}{n}" in used:
        n += 1
    return f"{prefix}{n}"


def add_relationships(xml: str | None, rels: list[tuple[str, str, str]]) -> str:
    """A .rels part with (Id, type suffix, absolute target) relationships added."""
    new = "".join(f'<Relationship Id="{i}" Type="{REL_TYPE}{t}" Target="{escape(target)}"/>' for i, t, target in rels)
    if not xml:
        return f'{XML_DECL}<Relationships xmlns="{PKG_REL_NS}">{new}</Relationships>'
    m = re.search(r"</(\w+:)?Relationships\s*>", xml)
    if m:
        return xml[:m.start()] + new + xml[m.start():]
    return re.sub(r"<((?:\w+:)?Relationships\b[^>]*?)/>", lambda m: f"<{m.group(1)}>{new}</Relationships>", xml, 1)


def add_content_types(xml: str, overrides: list[tuple[str, str]], defaults: list[tuple[str, str]]) -> str:
    """[Content_Types].xml with Override (part, type) and Default (extension, type) entries added."""
    present = {e.lower() for e in re.findall(r'<(?:\w+:)?Default\b[^>]*Extension="([^"]+)"', xml)}
    parts = {p.lower() for p in re.findall(r'<(?:\w+:)?Override\b[^>]*PartName="([^"]+)"', xml)}
    new = "".join(f'<Default Extension="{e}" ContentType="{t}"/>' for e, t in defaults if e.lower() not in present)
    new += "".join(f'<Override PartName="/{p}" ContentType="{t}"/>' for p, t in overrides if f"/{p}".lower() not in parts)
    m = re.search(r"</(\w+:)?Types\s*>", xml)
    return xml[:m.start()] + new + xml[m.start():]


# ---------------------------------------------------------------------------------------------
# workbook.xml


def active_tab(workbook_xml: str) -> int:
    """The 0-based index of the sheet the workbook opens on."""
    m = re.search(r"<(?:\w+:)?workbookView\b[^>]*>", workbook_xml)
    value = get_attr(m.group(0), "activeTab") if m else None
    return int(value) if value and value.isdigit() else 0


def add_sheet(workbook_xml: str, name: str, rid: str) -> str:
    """workbook.xml with a sheet appended to <sheets>."""
    ids = [int(s["sheetId"]) for s in sheets(workbook_xml) if s["sheetId"].isdigit()]
    prefix = re.search(r"<(\w+:)?sheets\b", workbook_xml).group(1) or ""
    tag = f'<{prefix}sheet xmlns:r="{REL_NS}" name={quoteattr(name)} sheetId="{max(ids, default=0) + 1}" r:id="{rid}"/>'
    m = re.search(r"</(\w+:)?sheets\s*>", workbook_xml)
    return workbook_xml[:m.start()] + tag + workbook_xml[m.start():]


def defined_names(workbook_xml: str) -> list[tuple[str, str | None]]:
    """(name, localSheetId) of every defined name."""
    return [(get_attr(t, "name") or "", get_attr(t, "localSheetId"))
            for t in re.findall(r"<(?:\w+:)?definedName\b[^>]*>", workbook_xml)]


def add_defined_names(workbook_xml: str, names: list[tuple[str, int, str, bool]]) -> str:
    """workbook.xml with (name, localSheetId, formula, hidden) defined names added where absent."""
    present = set(defined_names(workbook_xml))
    prefix = re.search(r"<(\w+:)?workbook\b", workbook_xml).group(1) or ""
    hide = ' hidden="1"'
    new = "".join(
        f'<{prefix}definedName name="{n}" localSheetId="{i}"{hide if hidden else ""}>{escape(f)}</{prefix}definedName>'
        for n, i, f, hidden in names if (n, str(i)) not in present)
    if not new:
        return workbook_xml
    m = re.search(r"</(\w+:)?definedNames\s*>", workbook_xml)
    if m:
        return workbook_xml[:m.start()] + new + workbook_xml[m.start():]
    empty = re.search(r"<(\w+:)?definedNames\b[^>]*/>", workbook_xml)
    if empty:
        block = f"{empty.group(0)[:-2].rstrip()}>{new}</{prefix}definedNames>"
        return workbook_xml[:empty.start()] + block + workbook_xml[empty.end():]
    block = f"<{prefix}definedNames>{new}</{prefix}definedNames>"
    after = re.search(r"<(?:\w+:)?(?:" + "|".join(_AFTER_DEFINED_NAMES) + r")\b", workbook_xml)
    at = after.start() if after else re.search(r"</(\w+:)?workbook\s*>", workbook_xml).start()
    return workbook_xml[:at] + block + workbook_xml[at:]


def drop_defined_names(workbook_xml: str, local_id: int, names: tuple[str, ...]) -> str:
    """workbook.xml without the given defined names of one sheet."""
    def keep(m):
        tag = m.group(0)
        return "" if get_attr(tag, "localSheetId") == str(local_id) and get_attr(tag, "name") in names else tag

    return element_regex("definedName").sub(keep, workbook_xml)


# ---------------------------------------------------------------------------------------------
# styles.xml

MINIMAL_STYLES = (
    f'{XML_DECL}<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


class Styles:
    """styles.xml with the fills, fonts and cell formats of the annotation appended."""

    def __init__(self, xml: str | None):
        self.xml = xml or MINIMAL_STYLES
        self.xfs = self._items("cellXfs", "xf")
        self.fonts = self._items("fonts", "font")
        self.fills = self._items("fills", "fill")
        m = re.search(r"<(\w+:)?cellXfs\b", self.xml)
        self.prefix = (m.group(1) if m else "") or ""
        self.new = {"cellXfs": [], "fonts": [], "fills": []}
        self._cache: dict = {}

    def _items(self, section: str, item: str) -> list[str]:
        m = re.search(rf"<(\w+:)?{section}\b[^>]*?(/>|>(.*?)</(?:\w+:)?{section}>)", self.xml, re.S)
        if not m or m.group(2) == "/>":
            return []
        return [x.group(0) for x in element_regex(item).finditer(m.group(3))]

    def _add(self, section: str, existing: list[str], text: str) -> int:
        key = (section, text)
        if key not in self._cache:
            self.new[section].append(text)
            self._cache[key] = len(existing) + len(self.new[section]) - 1
        return self._cache[key]

    def el(self, name: str, attrs: str = "", body: str | None = None) -> str:
        tag = f"{self.prefix}{name}"
        return f"<{tag}{attrs}/>" if body is None else f"<{tag}{attrs}>{body}</{tag}>"

    def fill(self, colour: str) -> int:
        """The id of a solid fill of this colour (RRGGBB)."""
        body = self.el("patternFill", ' patternType="solid"',
                       self.el("fgColor", f' rgb="FF{colour}"') + self.el("bgColor", ' indexed="64"'))
        return self._add("fills", self.fills, self.el("fill", "", body))

    def font(self, kind: str) -> int:
        """The id of the workbook's default font made bold ('bold') or a link ('link')."""
        base = self.fonts[0] if self.fonts else "<font/>"
        part = {n: (element_regex(n).search(base) or [""])[0] for n in ("sz", "color", "name", "family", "charset", "scheme")}
        if kind == "bold":
            body = self.el("b") + part["sz"] + part["color"] + part["name"] + part["family"] + part["charset"] + part["scheme"]
        else:
            body = (self.el("u") + part["sz"] + self.el("color", f' rgb="FF{outcome.LINK_BLUE}"') + part["name"]
                    + part["family"] + part["charset"] + part["scheme"])
        return self._add("fonts", self.fonts, self.el("font", "", body))

    def faulty(self, style: int, severity: str) -> int:
        """A copy of cell format `style` with the severity's fill."""
        key = ("faulty", style, severity)
        if key not in self._cache:
            self._cache[key] = self._faulty(style, severity)
        return self._cache[key]

    def _faulty(self, style: int, severity: str) -> int:
        base = self.xfs[style] if 0 <= style < len(self.xfs) else (self.xfs[0] if self.xfs else self.el("xf"))
        start, _, rest = base.partition(">")
        start += ">"
        if start.endswith("/>"):
            rest = ""
        fill = self.fill(outcome.SEVERITY_COLOUR[severity])
        start = set_attr(set_attr(start, "fillId", str(fill)), "applyFill", "1")
        return self._add("cellXfs", self.xfs, start + rest)

    def cell(self, *, font: str | None = None, fill: str | None = None, wrap: bool = False, top: bool = False) -> int:
        """A new cell format: font kind, fill colour, text aligned to the top (wrapped text always is)."""
        font_id = self.font(font) if font else 0
        fill_id = self.fill(fill) if fill else 0
        align = (self.el("alignment", ' vertical="top"' + (' wrapText="1"' if wrap else "")) if wrap or top else "")
        attrs = f' numFmtId="0" fontId="{font_id}" fillId="{fill_id}" borderId="0" xfId="0"'
        attrs += (' applyFont="1"' if font else "") + (' applyFill="1"' if fill else "") + (' applyAlignment="1"' if align else "")
        return self._add("cellXfs", self.xfs, self.el("xf", attrs, align) if align else self.el("xf", attrs))

    def render(self) -> str:
        """The styles part with the new entries appended and the counts updated."""
        xml = self.xml
        for section, existing in (("fonts", self.fonts), ("fills", self.fills), ("cellXfs", self.xfs)):
            added = self.new[section]
            if not added:
                continue
            count = str(len(existing) + len(added))
            m = re.search(rf"<(\w+:)?{section}\b[^>]*?(/?)>", xml)
            if m is None:  # no such section: not in a valid styles part; add one before cellXfs' place
                raise ValueError(f"styles.xml senza {section}")
            start = set_attr(m.group(0), "count", count)
            if m.group(2):
                start = start[:-2] + ">"
                xml = xml[:m.start()] + start + "".join(added) + f"</{m.group(1) or ''}{section}>" + xml[m.end():]
            else:
                close = re.compile(rf"</(\w+:)?{section}\s*>").search(xml, m.end())
                xml = xml[:m.start()] + start + xml[m.end():close.start()] + "".join(added) + xml[close.start():]
        return xml


# ---------------------------------------------------------------------------------------------
# comments


def existing_comments(xml: str | None) -> dict[str, tuple[str, str]]:
    """{cell: (author, plain text)} of a comments part (an earlier annotation's are left out)."""
    if not xml:
        return {}
    from defusedxml import ElementTree

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    root = ElementTree.fromstring(xml.encode("utf-8"))
    authors = [a.text or "" for a in root.iter(f"{ns}author")]
    out = {}
    for c in root.iter(f"{ns}comment"):
        author_id = int(c.get("authorId") or 0)
        author = authors[author_id] if author_id < len(authors) else ""
        if author == outcome.COMMENT_AUTHOR:
            continue
        text = "".join(t.text or "" for t in c.iter(f"{ns}t"))
        out[c.get("ref")] = (author, text)
    return out


def comments_part(comments: list[tuple[str, str, str]]) -> Iterator[str]:
    """A comments part from (cell, author, text), in the order given."""
    authors = list(dict.fromkeys(a for _, a, _ in comments))
    index = {a: i for i, a in enumerate(authors)}
    yield f'{XML_DECL}<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors>'
    yield "".join(f"<author>{escape(a)}</author>" for a in authors)
    yield "</authors><commentList>"
    for ref, author, text in comments:
        yield (f'<comment ref="{ref}" authorId="{index[author]}"><text><t xml:space="preserve">{escape(text)}</t>'
               "</text></comment>")
    yield "</commentList></comments>"


def vml_part(cells: list[tuple[int, int]]) -> Iterator[str]:
    """The legacy drawing Excel needs to show comments: one hidden note shape per (row, column)."""
    yield ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
           'xmlns:x="urn:schemas-microsoft-com:office:excel">'
           '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>'
           '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
           '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')
    for i, (row, col) in enumerate(cells, start=1026):
        yield (f'<v:shape id="_x0000_s{i:04d}" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;'
               'margin-top:1.5pt;width:144pt;height:79pt;z-index:1;visibility:hidden" fillcolor="#ffffe1" '
               'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow color="black" obscured="t"/>'
               '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"/>'
               '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
               f'<x:AutoFill>False</x:AutoFill><x:Row>{row - 1}</x:Row><x:Column>{col - 1}</x:Column>'
               '</x:ClientData></v:shape>')
    yield "</xml>"


# ---------------------------------------------------------------------------------------------
# the Verifica sheet


def verifica_part(result: outcome.Outcome, register: str, styles: Styles) -> Iterator[str]:
    """The Verifica worksheet: one row per problem, the row number an internal link to the cell."""
    rows = result.verifica_rows()
    links = result.verifica_links(register)
    header = styles.cell(font="bold", wrap=True)
    link = styles.cell(font="link", top=True)
    wrapped = styles.cell(wrap=True)
    plain = styles.cell(top=True)
    width = len(outcome.VERIFICA_HEADER)
    last = outcome.column_letter(width)
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
            ref = f"{outcome.column_letter(c)}{r}"
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
                cells.append(f'<c r="{ref}" s="{s}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}'
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
            yield f'<hyperlink ref="A{i}" location={quoteattr(location)} display={quoteattr(text)}/>'
        yield "</hyperlinks>"
    yield ('<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
           '<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>')
