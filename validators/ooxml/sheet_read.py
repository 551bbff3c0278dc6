"""A worksheet's first rows and a sharedStrings part, read with expat without parsing the whole part.

The parser refuses DTDs and entity declarations (never in a real workbook part).
"""

from __future__ import annotations

import xml.parsers.expat

from registro.validators.ooxml.refs import split_ref

CHUNK = 1 << 20


class Refused(Exception):
    """The XML declares a DTD or entities (never in a real workbook part): not parsed."""


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
