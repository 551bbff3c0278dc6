"""Terminal summary of `registro mese`: problems per rule, the balance, hours and FTE, files written."""

from __future__ import annotations

from pathlib import Path

from registro.validators.render.report_files import render_text
from registro.validators.text import counted


def render_month(console, result, folder: Path, limit: int = 20) -> None:
    """One summary of an api.MonthResult (no codici fiscali: messages and totals hold none)."""
    from rich.markup import escape

    from registro.validators.render.totals_workbook import _it, fte_rule

    written = {Path(p).name: p for p in result.written}
    report_file = written.get("rapporto.xlsx") or written.get("rapporto.json")
    render_text(console, result.report, limit, report_file=report_file)
    unusable = [p.file for p in result.report.unusable_files]
    if result.export is None:
        console.print("[bold red]Nessun totale e nessun file per JA:[/] nessun file si può usare "
                      "(vedere sopra); correggerli e ripetere.")
    else:
        console.print(result.export.balance_line)
    if unusable and result.export is not None:
        one = len(unusable) == 1
        names = escape(", ".join(unusable))
        console.print((f"[bold red]Totali e file per JA senza il file inutilizzabile[/] {names}: le sue righe non sono "
                       "né esportate né scartate; correggerlo e ripetere il mese." if one else
                       f"[bold red]Totali e file per JA senza i {len(unusable)} file inutilizzabili[/] ({names}): le "
                       "loro righe non sono né esportate né scartate; correggerli e ripetere il mese.")
                      + (" Nulla è stato archiviato." if result.stored is None else ""), soft_wrap=True)
    t = result.totals
    if t is not None:
        console.print(f"Ore di lavoro: {_it(t.total['ore'], 2)} su "
                      f"{counted(t.rows_counted, 'servizio conteggiato', 'servizi conteggiati')}, "
                      f"FTE {_it(t.total.get('fte'), 3)} ({fte_rule(t).removesuffix('.')}).")
    console.print(f"File scritti in {escape(str(folder))}:")
    for path in result.written:
        console.print(f"  {escape(Path(path).name)}")
    if result.removed:
        names = ", ".join(escape(Path(p).name) for p in result.removed)
        console.print(f"[bold yellow]Tolti[/] {names}: erano di una corsa precedente e non valgono per questi registri.")
    for path in result.not_annotated:
        console.print(f"Nessuna copia annotata di {escape(Path(path).name)}: si fa di registri .xlsx, .xlsm o .csv; "
                      "i suoi problemi sono nel rapporto.")
