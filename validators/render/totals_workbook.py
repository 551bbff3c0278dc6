"""Renderings of a Totals value: terminal summary (rich), workbook with bar charts, CSV and JSON.

None of them can show a codice fiscale: the Totals value holds none.
"""

from __future__ import annotations

import json
from pathlib import Path

from registro.validators.errors import UsageError
from registro.validators.output import atomic_path, defuse, save_workbook, write_frame_csv
from registro.validators.totals import Totals
from registro.validators.text import counted
from registro.validators.ooxml.refs import column_letter
from registro.validators.ooxml.table_rows import fill_table
from registro.validators.ooxml.tables import (SAMPLE_ROWS, Col, apply_style, cell_value, font, header_style, is_wide, print_setup, row_height,
                             style_table, widths)

TOTALS_VERSION = 1
TERMINAL_OPERATORS = 40  # longer lists belong in the workbook, not on a terminal
# The finest table's CSV columns: the ten agreed ones, then how hours were obtained.
CSV_COLUMNS = ("mese", "sede", "operatore", "lep", "codice", "servizi", "minuti_registrati", "minuti_standard",
               "minuti_min", "minuti_max", "servizi_senza_durata", "ore")
# The Dettaglio sheet's columns: those of the CSV with the working minutes before the hours.
DETAIL_COLUMNS = (*CSV_COLUMNS[:-2], "servizi_senza_durata", "minuti_lavoro", "ore")
# A longer Dettaglio gets its rows from table_rows, not openpyxl (the same file: the tests set this
# high for openpyxl's own output as the reference).
OPENPYXL_DETAIL_ROWS = 1

# key -> (header, width, number format)
HEADERS = {
    "mese": ("Mese", 9, None),
    "sede": ("Sede", 18, None),
    "sedi": ("Sedi", 22, None),
    "operatore": ("Operatore", 22, None),
    "lep": ("LEP", 6, None),
    "codice": ("Codice", 8, None),
    "nome": ("Nome", 48, None),
    "servizi": ("Servizi", 9, "#,##0"),
    "minuti_registrati": ("Minuti registrati", 12, "#,##0"),
    "minuti_standard": ("Minuti standard (medi)", 13, "#,##0"),
    "minuti_min": ("Minuti standard minimi", 13, "#,##0"),
    "minuti_max": ("Minuti standard massimi", 13, "#,##0"),
    "servizi_senza_durata": ("Servizi senza durata registrata", 14, "#,##0"),
    "servizi_senza_standard": ("Servizi senza minuti standard", 14, "#,##0"),
    "minuti_lavoro": ("Minuti di lavoro", 12, "#,##0"),
    "ore": ("Ore", 9, "#,##0.00"),
    "fte": ("FTE", 8, "#,##0.000"),
    "volume_mensile_previsto": ("Volume mensile previsto", 12, "General"),
    "servizi_previsti": ("Servizi previsti", 11, "General"),
    "servizi_effettivi": ("Servizi effettivi", 11, "#,##0"),
    "ore_previste": ("Ore previste", 10, "#,##0.00"),
    "ore_effettive": ("Ore effettive", 10, "#,##0.00"),
    "differenza_ore": ("Differenza ore (effettive - previste)", 14, "#,##0.00"),
}
MEASURE_KEYS = ("servizi", "minuti_registrati", "minuti_standard", "minuti_min", "minuti_max",
                "servizi_senza_durata", "minuti_lavoro", "ore")
HOURS_RULE = ("Ore = minuti registrati nella colonna 'Durata (min)'; per le righe senza durata si usa la durata "
              "standard media del catalogo.")


def fte_rule(totals: Totals) -> str:
    """The FTE formula with this run's figures, in words."""
    months = len(totals.months) or 1
    hours = _it(totals.fte_hours, 0 if float(totals.fte_hours).is_integer() else 2)
    return (f"FTE = ore / ({hours} ore mensili di un FTE x {months} "
            f"{'mese' if months == 1 else 'mesi'}).")


def _it(value, decimals: int = 0) -> str:
    """Italian number format: 1.234,50 (empty for unknown values)."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _ore(value) -> str:
    return _it(value, 2)


# ---------------------------------------------------------------------------------------------
# Files


def write_totals(totals: Totals, target: str | Path, inputs=()) -> Path:
    """Write totals as .xlsx (roll-ups with bar charts), .csv (finest table) or .json, atomically."""
    target = Path(target)
    writers = {".xlsx": _write_xlsx, ".csv": _write_csv, ".json": _write_json}
    writer = writers.get(target.suffix.lower())
    if writer is None:
        raise UsageError(f"formato dei totali '{target.suffix}' non supportato: usare .xlsx, .csv o .json.")
    with atomic_path(target, inputs) as tmp:
        writer(totals, tmp)
    return target


def _write_csv(totals: Totals, path: Path) -> None:
    """The finest table, written by polars: ';', decimal comma for hours (for Italian Excel), text defused."""
    import polars as pl

    from registro.validators.output import defused

    frame = totals.detail_frame()
    cents = (pl.col("ore") * 100).round(0).cast(pl.Int64)
    hours = pl.concat_str(cents // 100, pl.lit(","), (cents % 100).cast(pl.String).str.zfill(2))
    body = frame.select(
        *(hours.alias(k) if k == "ore" else defused(pl.col(k)).alias(k) if frame.schema[k] == pl.String else pl.col(k)
          for k in CSV_COLUMNS))
    write_frame_csv(path, body, list(CSV_COLUMNS), delimiter=";", line_end="\r\n", encoding="utf-8-sig")


def as_dict(totals: Totals) -> dict:
    """The JSON document of `registro totali -o FILE.json`."""
    doc = {
        "versione": TOTALS_VERSION,
        "catalogo": totals.catalogue_version,
        "file": totals.files,
        "mesi": totals.months,
        "righe_lette": totals.rows_read,
        "righe_conteggiate": totals.rows_counted,
        "righe_escluse_per_errori": totals.rows_excluded,
        "avvisi": totals.warnings,
        "righe_con_avvisi": totals.rows_with_warnings,
        "ore_mensili_fte": totals.fte_hours,
        "regola_ore": HOURS_RULE,
        "regola_fte": fte_rule(totals),
        "note": totals.notes,
        "totale": totals.total,
        "dettaglio": totals.detail,
        "per_operatore": totals.by_operator,
        "per_sede": totals.by_office,
        "per_lep": totals.by_lep,
        "per_mese": totals.by_month,
        "per_servizio": totals.by_code,
    }
    if totals.plan is not None:
        doc["carichi"] = {"servizi": totals.plan, "totale": totals.plan_total, "note": totals.plan_notes}
    return doc


def _write_json(totals: Totals, path: Path) -> None:
    path.write_text(json.dumps(as_dict(totals), ensure_ascii=False, indent=1), encoding="utf-8")


FTE_LABEL = "FTE (persone a tempo pieno equivalenti)"
CHART_LABEL_CAP = 42  # a LEP's name is cut to this length beside its letter


def _cols(keys: tuple[str, ...]) -> list[Col]:
    return [Col(HEADERS[k][0], max(HEADERS[k][1], 10), wrap=k in ("nome", "sedi", "operatore", "sede"),
                number_format=HEADERS[k][2]) for k in keys]


def _table_sheet(wb, title: str, records: list[dict], keys: tuple[str, ...], total: dict | None = None,
                 measure: list[list] | None = None):
    """A sheet with one table from A1 (styled, filtered, frozen, print-ready) and its Totale row; returns it.
    measure: the rows the widths are measured on, when records are only the first of them."""
    ws = wb.create_sheet(title)
    ws.append([HEADERS[k][0] for k in keys])
    for rec in records:
        ws.append([cell_value(rec.get(k)) for k in keys])
    total_row = None
    if total is not None:
        ws.append(["Totale" if i == 0 else total.get(k) for i, k in enumerate(keys)])
        total_row = ws.max_row
    col_widths = style_table(ws, _cols(keys), 1, len(records) + 1, total_row, measure)
    print_setup(ws, landscape=is_wide(col_widths))
    return ws


def chart_label(rec: dict, key: str) -> str:
    """A bar's label: the name; for a LEP its letter and name ("E – Orientamento specialistico …")."""
    if key == "lep" and rec.get("nome"):
        name = str(rec["nome"])
        if len(name) > CHART_LABEL_CAP:
            name = name[:CHART_LABEL_CAP - 1].rstrip() + " …"
        return f"{rec['lep']} – {name}"
    return str(rec.get(key) or "")


def chart_rows(records: list[dict], key: str) -> list[tuple[str, float]]:
    """(label, hours) of the bars: rows with hours only, largest first."""
    bars = [(chart_label(r, key), r.get("ore")) for r in records if r.get("ore")]
    return sorted(bars, key=lambda b: -b[1])


def _chart_block(ws, title: str, key: str, records: list[dict]) -> None:
    """Below the table, on a page of its own: the hours sorted largest first and their bar chart."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.worksheet.pagebreak import Break

    bars = chart_rows(records, key)
    if not bars:
        return
    top = ws.max_row + 3
    ws.row_breaks.append(Break(id=top - 2))  # the title row starts the new page
    ws.cell(top - 1, 1, f"{title} (dal valore più alto; esclusi i valori zero)").font = font(bold=True)
    # The labels run over the empty cells to their right: the hours go in the first column past them.
    longest, value_col, room = max(len(label) for label, _ in bars), 2, ws.column_dimensions["A"].width
    while room < longest + 1 and value_col < 12:
        room += ws.column_dimensions[column_letter(value_col)].width or 9
        value_col += 1
    head = header_style()
    for j, text in ((1, HEADERS[key][0]), (value_col, "Ore")):
        apply_style(ws.cell(top, j, text), head)
    for i, (label, hours) in enumerate(bars, start=top + 1):
        ws.cell(i, 1, cell_value(label)).font = font()
        cell = ws.cell(i, value_col, hours)
        cell.font, cell.number_format = font(), "#,##0.0"  # the bars' labels show this format
    last = top + len(bars)

    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = title
    chart.legend = None
    chart.x_axis.title = None
    chart.y_axis.title = "Ore"
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.scaling.orientation = "maxMin"  # first (largest) bar on top
    chart.y_axis.number_format = "#,##0"  # whole hours on the axis, not 0,00
    chart.add_data(Reference(ws, min_col=value_col, min_row=top, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=last))
    chart.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False, showLegendKey=False)
    chart.width = 16
    chart.height = max(6.0, 0.7 * len(bars) + 2.5)
    ws.add_chart(chart, f"A{last + 2}")


def _summary_sheet(wb, totals: Totals) -> None:
    from openpyxl.styles import Alignment

    ws = wb.active
    ws.title = "Riepilogo"
    for letter, width in zip("ABCDE", (40, 16, 14, 14, 14)):
        ws.column_dimensions[letter].width = width
    t = totals.total
    integer, hours, fte = "#,##0", "#,##0.00", "#,##0.000"
    lines = [
        ("Righe lette", totals.rows_read, integer),
        ("Righe conteggiate (senza errori)", totals.rows_counted, integer),
        ("Righe escluse perché con errori", totals.rows_excluded, integer),
        ("Avvisi sulle righe conteggiate", totals.warnings, integer),
        ("Righe conteggiate con avvisi", totals.rows_with_warnings, integer),
        ("Mesi", ", ".join(totals.months), None),
        ("Servizi", t["servizi"], integer),
        ("Minuti registrati", t["minuti_registrati"], integer),
        ("Minuti standard (medi)", t["minuti_standard"], integer),
        ("Minuti standard minimi", t["minuti_min"], integer),
        ("Minuti standard massimi", t["minuti_max"], integer),
        ("Servizi senza durata registrata", t["servizi_senza_durata"], integer),
        ("Ore", t["ore"], hours),
        (FTE_LABEL, t.get("fte"), fte),
        ("Ore mensili di un FTE", totals.fte_hours, hours),
        ("Catalogo", totals.catalogue_version, None),
    ]
    ws.append(["Totali dei tempi di lavoro"])
    ws["A1"].font = font(bold=True, size=13)
    for label, value, fmt in lines:
        ws.append([label, value])
        ws.cell(ws.max_row, 1).font = font(bold=True)
        cell = ws.cell(ws.max_row, 2)
        cell.font, cell.alignment = font(), Alignment(horizontal="right" if fmt else "left")
        if fmt:
            cell.number_format = fmt
    texts = [("Come si calcolano le ore", HOURS_RULE), ("Come si calcolano gli FTE", fte_rule(totals))]
    if totals.rows_excluded:
        texts.append(("Attenzione", f"{_it(totals.rows_excluded)} righe con errori non sono nei totali: "
                                    "correggerle (vedere il rapporto o il foglio Verifica) e ricalcolare."))
    texts += [("Note" if i == 0 else None, note) for i, note in enumerate(totals.notes or ["nessuna"])]
    texts += [("File" if i == 0 else None, cell_value(f)) for i, f in enumerate(totals.files)]
    for label, text in texts:
        ws.append([label, text])
        r = ws.max_row
        ws.cell(r, 1).font = font(bold=True)
        ws.cell(r, 1).alignment = Alignment(vertical="top")
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=5)
        cell = ws.cell(r, 2)
        cell.font, cell.alignment = font(), Alignment(wrap_text=True, vertical="top")
        height = row_height([text], [Col("", wrap=True)], [58.0])
        if height:
            ws.row_dimensions[r].height = height
    print_setup(ws, landscape=False, title_rows=None)


def views(totals: Totals) -> list[tuple[str, list[dict], tuple[str, ...], str | None]]:
    """The roll-ups as (title, records, column keys, chart title or None), in display order."""
    m = MEASURE_KEYS
    return [
        ("Per sede", totals.by_office, ("sede", *m, "fte"), "Ore per sede"),
        ("Per operatore", totals.by_operator, ("operatore", "sedi", *m, "fte"), "Ore per operatore"),
        ("Per LEP", totals.by_lep, ("lep", "nome", *m, "fte"), "Ore per LEP"),
        ("Per mese", totals.by_month, ("mese", *m, "fte"), None),
        ("Per servizio", totals.by_code, ("lep", "codice", "nome", *m, "fte"), None),
    ]


def view_rows(records: list[dict], keys: tuple[str, ...]) -> list[list]:
    """A roll-up as a header row (Italian) followed by its values."""
    return [[HEADERS[k][0] for k in keys]] + [[rec.get(k) for k in keys] for rec in records]


def _write_xlsx(totals: Totals, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    _summary_sheet(wb, totals)
    for title, records, keys, chart in views(totals):
        ws = _table_sheet(wb, title, records, keys, totals.total)
        if chart:
            _chart_block(ws, chart, keys[0], records)
    # The finest table can have hundreds of thousands of rows: openpyxl writes its header and first
    # row (every setting of the sheet), table_rows all its rows straight into the saved sheet.
    detail = totals.detail_frame().select(DETAIL_COLUMNS)
    direct = detail.height <= OPENPYXL_DETAIL_ROWS
    first = [[defuse(v) for v in row] for row in detail.head(SAMPLE_ROWS).iter_rows()]  # widths measured on these
    _table_sheet(wb, "Dettaglio", (detail if direct else detail.head(1)).to_dicts(), DETAIL_COLUMNS, measure=first)
    if len(totals.months) > 1:
        trend_sheet(wb, totals)
    if totals.plan is not None:
        keys = ("codice", "nome", "volume_mensile_previsto", "servizi_previsti", "servizi_effettivi",
                "ore_previste", "ore_effettive", "differenza_ore")
        ws = _table_sheet(wb, "Carichi", totals.plan, keys, {**totals.plan_total, "nome": None})
        ws.append([])
        ws.append(["FTE previsti", totals.plan_total["fte_previsti"]])
        ws.append(["FTE effettivi", totals.plan_total["fte_effettivi"]])
        for r in (ws.max_row - 1, ws.max_row):
            ws.cell(r, 1).font = font(bold=True)
            ws.cell(r, 2).font, ws.cell(r, 2).number_format = font(), "#,##0.000"
        for note in totals.plan_notes:
            ws.append(["Nota", note])
            ws.cell(ws.max_row, 1).font, ws.cell(ws.max_row, 2).font = font(bold=True), font()
    save_workbook(wb, path)
    if not direct:
        cols = _cols(DETAIL_COLUMNS)
        fill_table(path, "Dettaglio", detail, cols, widths(cols, first))


# ---------------------------------------------------------------------------------------------
# Trend: hours month by month, per office and per LEP (several months, e.g. a year of the archive)


def trend_tables(totals: Totals) -> list[tuple[str, list[str], list[list]]]:
    """(title, column names, rows): hours per month (rows) and office or LEP (columns), with totals."""
    import polars as pl

    tables = []
    for key, title in (("sede", "Ore per mese e sede"), ("lep", "Ore per mese e LEP")):
        sums = totals.detail_frame().group_by("mese", key).agg(pl.col("minuti_lavoro").fill_null(0).sum())
        minutes: dict[tuple[str, str], int] = {(m, k): v for m, k, v in sums.iter_rows()}
        names = sorted({k for _, k in minutes}, key=lambda n: (str(n).casefold()))
        if key == "lep":
            names = [r["lep"] for r in totals.by_lep if r["lep"] in names]
        rows = []
        for month in totals.months:
            values = [round(minutes.get((month, n), 0) / 60, 2) for n in names]
            rows.append([month, *values, round(sum(minutes.get((month, n), 0) for n in names) / 60, 2)])
        tables.append((title, ["Mese", *names, "Totale"], rows))
    return tables


def trend_sheet(wb, totals: Totals):
    """The 'Andamento' sheet: the trend tables, each with a native line chart of its hours by month."""
    from openpyxl.chart import LineChart, Reference
    from openpyxl.styles import Font, PatternFill

    ws = wb.create_sheet("Andamento")
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    ws.column_dimensions["A"].width = 10
    tables = trend_tables(totals)
    widest = max(len(header) for _, header, _ in tables)
    for j in range(2, widest + 1):
        ws.column_dimensions[column_letter(j)].width = 12
    top = 1
    for title, header, rows in tables:
        ws.cell(top, 1, title).font = Font(bold=True, size=12)
        for j, name in enumerate(header, start=1):
            cell = ws.cell(top + 1, j, cell_value(name))
            cell.font, cell.fill = bold, fill
        for i, row in enumerate(rows, start=top + 2):
            for j, value in enumerate(row, start=1):
                cell = ws.cell(i, j, value)
                if j > 1:
                    cell.number_format = "0.00"
        chart = LineChart()
        chart.title = title
        chart.y_axis.title = "Ore"
        chart.x_axis.title = "Mese"
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.add_data(Reference(ws, min_col=2, max_col=len(header) - 1, min_row=top + 1, max_row=top + 1 + len(rows)),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=top + 2, max_row=top + 1 + len(rows)))
        for series in chart.series:
            series.smooth = False  # hours of distinct months: straight segments, no invented curve
        chart.width, chart.height = 24, 9
        anchor_row = top + 3 + len(rows)
        ws.add_chart(chart, f"A{anchor_row}")
        top = anchor_row + 20  # below the chart (9 cm ~ 18 rows)
    return ws


# ---------------------------------------------------------------------------------------------
# Terminal


def _rich_table(title: str, records: list[dict], keys: tuple[str, ...], total: dict | None):
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=title, title_justify="left", header_style="bold")
    labels = {"minuti_standard": "Min. standard", "minuti_registrati": "Min. registrati", "intervallo": "Min. min–max"}
    for k in keys:
        numeric = k not in ("sede", "sedi", "operatore", "lep", "nome", "mese", "codice")
        table.add_column(labels.get(k, HEADERS.get(k, (k,))[0]), justify="right" if numeric else "left",
                         overflow="fold")

    def cells(rec):
        out = []
        for k in keys:
            if k == "intervallo":
                low, high = rec.get("minuti_min"), rec.get("minuti_max")
                out.append("" if low is None and high is None else f"{_it(low)}–{_it(high)}")
            elif k in ("ore", "ore_previste", "ore_effettive", "differenza_ore"):
                out.append(_ore(rec.get(k)))
            elif k == "fte":
                out.append(_it(rec.get(k), 3))
            elif isinstance(rec.get(k), (int, float)):
                out.append(_it(rec.get(k), 0 if float(rec.get(k)).is_integer() else 2))
            else:
                out.append("" if rec.get(k) is None else escape(str(rec.get(k))))
        return out

    for rec in records:
        table.add_row(*cells(rec))
    if total is not None:
        row = cells(total)
        row[0] = "Totale"
        table.add_row(*row, style="bold")
    return table


def render_totals(console, totals: Totals) -> None:
    """Terminal summary: counts, roll-ups by office, LEP, month and operator, notes, plan."""
    console.print(
        f"Totali di {counted(totals.rows_counted, 'servizio', 'servizi')} (righe senza errori) su "
        f"{counted(totals.rows_read, 'riga letta', 'righe lette')} in "
        f"{len(totals.files)} file, catalogo {totals.catalogue_version}."
    )
    if totals.rows_excluded:
        excluded = "1 riga con errori esclusa" if totals.rows_excluded == 1 else \
            f"{totals.rows_excluded} righe con errori escluse"
        console.print(f"[bold red]{excluded} dai totali[/]: correggerle (vedere 'registro valida') e ricalcolare.")
    if not totals.rows_counted:
        console.print("Nessun servizio da totalizzare.")
        return
    console.print(f"Avvisi sulle righe conteggiate: {totals.warnings} (su {counted(totals.rows_with_warnings, 'riga', 'righe')}): "
                  "le righe con soli avvisi sono nei totali.")
    m = ("servizi", "minuti_registrati", "minuti_standard", "intervallo", "ore", "fte")
    console.print(_rich_table("Per sede", totals.by_office, ("sede", *m), totals.total))
    console.print(_rich_table("Per LEP", totals.by_lep, ("lep", "nome", *m), totals.total))
    console.print(_rich_table("Per mese", totals.by_month, ("mese", *m), totals.total))
    operators = sorted(totals.by_operator, key=lambda r: -(r.get("ore") or 0))[:TERMINAL_OPERATORS]
    title = "Per operatore" if len(operators) == len(totals.by_operator) else \
        f"Per operatore (i {len(operators)} con più ore su {len(totals.by_operator)}: tutti con -o riepilogo.xlsx)"
    console.print(_rich_table(title, operators, ("operatore", "sedi", *m), totals.total))
    console.print(f"{HOURS_RULE} {fte_rule(totals)}")
    for note in totals.notes:
        console.print(f"[yellow]Nota:[/] {note}")
    if totals.plan is not None:
        keys = ("codice", "nome", "volume_mensile_previsto", "servizi_effettivi", "ore_previste", "ore_effettive",
                "differenza_ore")
        shown = [r for r in totals.plan if r["volume_mensile_previsto"] or r["servizi_effettivi"]]
        console.print(_rich_table("Carichi: previsto e effettivo", shown, keys, {**totals.plan_total, "nome": ""}))
        p = totals.plan_total
        console.print(f"Ore previste {_ore(p['ore_previste'])}, effettive {_ore(p['ore_effettive'])} "
                      f"(differenza {_ore(p['differenza_ore'])}); FTE previsti {_it(p['fte_previsti'], 3)}, "
                      f"effettivi {_it(p['fte_effettivi'], 3)}.")
        for note in totals.plan_notes:
            console.print(f"[yellow]Nota:[/] {note}")
