"""A plain-data description of a workbook's structure, to compare a rebuilt template with the committed one.

Covers what the issue names: sheets, headers and every cell (values and formulas), number formats and
explicit fills/fonts, validations, conditional formats, defined names, tables, charts, panes and widths.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook

_STRING = re.compile(r'"(?:[^"]|"")*"')
_FUNCTION = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\s*\(")


def function_names(formula: str) -> set[str]:
    """The functions a formula calls (text inside string literals ignored)."""
    return {m.group(1).upper() for m in _FUNCTION.finditer(_STRING.sub('""', formula))}


def _color(fill) -> str | None:
    if fill is None or fill.fill_type is None:
        return None
    return fill.fgColor.rgb if isinstance(fill.fgColor.rgb, str) else None


def _chart(chart) -> dict:
    def ref(obj):
        if obj is None:
            return None
        for attr in ("numRef", "strRef"):
            inner = getattr(obj, attr, None)
            if inner is not None:
                return inner.f
        return None

    title = None
    if chart.title is not None and chart.title.tx is not None and chart.title.tx.rich is not None:
        title = "".join(run.t for p in chart.title.tx.rich.p for run in (p.r or []))
    return {
        "kind": type(chart).__name__,
        "type": getattr(chart, "type", None),
        "title": title,
        "series": [(ref(s.val), ref(s.cat), ref(s.tx) if s.tx is not None else None) for s in chart.series],
    }


def describe(path: str | Path) -> dict:
    """Everything structural about a workbook, as comparable plain values."""
    wb = load_workbook(path)
    out: dict = {
        "sheets": [(ws.title, ws.sheet_state, bool(ws.protection.sheet)) for ws in wb.worksheets],
        "names": {name: dn.attr_text for name, dn in wb.defined_names.items()},
        "properties": (wb.properties.creator, wb.properties.title, wb.properties.created, wb.properties.modified),
    }
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for cell in row:
                styled = cell.number_format != "General" or _color(cell.fill) or cell.font.bold
                if cell.value is None and not styled:
                    continue
                cells[cell.coordinate] = (cell.value, cell.number_format, _color(cell.fill), bool(cell.font.bold))
        out[ws.title] = {
            "cells": cells,
            "freeze": ws.freeze_panes,
            "widths": {k: (d.width, bool(d.hidden)) for k, d in sorted(ws.column_dimensions.items())},
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted(
                (str(dv.sqref), dv.type, dv.operator, dv.formula1, dv.formula2, dv.errorStyle, dv.showErrorMessage,
                 dv.errorTitle, dv.error, dv.showInputMessage, dv.promptTitle, dv.prompt, dv.allow_blank)
                for dv in ws.data_validations.dataValidation
            ),
            "conditional": sorted(
                (str(rng.sqref), tuple(rule.formula or ()), rule.type, rule.stopIfTrue,
                 _color(rule.dxf.fill) if rule.dxf else None, bool(rule.dxf and rule.dxf.border))
                for rng in ws.conditional_formatting for rule in rng.rules
            ),
            "tables": sorted((t.displayName, t.ref, t.tableStyleInfo.name if t.tableStyleInfo else None,
                              tuple(c.name for c in t.tableColumns)) for t in ws.tables.values()),
            "charts": [_chart(c) for c in ws._charts],
            "print_titles": ws.print_title_rows,
            "print_area": ws.print_area,
        }
    return out


def all_formulas(book) -> list[tuple[str, str]]:
    """(where, formula) for every cell formula, validation formula, conditional format and defined name."""
    wb = book if hasattr(book, "worksheets") else load_workbook(book)
    found = [(f"nome {n}", d.attr_text) for n, d in wb.defined_names.items()]
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    found.append((f"{ws.title}!{cell.coordinate}", str(cell.value)))
        for dv in ws.data_validations.dataValidation:
            found += [(f"{ws.title} convalida {dv.sqref}", f) for f in (dv.formula1, dv.formula2) if f]
        for rng in ws.conditional_formatting:
            found += [(f"{ws.title} formato {rng.sqref}", f) for rule in rng.rules for f in (rule.formula or ())]
    return found
