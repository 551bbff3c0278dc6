"""The text of a cell, as a workbook can hold it: the one place every writer of .xlsx text goes through.

A register may hold any text: control characters pasted from web forms and old systems, a
literal `_x0041_`, a lone surrogate (Windows keeps text as UTF-16 and does not check it), a cell
longer than Excel allows. Excel's own rules, which calamine, openpyxl's table reader and
LibreOffice follow when they read:

- XML 1.0 forbids most control characters (and U+FFFE, U+FFFF); Excel writes such a character as
  `_xHHHH_` (U+0001 -> `_x0001_`), and a carriage return too (XML readers turn a bare one into a
  line feed);
- so that a typed `_x0041_` is not read back as "A", Excel writes its underscore as `_x005F_`:
  `_x005F_x0041_`;
- a cell holds at most 32,767 characters (counted in UTF-16 units, as Excel counts them).

`shown` is what a cell shows (for writers that hand text to Excel itself, like the add-in);
`stored` is how it is stored in the XML before the usual escaping (for openpyxl, which escapes
&, < and > itself but refuses control characters); `xml_text` adds that escaping (for the parts
written here by hand); `stored_expr` is `stored` for a polars column. Nothing is dropped: a lone
surrogate, which UTF-8 cannot carry, becomes U+FFFD (the replacement character, visible), and a
cell cut to Excel's limit ends with TRUNCATED.
"""

from __future__ import annotations

import re

MAX_CHARS = 32_767  # Excel's limit for one cell, in UTF-16 units
TRUNCATED = "…[troncato]"
REPLACEMENT = "\ufffd"

# What XML 1.0 forbids (or a reader would change: a bare CR), written as Excel does.
_FORBIDDEN_CODES = [*range(0x00, 0x09), 0x0B, 0x0C, 0x0D, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]
FORBIDDEN = "".join(map(chr, _FORBIDDEN_CODES))
_FORBIDDEN = re.compile("[" + re.escape(FORBIDDEN) + "]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPE_LIKE = re.compile("_(x[0-9A-Fa-f]{4}_)")
_ESCAPED = re.compile("_x([0-9A-Fa-f]{4})_")
# Anything stored() changes (a text without it and short enough is stored as it is).
_WORK = re.compile("[" + re.escape(FORBIDDEN) + "\ud800-\udfff]|_x")
_XML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def utf16_length(text: str) -> int:
    """The length of a text as Excel counts it (a character beyond U+FFFF counts twice)."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def too_long(text: str) -> bool:
    """True for a text longer than a cell can hold."""
    return len(text) > MAX_CHARS // 2 and utf16_length(text) > MAX_CHARS


def too_long_expr(expr):
    """too_long() as a polars expression on a text column (polars text holds no surrogate)."""
    import polars as pl

    units = expr.str.len_chars() + expr.str.count_matches(r"[\x{10000}-\x{10FFFF}]")
    # more UTF-16 units than MAX_CHARS means more UTF-8 bytes too: the cheap test first
    return pl.when(expr.str.len_bytes() > MAX_CHARS).then(units > MAX_CHARS).otherwise(False)


def whole_surrogates(text: str) -> str:
    """Pairs of surrogates joined into their character, lone ones replaced by U+FFFD."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def cut(text: str, limit: int = MAX_CHARS) -> str:
    """The text, or its start ending with TRUNCATED when it is longer than limit UTF-16 units."""
    if len(text) <= limit // 2 or utf16_length(text) <= limit:
        return text
    keep, used = [], 0
    room = limit - len(TRUNCATED)
    for c in text:
        used += 2 if ord(c) > 0xFFFF else 1
        if used > room:
            break
        keep.append(c)
    return "".join(keep) + TRUNCATED


def shown(text: str) -> str:
    """The text as a cell can show it: surrogates made whole or visible, cut to MAX_CHARS with a mark."""
    return cut(whole_surrogates(text))


def _code(match: re.Match) -> str:
    return f"_x{ord(match.group(0)):04X}_"


def stored(text: str) -> str:
    """The text as an .xlsx stores it in a cell, before &, < and > are escaped (what openpyxl takes)."""
    if len(text) <= MAX_CHARS // 2 and not _WORK.search(text):
        return text
    text = shown(text)
    if "_x" in text:
        text = _ESCAPE_LIKE.sub(r"_x005F_\1", text)
    return _FORBIDDEN.sub(_code, text)


def xml_text(text: str) -> str:
    """The text as it goes between <t> and </t> of a part written by hand."""
    return stored(text).translate(_XML)


def xml_attr(text: str) -> str:
    """The text as a quoted attribute value (a hyperlink's display text): attributes have no
    `_xHHHH_` form, so a character XML forbids there is replaced by U+FFFD, visibly."""
    from xml.sax.saxutils import quoteattr

    return quoteattr(_FORBIDDEN.sub(REPLACEMENT, shown(text)))


def decoded(text: str) -> str:
    """A stored text read back as the cell shows it (`_x0001_` -> U+0001, `_x005F_x0041_` -> `_x0041_`)."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def stored_value(value):
    """stored() for a text, any other value unchanged: what an openpyxl cell is given."""
    return stored(value) if isinstance(value, str) else value


def stored_expr(expr, long_texts: dict[str, str] | None = None):
    """stored() as a polars expression on a text column.

    Polars text is UTF-8, so it holds no surrogate; the rare texts too long for a cell are cut by
    Python beforehand: long_texts maps them to shown() (see long_texts())."""
    import polars as pl

    if long_texts:
        expr = expr.replace(long_texts)
    expr = expr.str.replace_all(_ESCAPE_LIKE.pattern, "_x005F_${1}")
    return expr.str.replace_many(list(FORBIDDEN), [f"_x{c:04X}_" for c in _FORBIDDEN_CODES]).cast(pl.String)


def long_texts(texts) -> dict[str, str]:
    """{text: shown(text)} of the values of a polars text Series too long for a cell."""
    values = texts.filter(texts.str.len_chars() > MAX_CHARS // 2).unique().to_list()
    return {v: shown(v) for v in values if v is not None and too_long(v)}
