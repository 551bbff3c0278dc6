"""Cell comments of an existing package: the comments part (the user's kept) and the legacy drawing
Excel needs to show them."""

from __future__ import annotations

from typing import Iterator

from registro.validators.ooxml.parts import XML_DECL
from registro.validators.ooxml.text import decoded, xml_text



def existing_comments(xml: str | None, skip_author: str | None = None) -> dict[str, tuple[str, str]]:
    """{cell: (author, text as shown)} of a comments part (skip_author's comments left out)."""
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
        if author == skip_author:
            continue
        text = decoded("".join(t.text or "" for t in c.iter(f"{ns}t")))
        out[c.get("ref")] = (author, text)
    return out


def comments_part(comments: list[tuple[str, str, str]]) -> Iterator[str]:
    """A comments part from (cell, author, text), in the order given."""
    authors = list(dict.fromkeys(a for _, a, _ in comments))
    index = {a: i for i, a in enumerate(authors)}
    yield f'{XML_DECL}<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors>'
    yield "".join(f"<author>{xml_text(a)}</author>" for a in authors)
    yield "</authors><commentList>"
    for ref, author, text in comments:
        yield (f'<comment ref="{ref}" authorId="{index[author]}"><text><t xml:space="preserve">{xml_text(text)}</t>'
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
