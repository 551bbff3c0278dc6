"""registro archivio: the checked months kept without codici fiscali (aggiungi, stato, rimuovi, verifica)."""

from __future__ import annotations

from dataclasses import replace

import click

from registro.commands.shared import (ARCHIVIO_DIR, CHIAVE, MOSTRA, PATHS, archive_folder, check, check_options,
                                      console, month_option, opened)


@click.group("archivio")
def archivio():
    """Archivio dei mesi controllati: storico per le sequenze e totali dell'anno, senza codici fiscali.

    Le persone sono conservate con uno pseudonimo calcolato con una chiave segreta che sta fuori
    dall'archivio (predefinita: CARTELLA.chiave accanto alla cartella dell'archivio).

    \b
    Esempi:
      registro archivio aggiungi registri_ottobre/ --mese 2026-10 --archivio archivio/
      registro archivio stato --archivio archivio/
      registro valida registri_novembre/ --mese 2026-11 --archivio archivio/
      registro totali --archivio archivio/ --dal 2026-01 --al 2026-12 -o anno.xlsx
    """


@archivio.command("aggiungi")
@PATHS
@check_options(exclude=True)
@MOSTRA
def aggiungi(paths, options, limit):
    """Controlla i registri come 'registro valida' e archivia le righe senza errori.

    Ogni registro copre coppie (sede, mese): l'importazione sostituisce tutte le righe già
    archiviate di quelle coppie (reimportare il mese corretto lo sostituisce). Conviene importare
    insieme tutti i registri di un mese di una sede, con --mese. Se l'archivio non esiste viene
    creato, con la sua chiave.

    Uscita: 0 righe archiviate (anche se alcune sono scartate per errori), 2 file inutilizzabile
    o archivio non utilizzabile.

    \b
    Esempi:
      registro archivio aggiungi registri_ottobre/ --mese 2026-10 --archivio archivio/
      registro archivio aggiungi registro_ancona_corretto.xlsx --mese 2026-10 --archivio archivio/
    """
    from registro import archive_add, open_archive
    from registro.validators.render.archive import print_added
    from registro.validators.render.report_files import render_text

    target = open_archive(archive_folder(options.archive), options.key, create=True)
    out = console()
    with target.importing():  # the writer lock from the history read to the import (concurrent = in sequence)
        opened(target)  # an interrupted change completed or rolled back, the upgrade from schema 1
        checked = check(paths, replace(options, archive=target))
        render_text(out, checked.report, limit)
        result = archive_add(checked, target)
    print_added(out, result, target)


@archivio.command("stato")
@ARCHIVIO_DIR
@click.option("--json", "as_json", is_flag=True,
              help="Stampa in JSON la cartella dei dati, la versione dello schema e righe e persone di ogni partizione.")
def stato(archive, as_json):
    """Mostra i mesi e le sedi archiviati: righe, persone, data di importazione, catalogo.

    Mostra anche la cartella dei dati (dati/ dentro l'archivio), da leggere con DuckDB, pandas,
    polars, Spark, Power BI o Excel.

    \b
    Esempi:
      registro archivio stato --archivio archivio/
      registro archivio stato --archivio archivio/ --json > stato.json
    """
    from registro import archive_status  # the metadata alone: no polars to load, answers at once
    from registro.validators.render.archive import print_notices, print_status

    folder = archive_folder(archive)
    status = archive_status(folder)
    print_notices(console(stderr=True), status)  # an interrupted change completed on the way
    if as_json:
        from registro.validators.render.archive_status import status_json

        click.echo(status_json(status))
        return
    print_status(console(), folder, status)


@archivio.command("rimuovi")
@ARCHIVIO_DIR
@click.option("--sede", "office", help="Sede da togliere (con --mese o --prima-del; senza, tutte le sedi).")
@month_option("--mese", "Mese da togliere.")
@month_option("--prima-del", "Togli tutti i mesi prima di questo (conservazione dei dati).")
def rimuovi(archive, office, mese, prima_del):
    """Toglie dall'archivio un mese (di una sede o di tutte) o tutti i mesi prima di una data.

    \b
    Esempi:
      registro archivio rimuovi --sede Ancona --mese 2026-10 --archivio archivio/
      registro archivio rimuovi --prima-del 2021-01 --archivio archivio/
    """
    from registro import archive_remove, open_archive
    from registro.validators.render.archive import print_removed

    if bool(mese) == bool(prima_del):
        raise click.UsageError("indicare --mese AAAA-MM oppure --prima-del AAAA-MM (uno dei due).")
    target = open_archive(archive_folder(archive), need_key=False)
    gone = archive_remove(target, office=office, month=mese, before=prima_del)
    opened(target)  # an interrupted change completed or rolled back, the upgrade from schema 1
    print_removed(console(), gone)


@archivio.command("verifica")
@ARCHIVIO_DIR
@CHIAVE
def verifica(archive, key):
    """Verifica l'archivio: la versione dello schema, la chiave, i file e le righe rispetto ai metadati.

    Completa o annulla un'operazione interrotta, aggiorna un archivio della versione 0.1 allo
    schema nuovo e ricostruisce l'indice dello storico se non corrisponde: nomina ogni file tolto,
    spostato o ricostruito.

    Uscita: 0 archivio integro, 2 archivio danneggiato o chiave errata (il messaggio dice dove).

    \b
    Esempio:
      registro archivio verifica --archivio archivio/ --chiave archivio.chiave
    """
    from registro import archive_verify, open_archive
    from registro.validators.render.archive import print_verified

    target = open_archive(archive_folder(archive), key)
    print_verified(console(), archive_verify(target), target)
