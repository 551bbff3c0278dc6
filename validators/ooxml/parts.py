"""The parts of an Office Open XML package (.xlsx) as text: part names, relationships, sheets,
attributes, content types, the workbook's sheets and defined names.

Plain text functions on the parts' XML, with any namespace prefix: existing parts are changed by
splicing their text (never re-serialised), so that namespaces, prefixes and everything a change
does not touch stay exactly as the user's program wrote them. Used by the split reader
(read/split_sheet.py), the annotated copy (render/annotated.py) and the bulk row writer.
"""

from __future__ import annotations

import functools
import posixpath
import re
from xml.sax.saxutils import escape, quoteattr

OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


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
