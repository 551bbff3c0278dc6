"""registro mese: the month's job in one pass (check, report, annotated copies, totals, JA file, archive)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from registro.commands.shared import (CARICHI, MOSTRA, ORE_FTE, PATHS, PROFILO, archive_folder, check_options,
                                      console, opened, progress_bar, with_archive)


@click.command("mese")
@PATHS
@check_options
@click.option("-o", "--uscita", "folder", required=True, metavar="CARTELLA",
              type=click.Path(file_okay=False, path_type=Path),
              help="Cartella in cui scrivere i risultati (creata se manca).")
@ORE_FTE
@CARICHI
@PROFILO
@click.option("--senza-excel", "text_only", is_flag=True,
              help="Solo file di testo (rapporto.json, riepilogo.csv, ja.csv, scarti.csv), senza file Excel né "
                   "copie annotate: per volumi molto grandi.")
@click.option("--archivia", "store", is_flag=True,
              help="Quando tutti i file sono scritti, archivia le righe senza errori del mese nell'archivio indicato "
                   "con --archivio "
                   "(come 'registro archivio aggiungi'; creato se manca).")
@MOSTRA
def mese(paths, options, folder, fte_hours, carichi, profile, text_only, store, limit):
    """Il lavoro del mese in un solo comando: controllo, totali e file per JA, con una sola lettura.

    Legge e controlla una volta i registri (file o cartelle: i file di più sedi sono letti in
    parallelo), poi scrive nella cartella di uscita:

    \b
      rapporto.xlsx, rapporto.json   tutti i problemi, riga per riga
      NOME_annotato.xlsx             copia annotata di ogni registro con problemi
      riepilogo.xlsx                 tempi di lavoro (ore, FTE) con grafici
      ja.csv                         file pulito per JA (righe senza errori)
      scarti.xlsx                    righe scartate con i motivi

    Stampa i problemi per regola, il bilancio "N righe lette = X esportate + Y scartate", le ore,
    gli FTE e i file scritti. I file d'ingresso non sono mai modificati; i file di uscita sono messi
    al loro posto tutti insieme o nessuno (un file aperto in Excel ferma il comando prima).

    Uscita: 0 nessun errore (avvisi ammessi), 1 almeno un errore (totali e file per JA scritti
    con le sole righe senza errori), 2 file inutilizzabile (gli altri sono controllati e i loro
    totali e file per JA scritti; nulla è archiviato; se nessun file si può usare, totali e file per
    JA di una corsa precedente nella cartella sono tolti).

    \b
    Esempi:
      registro mese registri_ottobre/ --mese 2026-10 --storico registri_settembre/ -o ottobre
      registro mese registro_ancona.xlsx --mese 2026-10 -o uscita --ore-fte 150
      registro mese registri_2026/ -o anno --senza-excel
      registro mese registri_novembre/ --mese 2026-11 --archivio archivio/ --archivia -o novembre
    """
    from registro import month_pass, open_archive
    from registro.validators.render.archive import print_added
    from registro.validators.render.month import render_month

    if store:  # opened (or created) first: a wrong key stops the run before any reading
        archive = open_archive(archive_folder(options.archive), options.key, create=True)
        options = replace(options, archive=archive)
    else:
        options = with_archive(options)  # --archivio as history: opened before any reading
    # with --archivia, month_pass holds the archive's writer lock from the history read to the import
    with progress_bar() as progress:
        result = month_pass(list(paths), folder, options, fte_hours=fte_hours, carichi=carichi, profile=profile,
                            excel=not text_only, store=store, progress=progress)
    if store:
        opened(options.archive)  # an interrupted change completed or rolled back, the upgrade from schema 1
    out = console()
    render_month(out, result, folder, limit)
    if result.stored is not None:
        print_added(out, result.stored, options.archive)
    click.get_current_context().exit(result.exit_code)
