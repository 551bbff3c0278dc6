"""Streaming rewrite of a worksheet part (SpreadsheetML) for the annotated copy.

The sheet XML is read in chunks and copied byte for byte; only what the annotation needs is
replaced. Around the rows, the few top-level elements go through expat (incremental, DTDs and
entities refused): dimension, frozen pane, Esito column width, autofilter, page setup, comment
drawing. The rows themselves (sheet_rows.py) are scanned as bytes, at C speed: Esito cells,
restyled faulty cells. Memory stays bounded by the chunk size plus the annotation itself, whatever
the sheet's size.
"""

from __future__ import annotations

import re
from typing import Callable

from registro.validators.ooxml.parts import REL_NS, get_attr, set_attr
from registro.validators.ooxml.refs import column_letter, split_ref
from registro.validators.ooxml.sheet_plan import CHUNK, SheetPlan
from registro.validators.ooxml.sheet_read import local, safe_parser
from registro.validators.ooxml.sheet_rows import RowRewriter
# The children of <worksheet>, in the order the schema requires them.
WORKSHEET_ORDER = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr", "sheetProtection",
    "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate", "customSheetViews", "mergeCells",
    "phoneticPr", "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup",
    "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing",
    "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
    "tableParts", "extLst",
)
_RANK = {name: i for i, name in enumerate(WORKSHEET_ORDER)}


class SheetRewriter:
    """Copies the parts of a worksheet around <sheetData> to out(), applying a SheetPlan.

    Only the few top-level elements before and after the rows go through expat; the rows
    themselves are handled by RowRewriter at C speed (regular expressions over byte blocks).
    """

    CAPTURED = {"sheetPr", "dimension", "sheetViews", "cols", "pageSetup"}
    ENSURED = ("sheetPr", "sheetViews", "cols", "autoFilter", "pageMargins", "pageSetup", "legacyDrawing")

    def __init__(self, plan: SheetPlan, out: Callable[[bytes], None]):
        self.plan = plan
        self.out = out
        self.buf = bytearray()
        self.base = 0  # absolute offset of buf[0]
        self.pos = 0  # absolute offset up to which the input has been emitted (or skipped)
        self.depth = 0
        self.prefix = ""
        self.seen: set[str] = set()
        self.capture: tuple[str, int, int | None] | None = None
        self._safe = 0
        self.parser = safe_parser(StartElementHandler=self._start, EndElementHandler=self._end)

    # -- byte bookkeeping ----------------------------------------------------------------------
    def _emit_to(self, x: int) -> None:
        if x > self.pos:
            self.out(bytes(self.buf[self.pos - self.base:x - self.base]))
            self.pos = x

    def _put(self, text: str) -> None:
        self.out(text.encode("utf-8"))

    def _tag_end(self, start: int) -> int:
        """Absolute offset just after the '>' of the tag starting at start."""
        return self.buf.index(b">", start - self.base) + 1 + self.base

    def _closed_at(self, start: int) -> int | None:
        """For an empty element (<x/>) starting at start, the offset after it; else None."""
        end = self._tag_end(start)
        return end if self.buf[end - 2 - self.base] == ord("/") else None

    def _text(self, a: int, b: int) -> str:
        return self.buf[a - self.base:b - self.base].decode("utf-8")

    def feed(self, data: bytes, final: bool = False) -> None:
        """Parse and copy more of the part."""
        self.buf += data
        self.parser.Parse(data, final)
        if final:
            self._emit_to(self.base + len(self.buf))
            return
        if self.capture is None:
            self._emit_to(max(self.pos, self._safe))
        drop = self.pos - self.base
        if drop > CHUNK:
            del self.buf[:drop]
            self.base = self.pos

    def flush(self) -> None:
        """Emit everything fed so far (only between top-level elements)."""
        self._emit_to(self.base + len(self.buf))

    # -- elements ---------------------------------------------------------------------------------
    def el(self, name: str, attrs: str = "", body: str | None = None) -> str:
        """An element in the sheet's own prefix."""
        tag = f"{self.prefix}{name}"
        return f"<{tag}{attrs}/>" if body is None else f"<{tag}{attrs}>{body}</{tag}>"

    def _ensure_before(self, rank: int, at: int) -> None:
        """Insert the ensured elements that must come before a child of this rank and are absent."""
        for name in self.ENSURED:
            if name not in self.seen and _RANK[name] < rank:
                self.seen.add(name)
                text = self._new_element(name)
                if text:
                    self._emit_to(at)
                    self._put(text)

    def _new_element(self, name: str) -> str:
        p = self.plan
        if name == "sheetPr":
            return self.el("sheetPr", "", self.el("pageSetUpPr", ' fitToPage="1"'))
        if name == "sheetViews":
            return self.el("sheetViews", "", self.el("sheetView", ' workbookViewId="0"', self._pane()))
        if name == "cols":
            return self.el("cols", "", self._esito_col_tag())
        if name == "autoFilter":
            if p.autofilter and p.last_row > p.header_row:
                last_col = max(p.esito_col, p.last_col)
                p.sheet_info["autofilter"] = (p.header_row, p.last_row, last_col)
                return self.el("autoFilter", f' ref="A{p.header_row}:{column_letter(last_col)}{p.last_row}"')
            return ""
        if name == "pageMargins":
            return self.el("pageMargins", ' left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"')
        if name == "pageSetup":
            return self.el("pageSetup", ' orientation="landscape" fitToWidth="1" fitToHeight="0"')
        if name == "legacyDrawing" and p.legacy_rel:
            return f'<{self.prefix}legacyDrawing xmlns:r="{REL_NS}" r:id="{p.legacy_rel}"/>'
        return ""

    def _pane(self) -> str:
        h = self.plan.header_row
        return self.el("pane", f' ySplit="{h}" topLeftCell="A{h + 1}" activePane="bottomLeft" state="frozen"')

    def _esito_col_tag(self) -> str:
        c, w = self.plan.esito_col, self.plan.esito_width
        return self.el("col", f' min="{c}" max="{c}" width="{w}" customWidth="1"')

    def _rewrite(self, name: str, raw: str) -> str:
        """A captured top-level element, changed as the plan needs."""
        p = self.plan
        if name == "dimension":
            ref = get_attr(raw, "ref") or "A1"
            first, _, last = ref.partition(":")
            last = last or first
            row, col = split_ref(last)
            return set_attr(raw, "ref", f"{first}:{column_letter(max(col, p.esito_col))}{row}")
        if name == "sheetPr":
            if re.search(r"<(\w+:)?pageSetUpPr\b", raw):
                return re.sub(r"<(\w+:)?pageSetUpPr\b[^>]*?/?>", lambda m: set_attr(m.group(0), "fitToPage", "1"), raw, 1)
            child = self.el("pageSetUpPr", ' fitToPage="1"')
            if raw.rstrip().endswith("/>"):
                return raw.rstrip()[:-2].rstrip() + f">{child}</{self.prefix}sheetPr>"
            # pageSetUpPr comes after tabColor and outlinePr, the only other children
            return raw[:raw.rindex("</")] + child + raw[raw.rindex("</"):]
        if name == "sheetViews":
            if re.search(r"<(\w+:)?pane\b", raw):
                return raw  # the user's own split or freeze stays
            m = re.search(r"<(\w+:)?sheetView\b[^>]*?(/?)>", raw)
            if not m:
                return raw
            if m.group(2):
                tag = m.group(0)[:-2].rstrip() + ">" + self._pane() + f"</{self.prefix}sheetView>"
            else:
                tag = m.group(0) + self._pane()
            return raw[:m.start()] + tag + raw[m.end():]
        if name == "cols":
            return self._rewrite_cols(raw)
        if name == "pageSetup":
            for attr, value in (("orientation", "landscape"), ("fitToWidth", "1"), ("fitToHeight", "0")):
                raw = set_attr(raw, attr, value)
            return raw
        return raw

    def _rewrite_cols(self, raw: str) -> str:
        """<cols> with the Esito column's width (ranges covering it are split around it)."""
        e = self.plan.esito_col
        tags = re.findall(r"<(?:\w+:)?col\b[^>]*?/>", raw)
        kept = []
        for tag in tags:
            lo, hi = int(get_attr(tag, "min") or 0), int(get_attr(tag, "max") or 0)
            if lo <= e <= hi:
                if lo < e:
                    kept.append((lo, set_attr(set_attr(tag, "min", str(lo)), "max", str(e - 1))))
                if e < hi:
                    kept.append((e + 1, set_attr(set_attr(tag, "min", str(e + 1)), "max", str(hi))))
            else:
                kept.append((lo, tag))
        kept.append((e, self._esito_col_tag()))
        kept.sort(key=lambda t: t[0])
        start = re.match(r"<(?:\w+:)?cols\b[^>]*>", raw).group(0)
        return start + "".join(t for _, t in kept) + f"</{self.prefix}cols>"

    # -- handlers ---------------------------------------------------------------------------------
    def _start(self, name, attrs):
        at = self.parser.CurrentByteIndex
        self._safe = at
        self.depth += 1
        d = self.depth
        if d == 1:
            raw = self._text(at, self._tag_end(at))
            m = re.match(r"<(\w+:)?", raw)
            self.prefix = m.group(1) or ""
            return
        if d != 2:
            return
        tag = local(name)
        self._ensure_before(_RANK.get(tag, len(WORKSHEET_ORDER)), at)
        self.seen.add(tag)
        if tag in self.CAPTURED:
            self._emit_to(at)
            self.capture = (tag, at, self._closed_at(at))

    def _end(self, name):
        at = self.parser.CurrentByteIndex
        self._safe = at
        d = self.depth
        self.depth -= 1
        if d == 2:
            tag = local(name)
            if self.capture and self.capture[0] == tag:
                _, start, closed = self.capture
                end = closed or self._tag_end(at)
                self._put(self._rewrite(tag, self._text(start, end)))
                self.pos = end
                self.capture = None
        elif d == 1:
            self._ensure_before(len(WORKSHEET_ORDER) + 1, at)


def rewrite_sheet(stream, plan: SheetPlan, out: Callable[[bytes], None]) -> SheetPlan:
    """Stream a worksheet part through the plan's changes into out(); returns the completed plan."""
    head = SheetRewriter(plan, out)
    data = bytearray()
    opening = re.compile(rb"<(?:\w+:)?sheetData\b[^>]*?(/?)>")
    while True:
        chunk = stream.read(CHUNK)
        data += chunk
        m = opening.search(data)
        if m or not chunk:
            break
    if m is None or m.group(1):  # no rows at all
        head.feed(bytes(data))
        while chunk := stream.read(CHUNK):
            head.feed(chunk)
        head.feed(b"", True)
        return plan
    head.feed(bytes(data[:m.end()]))
    head.flush()
    rest = RowRewriter(plan, out).run(data[m.end():], stream)
    head.feed(rest)
    while chunk := stream.read(CHUNK):
        head.feed(chunk)
    head.feed(b"", True)
    return plan
