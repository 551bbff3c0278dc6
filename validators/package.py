"""The parts of an Office Open XML package (.xlsx): part names, relationships, sheets, attributes.

Read by the reader (read/split_sheet.py) and by the annotated copy (render/): plain text
functions on the parts' XML, with any namespace prefix.
"""

from __future__ import annotations

import functools
import posixpath
import re
from xml.sax.saxutils import quoteattr

OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


@functools.lru_cache(maxsize=64)
def _attr_pattern(name: str) -> re.Pattern:
    return re.compile(r"(\s" + re.escape(name) + r"\s*=\s*)(\"[^\"]*\"|'[^']*')")


def set_attr(tag: str, name: str, value: str) -> str:
    """A start tag (text) with attribute name set to value (replaced or added)."""
    pattern = _attr_pattern(name)
    if pattern.search(tag):
        return pattern.sub(lambda m: f"{m.group(1)}{quoteattr(value)}", tag, count=1)
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return f"{tag[:end].rstrip()} {name}={quoteattr(value)}{tag[end:]}"


def get_attr(tag: str, name: str) -> str | None:
    """The value of attribute name in a start tag (text), if present."""
    m = _attr_pattern(name).search(tag)
    return m.group(2)[1:-1] if m else None


def resolve(base_part: str, target: str) -> str:
    """The part name a relationship of base_part points to (no leading slash)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


def rels_name(part: str) -> str:
    """xl/worksheets/sheet1.xml -> xl/worksheets/_rels/sheet1.xml.rels."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def relationships(xml: str | None) -> list[dict[str, str]]:
    """[{Id, Type, Target, TargetMode}] of a .rels part."""
    if not xml:
        return []
    out = []
    for tag in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", xml):
        out.append({k: get_attr(tag, k) or "" for k in ("Id", "Type", "Target", "TargetMode")})
    return out


def sheets(workbook_xml: str) -> list[dict[str, str]]:
    """[{name, sheetId, rid, state}] of the workbook's sheets, in tab order."""
    out = []
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", workbook_xml):
        rid = re.search(r"\s(?:\w+:)id\s*=\s*\"([^\"]*)\"", tag)
        out.append({"name": unescape_attr(get_attr(tag, "name") or ""), "sheetId": get_attr(tag, "sheetId") or "0",
                    "rid": rid.group(1) if rid else "", "state": get_attr(tag, "state") or "visible", "tag": tag})
    return out


def unescape_attr(value: str) -> str:
    """An attribute value's text (XML entities resolved)."""
    from xml.sax.saxutils import unescape

    return unescape(value, {"&quot;": '"', "&apos;": "'"})


def workbook_part(package_rels: str | None) -> str:
    """The workbook's part name, from the package's _rels/.rels."""
    return next((resolve("", r["Target"]) for r in relationships(package_rels) if r["Type"] == OFFICE_DOCUMENT),
                "xl/workbook.xml")
