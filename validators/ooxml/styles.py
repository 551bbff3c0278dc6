"""styles.xml of an existing package with fills, fonts and cell formats appended (the annotated copy's)."""

from __future__ import annotations

import re

from registro.validators.ooxml.parts import XML_DECL, element_regex, set_attr

LINK_BLUE = "0563C1"  # Excel's hyperlink colour


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
        """The id of the workbook's default font made bold ('bold') or a link ('link', LINK_BLUE)."""
        base = self.fonts[0] if self.fonts else "<font/>"
        part = {n: (element_regex(n).search(base) or [""])[0] for n in ("sz", "color", "name", "family", "charset", "scheme")}
        if kind == "bold":
            body = self.el("b") + part["sz"] + part["color"] + part["name"] + part["family"] + part["charset"] + part["scheme"]
        else:
            body = (self.el("u") + part["sz"] + self.el("color", f' rgb="FF{LINK_BLUE}"') + part["name"]
                    + part["family"] + part["charset"] + part["scheme"])
        return self._add("fonts", self.fonts, self.el("font", "", body))

    def filled(self, style: int, colour: str) -> int:
        """A copy of cell format `style` with a solid fill of colour (RRGGBB)."""
        key = ("filled", style, colour)
        if key not in self._cache:
            self._cache[key] = self._filled(style, colour)
        return self._cache[key]

    def _filled(self, style: int, colour: str) -> int:
        base = self.xfs[style] if 0 <= style < len(self.xfs) else (self.xfs[0] if self.xfs else self.el("xf"))
        start, _, rest = base.partition(">")
        start += ">"
        if start.endswith("/>"):
            rest = ""
        fill = self.fill(colour)
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
