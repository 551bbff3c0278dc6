"""registro esporta: the clean file for JA and the rejects with their reasons."""

from __future__ import annotations

from pathlib import Path

import click

from registro.commands.shared import EXIT_UNUSABLE, PATHS, PROFILO, check, check_options, console, print_unusable


@click.command("esporta")
@PATHS
@check_options
@click.option("-o", "--uscita", "target", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File per JA: .csv (come da profilo; predefinito ';' e UTF-8 con BOM) o .xlsx.")
@click.option("--scarti", "rejects", type=click.Path(dir_okay=False, path_type=Path),
              help="File delle righe scartate con i motivi (.xlsx o .csv); predefinito NOME_scarti.xlsx "
                   "accanto al file per JA.")
@PROFILO
def esporta(paths, options, target, rejects, profile):
    """Scrive il file pulito per JA con le righe senza errori, e gli scarti con i motivi.

    Le righe con soli avvisi sono esportate. Ogni riga letta finisce nel file per JA o negli
    scarti: il comando stampa "N righe lette = X esportate + Y scartate".

    Uscita: 0 file scritti e conti che tornano (anche con righe scartate), 2 file inutilizzabile
    (le righe degli altri sono esportate o scartate, il file inutilizzabile è indicato per primo),
    comando errato o conti che non tornano (in quel caso non scrive nulla).

    \b
    Esempi:
      registro esporta registro_ottobre.xlsx -o ja.csv
      registro esporta registri_ottobre/ --mese 2026-10 -o ja.csv --scarti scarti.xlsx
      registro esporta registro.xlsx -o ja.xlsx --profilo profilo_ja.yaml
    """
    from registro import export
    from registro.validators.render.export import print_export

    checked = check(paths, options)
    unusable = print_unusable(checked)  # the others are exported; exit 2
    result = export(checked, target, rejects=rejects, profile=profile, partial=True)
    if not print_export(console(), result) or unusable:
        click.get_current_context().exit(EXIT_UNUSABLE)
