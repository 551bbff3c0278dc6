"""The rows of a worksheet's <sheetData>, rewritten for the annotated copy.

Each <row> element is found and scanned with bytes.find and small regular expressions (this runs
for every row of registers of a million rows: no XML event per cell). A common row only gets its
Esito cell after its last cell; the header row, the rows with faulty cells and rows with cells
beyond the Esito column are rebuilt cell by cell (faulty cells restyled, absent ones created).
"""

from __future__ import annotations

import re
from typing import Callable

from registro.validators.ooxml.parts import set_attr
from registro.validators.ooxml.refs import cell_ref, column_index, column_letter
from registro.validators.ooxml.sheet_plan import CHUNK, SheetPlan
from registro.validators.ooxml.text import xml_text

_ROW_OPEN = re.compile(rb"<(\w+:)?row\b[^>]*?(/?)>")
_ROW_START = re.compile(rb"<(?:\w+:)?row\b[^>]*>")
_ROW_NUMBER = re.compile(rb"\sr\s*=\s*[\"'](\d+)")
_HEIGHT = re.compile(rb"\sht\s*=\s*[\"']([\d.]+)")
_SPANS = re.compile(rb"(\sspans\s*=\s*[\"'])(\d+):(\d+)")
_CELL_REF = re.compile(rb"\sr\s*=\s*[\"']([A-Za-z]+)\d+")
_CELL_TYPE = re.compile(rb"\st\s*=\s*[\"'](\w+)")
_CELL_STYLE = re.compile(rb"\ss\s*=\s*[\"'](\d+)[\"']")
_VALUE = re.compile(rb"<(?:\w+:)?(?:v|t)(?:\s[^>]*)?>([^<]*)<")
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData\s*>")


class RowRewriter:
    """The rows of <sheetData>: Esito cells added, faulty cells restyled, absent faulty cells created."""

    def __init__(self, plan: SheetPlan, out: Callable[[bytes], None]):
        self.plan = plan
        self.out = out
        self.row = 0
        self.letters = {column_letter(c).encode(): c for c in range(1, max(plan.esito_col, 1) + 1)}
        self.contract = {column_letter(c).encode() for c in plan.contract_cols}
        self.blank = plan.blank_strings
        self.esito_letters = column_letter(plan.esito_col)
        self._cells: dict = {}
        self._prefixes: dict = {}
        self.contract |= {letters.lower() for letters in self.contract}
        self.with_problems = set(plan.problem_rows)
        self.ok = plan.esito(0, True)  # the verdict of a filled row without problems

    def column(self, letters: bytes) -> int:
        c = self.letters.get(letters.upper())
        return c if c is not None else column_index(letters.decode())

    def run(self, data: bytearray, stream) -> bytes:
        """Rewrite rows from data (then the stream) up to </sheetData>; returns the bytes after the rows."""
        pending: list[bytes] = []
        size = 0
        pos = 0
        while True:
            end = _SHEET_DATA_END.search(data, pos)
            limit = end.start() if end else len(data)
            while True:
                at = data.find(b"<", pos, limit)
                if at < 0:
                    break
                m = _ROW_OPEN.match(data, at)
                if m is None:
                    if end is None:
                        break  # a row cut by the chunk: wait for more
                    raise ValueError("elemento inatteso fra le righe del foglio")
                prefix = m.group(1) or b""
                if m.group(2):  # <row …/>
                    stop = m.end()
                else:
                    close = data.find(b"</" + prefix + b"row", m.end(), limit)
                    stop = data.find(b">", close) + 1 if close >= 0 else 0
                    if stop <= 0:
                        break
                piece = self.rewrite(bytes(data[at:stop]), m.end() - at, prefix)
                if at > pos:
                    pending.append(bytes(data[pos:at]))
                pending.append(piece)
                size += len(piece)
                pos = stop
                if size > CHUNK:
                    self.out(b"".join(pending))
                    pending, size = [], 0
            if end:
                pending.append(bytes(data[pos:end.start()]))
                self.out(b"".join(pending))
                return bytes(data[end.start():])
            del data[:pos]
            pos = 0
            chunk = stream.read(CHUNK)
            if not chunk:
                raise ValueError("foglio senza fine di sheetData")
            data += chunk

    def rewrite(self, row: bytes, head: int, prefix_bytes: bytes) -> bytes:
        """One <row> element (its start tag head bytes long), annotated."""
        p = self.plan
        number = _ROW_NUMBER.search(row, 0, head)
        self.row = r = int(number.group(1)) if number else self.row + 1
        if head == len(row) or r < p.header_row:
            return row
        faults = p.faulty.pop(r, None)
        opener, closer, prefix = self._tokens(prefix_bytes)
        if r == p.header_row or faults:
            return self._slow(row, _ROW_START.match(row), prefix, faults or {})
        # The common row: is a contract cell filled? then its Esito cell after the last cell.
        # (bytes.find rather than a regular expression per cell: this runs for every row.)
        n = len(opener)
        last = row.rfind(opener)
        while last > head and row[last + n] not in b" \t\r\n/>":
            last = row.rfind(opener, head, last)
        if last > head:
            ref = _CELL_REF.search(row, last, row.find(b">", last))
            if ref is None or self.column(ref.group(1)) >= p.esito_col:
                return self._slow(row, _ROW_START.match(row), prefix, {})
        filled = False
        for _, _, a0, a1, body in _cells(row, head, prefix_bytes):
            ref = _CELL_REF.search(row, a0, a1)
            if ref is None:
                return self._slow(row, _ROW_START.match(row), prefix, {})
            if body and ref.group(1) in self.contract and self._has_value(row[a0:a1], body):
                filled = True
                break
        if r in self.with_problems:
            e = p.esito(r, filled)
        elif filled:
            e = self.ok
        else:
            return row
        close = row.rindex(b"</")
        tag = row[:head]
        if b"spans" in tag or len(e[0]) > p.esito_width - 2:
            tag = self._row_tag(tag, e[0])
        return tag + row[head:close] + self._esito_cell(r, e, prefix) + row[close:]

    def _tokens(self, prefix: bytes) -> tuple[bytes, bytes, str]:
        """(b'<x:c', b'</x:c>', 'x:') for a prefix, made once."""
        tokens = self._prefixes.get(prefix)
        if tokens is None:
            tokens = self._prefixes[prefix] = (b"<" + prefix + b"c", b"</" + prefix + b"c>", prefix.decode())
        return tokens

    def _has_value(self, attrs: bytes, body: bytes) -> bool:
        if _FORMULA.search(body):
            return True
        kind = _CELL_TYPE.search(attrs)
        for value in _VALUE.findall(body):
            if value.strip():
                if kind and kind.group(1) == b"s":
                    return value.strip().isdigit() and int(value) not in self.blank
                return True
        return False

    def _row_tag(self, tag: bytes, esito: str | None) -> bytes:
        """A row's start tag with spans covering Esito and, for a long Esito, the height of its lines."""
        tag = self._spans(tag)
        if esito is None or len(esito) <= self.plan.esito_width - 2:
            return tag
        height = self.plan.esito_height(esito)
        if height is None:
            return tag
        current = _HEIGHT.search(tag)
        if current and float(current.group(1)) >= height:
            return tag
        text = set_attr(set_attr(tag.decode("utf-8"), "ht", str(height)), "customHeight", "1")
        return text.encode("utf-8")

    def _spans(self, tag: bytes) -> bytes:
        m = _SPANS.search(tag)
        if m and int(m.group(3)) < self.plan.esito_col:
            return tag[:m.start()] + m.group(1) + m.group(2) + b":" + str(self.plan.esito_col).encode() + tag[m.end():]
        return tag

    def _esito_cell(self, r: int, e: tuple[str, str | None], prefix: str) -> bytes:
        text, colour = e
        if colour is not None and r > self.plan.last_row:
            self.plan.last_row = r
        key = (text, colour, prefix)
        parts = self._cells.get(key)
        if parts is None:  # the same few texts (OK above all) on most rows: made once
            style = self.plan.esito_style(colour)
            parts = (f'<{prefix}c r="{self.esito_letters}'.encode(),
                     (f'" s="{style}" t="inlineStr"><{prefix}is><{prefix}t xml:space="preserve">{xml_text(text)}'
                      f'</{prefix}t></{prefix}is></{prefix}c>').encode("utf-8"))
            if len(self._cells) < 64:
                self._cells[key] = parts
        return parts[0] + str(r).encode() + parts[1]

    def _slow(self, row: bytes, start, prefix: str, faults: dict[int, str]) -> bytes:
        """A row rebuilt cell by cell: the header row, faulty rows, rows with cells beyond Esito."""
        p, r = self.plan, self.row
        todo = sorted(faults)
        pieces = [row[:start.end()]]  # the start tag: replaced at the end, when the Esito text is known
        col = 0
        filled = bool(faults)
        esito_at = None  # index in pieces where the Esito cell goes
        pos = start.end()
        for at, end, a0, a1, body in _cells(row, pos, prefix.encode()):
            pieces.append(row[pos:at])
            pos = end
            attrs = row[a0:a1]
            ref = _CELL_REF.search(attrs)
            col = self.column(ref.group(1)) if ref else col + 1
            while todo and todo[0] < col:
                c = todo.pop(0)
                pieces.append(f'<{prefix}c r="{cell_ref(r, c)}" s="{p.faulty_style(0, faults[c])}"/>'.encode())
            if esito_at is None and col >= p.esito_col:
                esito_at = len(pieces)
                pieces.append(b"")
                if col == p.esito_col:  # an earlier Esito cell: replaced
                    continue
            if r == p.header_row:
                p.last_col = max(p.last_col, col)
            if not filled and body and col in p.contract_cols:
                filled = self._has_value(attrs, body)
            if col in faults:
                todo.remove(col)
                style = _CELL_STYLE.search(attrs)
                new = f' s="{p.faulty_style(int(style.group(1)) if style else 0, faults[col])}"'.encode()
                attrs = attrs[:style.start()] + new + attrs[style.end():] if style else attrs + new
                pieces.append(row[at:a0] + attrs + row[a1:end])
            else:
                pieces.append(row[at:end])
        close = row.rindex(b"</")
        pieces.append(row[pos:close])
        for c in todo:
            pieces.append(f'<{prefix}c r="{cell_ref(r, c)}" s="{p.faulty_style(0, faults[c])}"/>'.encode())
        if esito_at is None:
            esito_at = len(pieces)
            pieces.append(b"")
        e = (p.esito_header, None) if r == p.header_row else p.esito(r, filled)
        if e is not None:
            pieces[esito_at] = self._esito_cell(r, e, prefix)
        pieces[0] = self._row_tag(pieces[0], e[0] if e and r != p.header_row else None)
        pieces.append(row[close:])
        return b"".join(pieces)


def _cells(row: bytes, pos: int, prefix: bytes):
    """(start, end, attributes start, attributes end, body or None) of each <c> element of a row."""
    opener, closer = b"<" + prefix + b"c", b"</" + prefix + b"c>"
    n = len(opener)
    while True:
        at = row.find(opener, pos)
        if at < 0:
            return
        tag_end = row.find(b">", at) + 1
        if row[at + n] not in b" \t\r\n/>":  # another element whose name starts with c
            pos = tag_end
            continue
        if row[tag_end - 2] == 47:  # <c …/>
            yield at, tag_end, at + n, tag_end - 2, None
            pos = tag_end
            continue
        body_end = row.find(closer, tag_end)
        end = body_end + len(closer)
        yield at, end, at + n, tag_end - 1, row[tag_end:body_end]
        pos = end
