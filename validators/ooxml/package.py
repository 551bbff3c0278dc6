"""Read access to an input package: its parts, the workbook, its sheets and their relationships."""

from __future__ import annotations

import zipfile
from functools import cached_property

from registro.validators.ooxml.parts import relationships, rels_name, resolve, sheets, workbook_part


class Package:
    """The parts of an open .xlsx/.xlsm (a zipfile.ZipFile), found through their relationships."""

    def __init__(self, zin: zipfile.ZipFile):
        self.zin = zin
        self.names = {i.filename for i in zin.infolist()}

    def text(self, name: str | None) -> str | None:
        """A part's text, None when absent."""
        return self.zin.read(name).decode("utf-8") if name and name in self.names else None

    def related(self, part: str, rel_type: str) -> tuple[str | None, str | None]:
        """(relationship id, part name) of the first internal relationship of a type from part."""
        for r in relationships(self.text(rels_name(part))):
            if r["Type"].endswith("/" + rel_type) and r["TargetMode"] != "External":
                return r["Id"], resolve(part, r["Target"])
        return None, None

    @cached_property
    def workbook(self) -> str:
        """The workbook's part name."""
        return workbook_part(self.text("_rels/.rels"))

    @cached_property
    def workbook_rels(self) -> list[dict[str, str]]:
        """The workbook's relationships."""
        return relationships(self.text(rels_name(self.workbook)))

    @cached_property
    def targets(self) -> dict[str, str]:
        """{relationship id: part name} of the workbook's relationships."""
        return {r["Id"]: resolve(self.workbook, r["Target"]) for r in self.workbook_rels}

    @cached_property
    def sheets(self) -> list[dict[str, str]]:
        """The workbook's sheets in tab order (see parts.sheets)."""
        return sheets(self.text(self.workbook) or "")

    def sheet_part(self, name: str) -> str | None:
        """The part of the one sheet with that name (None when there is not exactly one)."""
        found = [s for s in self.sheets if s["name"] == name]
        return self.targets.get(found[0]["rid"]) if len(found) == 1 else None

    def workbook_parts(self, type_suffixes: tuple[str, ...]) -> list[str]:
        """The internal parts the workbook relates to with a type ending in one of the suffixes."""
        return [self.targets[r["Id"]] for r in self.workbook_rels
                if r["Type"].endswith(type_suffixes) and r.get("TargetMode") != "External"]
