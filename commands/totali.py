"""registro totali: time totals (services, minutes, hours, FTE) of registers or of the archived months."""

from __future__ import annotations

from pathlib import Path

import click

from registro.commands.shared import (CARICHI, EXIT_UNUSABLE, ORE_FTE, check, check_options, console, opened,
                                      print_unusable)


@click.command("totali")
@click.argument("paths", nargs=-1, metavar="[REGISTRI]...", type=click.Path(exists=True, path_type=Path))
@check_options
@click.option("--dal", "since", metavar="AAAA-MM", help="Senza registri: primo mese dell'archivio da totalizzare.")
@click.option("--al", "until", metavar="AAAA-MM", help="Senza registri: ultimo mese dell'archivio da totalizzare.")
@click.option("-o", "--uscita", "outputs", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Scrive i totali: .xlsx (un foglio per raggruppamento, con grafici), .csv o .json "
                   "(tabella di dettaglio). Ripetibile.")
@ORE_FTE
@CARICHI
def totali(paths, options, since, until, outputs, fte_hours, carichi):
    """Calcola servizi, minuti, ore e FTE per mese, sede, operatore, LEP e codice.

    Conta solo le righe senza errori (quelle con errori sono escluse e contate); le righe con
    soli avvisi sono conteggiate. Nessun codice fiscale compare nei totali.

    Senza registri, con --archivio, totalizza i mesi dell'archivio (--dal, --al) e aggiunge
    l'andamento mese per mese per sede e per LEP, con grafici.

    Uscita: 0 totali calcolati (anche se alcune righe hanno errori), 2 file inutilizzabile (i totali
    degli altri sono calcolati e scritti, il file inutilizzabile è indicato per primo).

    \b
    Esempi:
      registro totali registri_ottobre/ --mese 2026-10
      registro totali registri_ottobre/ -o riepilogo.xlsx -o dettaglio.csv
      registro totali registro.xlsx --carichi modello_compilato.xlsx --ore-fte 150
      registro totali --archivio archivio/ --dal 2026-01 --al 2026-12 -o anno.xlsx
    """
    from registro import OutputSet, archive_totals, open_archive, totals, write_totals
    from registro.validators.render.totals_workbook import render_totals

    if not paths:
        if options.archive is None:
            raise click.UsageError("indicare i registri da totalizzare, oppure --archivio per i mesi archiviati.")
        if options.history or options.month or carichi:
            raise click.UsageError("senza registri si usano solo --archivio, --dal, --al, --catalogo e --ore-fte.")
        target = opened(open_archive(options.archive, need_key=False))  # what opening it did, on stderr
        result = archive_totals(target, since=since, until=until, catalogue=options.catalogue, fte_hours=fte_hours)
        inputs, unusable = [], False
    else:
        if since or until:
            raise click.UsageError("--dal e --al valgono solo senza registri (totali dell'archivio).")
        checked = check(paths, options)
        unusable = print_unusable(checked)  # the others are totalled; exit 2
        result = totals(checked, fte_hours=fte_hours, carichi=carichi, partial=True)
        inputs = list(checked.inputs) + ([carichi] if carichi else [])
    render_totals(console(), result)
    with OutputSet(inputs) as out:  # every -o file in place, or none
        for target in outputs:
            write_totals(result, target, inputs=inputs, out=out)
    for target in outputs:
        click.echo(f"Totali scritti in {target}")
    if unusable:
        click.get_current_context().exit(EXIT_UNUSABLE)
