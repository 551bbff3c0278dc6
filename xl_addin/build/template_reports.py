"""The coordinator's sheets: `Riepilogo` (live totals of the register) and `Carichi` (workload plan).

Both read the register only through defined names (Reg_Operatore, Reg_Minuti...), with COUNTIFS
and SUMIFS, so they stay live in Excel and LibreOffice without macros.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.chart import BarChart, Reference
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from registro.validators.catalogue import Catalogue
from registro.validators.catalogue.view import duration_label
from registro.xl_addin.build.template_catalogue import LISTS_SHEET, Lists, define
from registro.xl_addin.build.template_style import (
    BOLD, BOX, COMPUTED_FILL, HOURS_FORMAT, INPUT_FILL, PERCENT_FORMAT, SECTION_FONT, TITLE_FONT, WHOLE_FORMAT,
    header_row, landscape, put, put_formula, set_widths,
)

SUMMARY_SHEET = "Riepilogo"
WORKLOAD_SHEET = "Carichi"
DEFAULT_WEEKLY_HOURS = 36
WEEKS_PER_MONTH = "52/12"
OTHERS = "Non in elenco"
UNKNOWN = "Codice non riconosciuto"
TOTAL = "Totale"
SERVICES = 'COUNTIFS(Reg_Codice,"<>")'  # a service = a register row with a Codice servizio
WORKLOAD_FIRST_ROW = 18  # first service row of the Carichi table


@dataclass(frozen=True)
class Block:
    """Where a Riepilogo block landed: header row, first and last key rows, total row."""

    title: str
    header: int
    first: int
    last: int
    total: int


def _bar_chart(title: str, y_title: str, horizontal: bool) -> BarChart:
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title = title
    chart.y_axis.title = y_title
    chart.legend = None
    chart.height, chart.width = 9, 16
    # openpyxl hides both axes by default (delete=True): LibreOffice and Excel would draw no labels.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"  # first name on top, as in the table
    return chart


def _block(ws: Worksheet, top: int, title: str, key_header: str, keys: list[tuple[str, str | None]],
           key_range: str, rest_label: str) -> Block:
    """A block: one row per key (a formula or a text) with services, minutes and hours, then rest and total."""
    put(ws.cell(row=top, column=1), title).font = SECTION_FONT
    header_row(ws, top + 1, 1, [key_header, "Descrizione", "Servizi", "Minuti", "Ore"])
    first = top + 2
    for i, (key, description) in enumerate(keys):
        r = first + i
        if key.startswith("="):
            put_formula(ws.cell(row=r, column=1), key)
        else:
            put(ws.cell(row=r, column=1), key)
        put(ws.cell(row=r, column=2), description)
        put_formula(ws.cell(row=r, column=3), f'=IF($A{r}="","",COUNTIFS({key_range},$A{r},Reg_Codice,"<>"))',
                    WHOLE_FORMAT)
        put_formula(ws.cell(row=r, column=4), f'=IF($A{r}="","",SUMIFS(Reg_Minuti,{key_range},$A{r}))', WHOLE_FORMAT)
        put_formula(ws.cell(row=r, column=5), f'=IF($A{r}="","",D{r}/60)', HOURS_FORMAT)
    last = first + len(keys) - 1
    rest, total = last + 1, last + 2
    put(ws.cell(row=rest, column=1), rest_label)
    put_formula(ws.cell(row=rest, column=3), f"={SERVICES}-SUM(C{first}:C{last})", WHOLE_FORMAT)
    put_formula(ws.cell(row=rest, column=4), f"=SUM(Reg_Minuti)-SUM(D{first}:D{last})", WHOLE_FORMAT)
    put_formula(ws.cell(row=rest, column=5), f"=D{rest}/60", HOURS_FORMAT)
    put(ws.cell(row=total, column=1), TOTAL).font = BOLD
    put_formula(ws.cell(row=total, column=3), f"={SERVICES}", WHOLE_FORMAT).font = BOLD
    put_formula(ws.cell(row=total, column=4), "=SUM(Reg_Minuti)", WHOLE_FORMAT).font = BOLD
    put_formula(ws.cell(row=total, column=5), f"=D{total}/60", HOURS_FORMAT).font = BOLD
    for r in range(first, total + 1):
        for c in range(1, 6):
            ws.cell(row=r, column=c).border = BOX
    return Block(title, top + 1, first, last, total)


def _chart_of(ws: Worksheet, block: Block, column: int, title: str, y_title: str, horizontal: bool, anchor: str):
    chart = _bar_chart(title, y_title, horizontal)
    if horizontal:  # room for every name on the category axis (about half a centimetre each)
        chart.height = max(9, 0.5 * (block.last - block.first + 1) + 3)
    chart.add_data(Reference(ws, min_col=column, min_row=block.header, max_row=block.last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=block.first, max_row=block.last))
    ws.add_chart(chart, anchor)


def write_summary(wb: Workbook, cat: Catalogue, lists: Lists) -> None:
    """Riepilogo: services, minutes and hours by operator, by LEP and by office, with bar charts."""
    ws = wb.create_sheet(SUMMARY_SHEET)
    put(ws.cell(row=1, column=1), "Riepilogo del registro").font = TITLE_FONT
    put(ws.cell(row=2, column=1), "Calcolato dal foglio Registro. Servizi = righe con Codice servizio; minuti = "
        "colonna Minuti conteggiati (Durata, o durata media standard se vuota).")

    operators = [(f'=IF({LISTS_SHEET}!$B${2 + i}="","",{LISTS_SHEET}!$B${2 + i})', None)
                 for i in range(lists.operator_slots)]
    by_operator = _block(ws, 4, "Per operatore", "Operatore", operators, "Reg_Operatore", OTHERS)
    by_lep = _block(ws, by_operator.total + 3, "Per LEP", "LEP", lists.leps, "Reg_LEP", UNKNOWN)
    offices = [(f'=IF({LISTS_SHEET}!$A${2 + i}="","",{LISTS_SHEET}!$A${2 + i})', None)
               for i in range(lists.office_slots)]
    by_office = _block(ws, by_lep.total + 3, "Per sede", "Sede", offices, "Reg_Sede", OTHERS)

    _chart_of(ws, by_operator, 5, "Ore per operatore", "Ore", True, f"G{by_operator.header}")
    _chart_of(ws, by_lep, 3, "Servizi per LEP", "Servizi", False, f"G{by_lep.header}")
    _chart_of(ws, by_office, 5, "Ore per sede", "Ore", True, f"G{by_office.header}")
    set_widths(ws, {1: 24, 2: 40, 3: 10, 4: 10, 5: 10})
    ws.freeze_panes = "A4"
    landscape(ws)


def write_workload(wb: Workbook, cat: Catalogue, lists: Lists, persons: int | None) -> None:
    """Carichi: expected monthly volume x average minutes = hours, against the staff available."""
    ws = wb.create_sheet(WORKLOAD_SHEET)
    put(ws.cell(row=1, column=1), "Carichi di lavoro: fabbisogno mensile di personale").font = TITLE_FONT
    put(ws.cell(row=2, column=1), "Compilare le celle gialle: volume mensile previsto per servizio e personale "
        "disponibile. Ore = volume x minuti medi standard / 60.")

    inputs = [
        ("Persone disponibili", persons, "Car_Persone", WHOLE_FORMAT),
        ("Ore settimanali per persona", DEFAULT_WEEKLY_HOURS, "Car_OreSettimanali", HOURS_FORMAT),
        ("Settimane per mese", f"={WEEKS_PER_MONTH}", "Car_SettimaneMese", "0.00"),
    ]
    put(ws.cell(row=4, column=1), "Personale").font = SECTION_FONT
    for i, (label, value, name, fmt) in enumerate(inputs, start=5):
        put(ws.cell(row=i, column=1), label)
        cell = ws.cell(row=i, column=2)
        if isinstance(value, str):
            put_formula(cell, value, fmt)
        else:
            put(cell, value, fmt)
        cell.fill, cell.border = INPUT_FILL, BOX
        define(wb, name, f"{WORKLOAD_SHEET}!$B${i}")

    services = lists.registrable
    first = WORKLOAD_FIRST_ROW
    last = first + len(services) - 1
    hours = f"$H${first}:$H${last}"
    results = [
        ("Ore necessarie al mese", f"=SUM({hours})", "Car_OreNecessarie", HOURS_FORMAT),
        ("Ore disponibili al mese", "=N(Car_Persone)*N(Car_OreSettimanali)*N(Car_SettimaneMese)",
         "Car_OreDisponibili", HOURS_FORMAT),
        ("Persone necessarie (FTE)",
         '=IF(N(Car_OreSettimanali)*N(Car_SettimaneMese)=0,"",Car_OreNecessarie/(Car_OreSettimanali*Car_SettimaneMese))',
         "Car_FTE", "0.00"),
        ("Copertura (ore disponibili / necessarie)", '=IF(Car_OreNecessarie=0,"",Car_OreDisponibili/Car_OreNecessarie)',
         "Car_Copertura", PERCENT_FORMAT),
        ("Differenza (ore disponibili - necessarie)", "=Car_OreDisponibili-Car_OreNecessarie", "Car_Differenza",
         HOURS_FORMAT),
    ]
    put(ws.cell(row=9, column=1), "Risultato").font = SECTION_FONT
    for i, (label, formula, name, fmt) in enumerate(results, start=10):
        put(ws.cell(row=i, column=1), label)
        cell = put_formula(ws.cell(row=i, column=2), formula, fmt)
        cell.fill, cell.border, cell.font = COMPUTED_FILL, BOX, BOLD
        define(wb, name, f"{WORKLOAD_SHEET}!$B${i}")

    put(ws.cell(row=first - 2, column=1), "Volumi previsti per servizio").font = SECTION_FONT
    header_row(ws, first - 1, 1, ["Servizio", "Codice", "LEP", "Minuti medi", "Provenienza durata",
                                  "Servizi nel registro", "Volume mensile previsto", "Ore necessarie"])
    ws.row_dimensions[first - 1].height = 30
    for r, s in enumerate(services, start=first):
        average = s.duration.average if s.duration else None
        put(ws.cell(row=r, column=1), s.name)
        put(ws.cell(row=r, column=2), s.code)
        put(ws.cell(row=r, column=3), s.lep)
        put(ws.cell(row=r, column=4), average, WHOLE_FORMAT)
        put(ws.cell(row=r, column=5), duration_label(s))
        put_formula(ws.cell(row=r, column=6), f"=COUNTIFS(Reg_CodiceEstratto,$B{r})", WHOLE_FORMAT)
        volume = put(ws.cell(row=r, column=7), None, WHOLE_FORMAT)
        volume.fill = INPUT_FILL
        put_formula(ws.cell(row=r, column=8), f"=N($G{r})*N($D{r})/60", HOURS_FORMAT)
        for c in range(1, 9):
            ws.cell(row=r, column=c).border = BOX

    # Hours by LEP, for the chart.
    put(ws.cell(row=first - 2, column=10), "Ore necessarie per LEP").font = SECTION_FONT
    header_row(ws, first - 1, 10, ["LEP", "Ore necessarie"])
    for r, (letter, _) in enumerate(lists.leps, start=first):
        put(ws.cell(row=r, column=10), letter).border = BOX
        put_formula(ws.cell(row=r, column=11), f"=SUMIFS({hours},$C${first}:$C${last},$J{r})", HOURS_FORMAT).border = BOX
    lep_last = first + len(lists.leps) - 1
    chart = _bar_chart("Ore necessarie al mese per LEP", "Ore", False)
    chart.height, chart.width = 6.5, 17  # beside the staff inputs, above the table
    chart.add_data(Reference(ws, min_col=11, min_row=first - 1, max_row=lep_last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=10, min_row=first, max_row=lep_last))
    ws.add_chart(chart, "D3")
    set_widths(ws, {1: 58, 2: 11, 3: 6, 4: 10, 5: 20, 6: 11, 7: 11, 8: 11, 9: 3, 10: 6, 11: 12})
    landscape(ws)
