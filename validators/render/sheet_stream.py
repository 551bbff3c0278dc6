"""Streaming rewrite of a worksheet part (SpreadsheetML) for the annotated copy.

The sheet XML is parsed incrementally (expat, in chunks) and copied byte for byte; only the spans
that the annotation needs are replaced: the style index of faulty cells, the Esito cell of each row,
the sheet's dimension, frozen pane, column width, autofilter, page setup and comment drawing.
Memory stays bounded by the chunk size plus the annotation itself, whatever the sheet's size.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass, field
from typing import Callable
from xml.sax.saxutils import escape, quoteattr

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CHUNK = 1 << 20
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
_REF = re.compile(r"([A-Za-z]+)(\d+)")


class Refused(Exception):
    """The XML declares a DTD or entities (never in a real workbook part): not parsed."""


def column_index(letters: str) -> int:
    """'A' -> 1, 'AA' -> 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def split_ref(ref: str) -> tuple[int, int]:
    """'G3' -> (3, 7)."""
    m = _REF.match(ref)
    return int(m.group(2)), column_index(m.group(1))


def safe_parser(**handlers) -> xml.parsers.expat.XMLParserType:
    """An expat parser with namespaces resolved that refuses DTDs and entity declarations."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")

    def refuse(*_args):
        raise Refused("DTD o entità nel file")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    for name, handler in handlers.items():
        setattr(parser, name, handler)
    return parser


def local(name: str) -> str:
    """The local part of an expat 'namespace local' name."""
    return name.rpartition(" ")[2]


def set_attr(tag: str, name: str, value: str) -> str:
    """A start tag (text) with attribute name set to value (replaced or added)."""
    pattern = re.compile(r"(\s" + re.escape(name) + r"\s*=\s*)(\"[^\"]*\"|'[^']*')")
    if pattern.search(tag):
        return pattern.sub(lambda m: f"{m.group(1)}{quoteattr(value)}", tag, count=1)
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return f"{tag[:end].rstrip()} {name}={quoteattr(value)}{tag[end:]}"


def get_attr(tag: str, name: str) -> str | None:
    """The value of attribute name in a start tag (text), if present."""
    m = re.search(r"\s" + re.escape(name) + r"\s*=\s*(\"[^\"]*\"|'[^']*')", tag)
    return m.group(1)[1:-1] if m else None


def read_first_rows(stream, limit: int, info: dict | None = None) -> list[tuple[int, list[tuple[int, str | None, str | None]]]]:
    """[(row, [(column, type, text)])] of the rows numbered up to limit, reading no further.

    info, if given, receives the sheet's declared 'dimension' (e.g. 'A1:J100').
    """
    info = {} if info is None else info
    rows: list[tuple[int, list]] = []
    state = {"row": 0, "col": 0, "cell": None, "text": None, "depth": 0}

    class Done(Exception):
        pass

    def start(name, attrs):
        state["depth"] += 1
        tag = local(name)
        if tag == "dimension" and state["depth"] == 2:
            info["dimension"] = attrs.get("ref")
        elif tag == "row" and state["depth"] == 3:
            state["row"] = int(attrs.get("r") or state["row"] + 1)
            if state["row"] > limit:
                raise Done
            state["col"] = 0
            rows.append((state["row"], []))
        elif tag == "c" and state["depth"] == 4 and rows:
            ref = attrs.get("r")
            state["col"] = split_ref(ref)[1] if ref else state["col"] + 1
            state["cell"] = [state["col"], attrs.get("t"), None]
            rows[-1][1].append(state["cell"])
        elif tag in ("v", "t") and state["cell"] is not None and state["depth"] >= 5:
            state["text"] = []

    def end(name):
        state["depth"] -= 1
        tag = local(name)
        if tag in ("v", "t") and state["text"] is not None:
            cell = state["cell"]
            cell[2] = (cell[2] or "") + "".join(state["text"])
            state["text"] = None
        elif tag == "c":
            state["cell"] = None

    def chars(data):
        if state["text"] is not None:
            state["text"].append(data)

    parser = safe_parser(StartElementHandler=start, EndElementHandler=end, CharacterDataHandler=chars)
    try:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except Done:
        pass
    return [(r, [tuple(c) for c in cells]) for r, cells in rows]


def shared_strings(stream, wanted: set[int]) -> tuple[dict[int, str], set[int]]:
    """({index: text} for the wanted indices, indices of blank strings) of a sharedStrings part."""
    texts: dict[int, str] = {}
    blank: set[int] = set()
    state = {"i": -1, "parts": None, "in_t": False, "phonetic": 0}

    def start(name, attrs):
        tag = local(name)
        if tag == "si":
            state["i"] += 1
            state["parts"] = []
        elif tag == "rPh":
            state["phonetic"] += 1
        elif tag == "t" and not state["phonetic"]:
            state["in_t"] = True

    def end(name):
        tag = local(name)
        if tag == "si":
            text = "".join(state["parts"])
            if not text.strip():
                blank.add(state["i"])
            if state["i"] in wanted:
                texts[state["i"]] = text
            state["parts"] = None
        elif tag == "rPh":
            state["phonetic"] -= 1
        elif tag == "t":
            state["in_t"] = False

    def chars(data):
        if state["in_t"] and state["parts"] is not None:
            state["parts"].append(data)

    parser = safe_parser(StartElementHandler=start, EndElementHandler=end, CharacterDataHandler=chars)
    while chunk := stream.read(CHUNK):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return texts, blank


@dataclass
class SheetPlan:
    """What the rewrite changes, decided before the sheet is streamed."""

    header_row: int
    esito_col: int
    esito_width: int
    contract_cols: set[int]
    blank_strings: set[int]
    faulty: dict[int, dict[int, str]]  # row -> {column: severity}
    esito: Callable[[int, bool], tuple[str, str] | None]  # (row, filled) -> (text, colour)
    faulty_style: Callable[[int, str], int]  # (original style index, severity) -> new style index
    esito_style: Callable[[str | None], int]  # colour (None for the header) -> style index
    legacy_rel: str | None = None  # relationship id of a new comments drawing, if any
    autofilter: bool = True
    # Filled in by the rewrite:
    last_row: int = 0
    last_col: int = 0
    has_table: bool = False
    had_autofilter: bool = False
    sheet_info: dict = field(default_factory=dict)


class SheetRewriter:
    """Copies a worksheet part from a byte stream to out(), applying a SheetPlan."""

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
        self.capture: tuple[str, int] | None = None
        self.in_data = False
        # current row
        self.row = 0
        self.row_open = False
        self.todo: list[int] = []  # faulty columns of the row with no cell yet, ascending
        self.row_faults: dict[int, str] = {}
        self.filled = False
        self.esito_done = False
        self.header_last_col = 0
        # current cell
        self.col = 0
        self.cell_contract = False
        self.cell_type = None
        self.cell_drop: int | None = None
        self.cell_closed: int | None = None
        self.text: list[str] | None = None
        self.parser = safe_parser(StartElementHandler=self._start, EndElementHandler=self._end,
                                  CharacterDataHandler=self._chars)

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

    def run(self, stream) -> None:
        """Stream the whole part."""
        while chunk := stream.read(CHUNK):
            self.buf += chunk
            self.parser.Parse(chunk, False)
            if self.capture is None and self.cell_drop is None:
                self._emit_to(max(self.pos, self._safe))
            drop = self.pos - self.base
            if drop > CHUNK:
                del self.buf[:drop]
                self.base = self.pos
        self.parser.Parse(b"", True)
        self._emit_to(self.base + len(self.buf))

    _safe = 0

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
            if p.autofilter and not p.has_table and p.last_row > p.header_row:
                from validators.render.outcome import column_letter

                last = column_letter(max(p.esito_col, self.header_last_col))
                p.sheet_info["autofilter"] = (p.header_row, p.last_row, max(p.esito_col, self.header_last_col))
                return self.el("autoFilter", f' ref="A{p.header_row}:{last}{p.last_row}"')
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
            from validators.render.outcome import column_letter

            row, col = split_ref(last)
            return set_attr(raw, "ref", f"{first}:{column_letter(max(col, p.esito_col))}{row}")
        if name == "sheetPr":
            if re.search(r"<(\w+:)?pageSetUpPr\b", raw):
                return re.sub(r"<(\w+:)?pageSetUpPr\b[^>]*?/?>", lambda m: set_attr(m.group(0), "fitToPage", "1"), raw, 1)
            child = self.el("pageSetUpPr", ' fitToPage="1"')
            if raw.rstrip().endswith("/>"):
                return raw.rstrip()[:-2] + f">{child}</{self.prefix}sheetPr>"
            # pageSetUpPr comes after tabColor and outlinePr, the only other children
            return raw[:raw.rindex("</")] + child + raw[raw.rindex("</"):]
        if name == "sheetViews":
            if re.search(r"<(\w+:)?pane\b", raw):
                return raw  # the user's own split or freeze stays
            m = re.search(r"<(\w+:)?sheetView\b[^>]*?(/?)>", raw)
            if not m:
                return raw
            if m.group(2):
                tag = m.group(0)[:-2] + ">" + self._pane() + f"</{self.prefix}sheetView>"
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
        tag = local(name)
        if d == 2:
            rank = _RANK.get(tag, len(WORKSHEET_ORDER))
            self._ensure_before(rank, at)
            self.seen.add(tag)
            if tag == "tableParts":
                self.plan.has_table = True
            if tag == "autoFilter":
                self.plan.had_autofilter = True
            if tag in self.CAPTURED:
                self._emit_to(at)
                self.capture = (tag, at, self._closed_at(at))
            elif tag == "sheetData":
                self.in_data = True
            return
        if not self.in_data:
            return
        if d == 3 and tag == "row":
            self._row_start(attrs, at)
        elif d == 4 and tag == "c" and self.row_open:
            self._cell_start(attrs, at)
        elif d >= 5 and self.cell_contract:
            if tag in ("v", "t"):
                self.text = []
            elif tag == "f":
                self.filled = True

    def _end(self, name):
        at = self.parser.CurrentByteIndex
        self._safe = at
        d = self.depth
        self.depth -= 1
        tag = local(name)
        if d == 2:
            if self.capture and self.capture[0] == tag:
                _, start, closed = self.capture
                end = closed or self._tag_end(at)
                self._put(self._rewrite(tag, self._text(start, end)))
                self.pos = end
                self.capture = None
            elif tag == "sheetData":
                self.in_data = False
            return
        if d == 1:
            self._ensure_before(len(WORKSHEET_ORDER) + 1, at)
            return
        if not self.in_data:
            return
        if d == 3 and tag == "row" and self.row_open:
            self._row_end(at)
        elif d == 4 and tag == "c" and self.row_open:
            if self.cell_drop is not None:  # an old Esito cell: skipped, ours is written instead
                self.pos = self.cell_closed or self._tag_end(at)
                self.cell_drop = None
            self.cell_contract = False
        elif self.text is not None and tag in ("v", "t"):
            value = "".join(self.text)
            self.text = None
            if value.strip():
                if self.cell_type == "s":
                    try:
                        self.filled = self.filled or int(value) not in self.plan.blank_strings
                    except ValueError:
                        pass
                else:
                    self.filled = True

    def _chars(self, data):
        if self.text is not None:
            self.text.append(data)

    def _row_start(self, attrs, at):
        self.row = int(attrs.get("r") or self.row + 1)
        self.col = 0
        end = self._tag_end(at)
        self.row_open = self._closed_at(at) is None
        if not self.row_open:
            return
        self.filled = False
        self.esito_done = False
        self.row_faults = self.plan.faulty.pop(self.row, {})
        self.todo = sorted(self.row_faults)
        spans = attrs.get("spans")
        if spans and ":" in spans:
            lo, _, hi = spans.partition(":")
            if hi.isdigit() and int(hi) < self.plan.esito_col:
                self._emit_to(at)
                self._put(set_attr(self._text(at, end), "spans", f"{lo}:{self.plan.esito_col}"))
                self.pos = end

    def _cell_start(self, attrs, at):
        ref = attrs.get("r")
        self.col = split_ref(ref)[1] if ref else self.col + 1
        col = self.col
        self._insert_before(col, at)
        if self.row == self.plan.header_row:
            self.header_last_col = max(self.header_last_col, col)
        if col == self.plan.esito_col and self.row >= self.plan.header_row:
            self._emit_to(at)
            self.cell_drop = at
            self.cell_closed = self._closed_at(at)
            self._write_esito()
            return
        self.cell_contract = col in self.plan.contract_cols
        self.cell_type = attrs.get("t")
        severity = self.row_faults.get(col)
        if severity:
            self.todo.remove(col)
            end = self._tag_end(at)
            style = self.plan.faulty_style(int(attrs.get("s") or 0), severity)
            self._emit_to(at)
            self._put(set_attr(self._text(at, end), "s", str(style)))
            self.pos = end

    def _insert_before(self, col: int, at: int) -> None:
        """Write the absent faulty cells and the Esito cell that come before column col."""
        while self.todo and self.todo[0] < col:
            c = self.todo.pop(0)
            self._emit_to(at)
            self._put(self._empty_faulty(c))
        if not self.esito_done and self.plan.esito_col < col and self.row >= self.plan.header_row:
            self._emit_to(at)
            self._write_esito()

    def _empty_faulty(self, col: int) -> str:
        from validators.render.outcome import cell_ref

        style = self.plan.faulty_style(0, self.row_faults[col])
        return self.el("c", f' r="{cell_ref(self.row, col)}" s="{style}"')

    def _write_esito(self) -> None:
        self.esito_done = True
        from validators.render.outcome import ESITO, cell_ref

        if self.row == self.plan.header_row:
            text, colour = ESITO, None
        else:
            e = self.plan.esito(self.row, self.filled)
            if e is None:
                return
            text, colour = e
            self.plan.last_row = max(self.plan.last_row, self.row)
        style = self.plan.esito_style(colour)
        body = self.el("is", "", self.el("t", ' xml:space="preserve"', escape(text)))
        self._put(self.el("c", f' r="{cell_ref(self.row, self.plan.esito_col)}" s="{style}" t="inlineStr"', body))

    def _row_end(self, at):
        self._insert_before(1 << 20, at)
        self.row_open = False


def rewrite_sheet(stream, plan: SheetPlan, out: Callable[[bytes], None]) -> SheetPlan:
    """Stream a worksheet part through the plan's changes into out(); returns the completed plan."""
    SheetRewriter(plan, out).run(stream)
    return plan


