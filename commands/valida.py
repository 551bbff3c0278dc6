"""registro valida: check registers and report every problem, row by row."""

from __future__ import annotations

from pathlib import Path

import click

from registro.commands.shared import MOSTRA, PATHS, check, check_options, console


@click.command("valida")
@PATHS
@check_options(exclude=True)
@click.option("--rapporto", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Scrive il rapporto completo: .json, .csv o .xlsx.")
@click.option("--annota", "annotate_path", type=click.Path(path_type=Path),
              help="Copia annotata del registro (.xlsx) con colonna Esito, celle colorate, commenti e foglio "
                   "Verifica; con più registri indicare una cartella (ogni copia ha il nome del suo registro, "
                   "preceduto dalla sua cartella se due registri si chiamano uguale).")
@MOSTRA
def valida(paths, options, report_path, annotate_path, limit):
    """Controlla uno o più registri (file o cartelle) e riporta ogni problema riga per riga.

    Uscita: 0 nessun errore (avvisi ammessi), 1 almeno un errore, 2 file inutilizzabile.

    \b
    Esempi:
      registro valida registro_ottobre.xlsx
      registro valida registri/ --mese 2026-10 --storico settembre/ --rapporto rapporto.xlsx
      registro valida registro.xlsx --annota registro_annotato.xlsx
      registro valida registri_ottobre/ --mese 2026-10 --archivio archivio/
    """
    from registro import OutputSet, annotate, write_report
    from registro.validators.render.report_files import render_text

    checked = check(paths, options)
    report = checked.report
    render_text(console(), report, limit, report_file=report_path)
    copies = []
    with OutputSet(checked.inputs) as out:  # the report and the copies: all in place, or none
        if report_path:
            write_report(checked, report_path, out=out)
        if annotate_path:
            copies = annotate(checked, annotate_path, out=out)
    if report_path:
        click.echo(f"Rapporto scritto in {report_path}")
    for copy in copies:
        click.echo(f"Copia annotata scritta in {copy}")
    click.get_current_context().exit(report.exit_code)
