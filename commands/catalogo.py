"""registro catalogo and registro regole: the catalogue of services and the rules of the checks."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from registro.commands.shared import CATALOGO, console


@click.command("catalogo")
@click.option("--codice", help="Mostra la scheda completa di un servizio, ad es. A.1.")
@click.option(
    "--formato",
    type=click.Choice(["tabella", "csv", "json"]),
    default="tabella",
    show_default=True,
    help="tabella leggibile, oppure csv/json per altri programmi.",
)
@click.option(
    "--verifica",
    "check_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Verifica un file di catalogo alternativo e riporta il primo errore trovato.",
)
@click.option("--tutti", is_flag=True, help="Includi anche le voci non registrabili (F, M, N).")
@CATALOGO
def catalogo(codice, formato, check_path, tutti, catalogue):
    """Mostra il catalogo dei servizi (codici, LEP, destinatari, programmi, durate).

    Le durate non stampate nella tabella regionale sono marcate: "ereditata da X" (cella unita
    nell'originale), "incompleta" o "assente".

    \b
    Esempi:
      registro catalogo
      registro catalogo --codice M5.3
      registro catalogo --formato csv > catalogo.csv
      registro catalogo --verifica nuovo_catalogo.yaml
    """
    from registro import find_service, load_catalogue
    from registro.validators.render import catalogue as render

    cat = load_catalogue(check_path or catalogue)
    if check_path:
        click.echo(render.valid_line(check_path, cat))
        return
    if codice:
        service = find_service(cat, codice)
        if formato == "json":
            click.echo(render.service_json(cat, service))
        else:
            render.print_service(console(), cat, service)
        return
    if formato == "csv":
        render.write_csv(render.service_records(cat, all_entries=tutti), sys.stdout)
    elif formato == "json":
        click.echo(render.catalogue_json(cat, all_entries=tutti))
    else:
        render.print_table(console(), cat, render.service_records(cat, all_entries=tutti))
        render.print_programmes(console(), cat)


@click.command("regole")
@click.option("--formato", type=click.Choice(["tabella", "markdown"]), default="tabella", show_default=True,
              help="tabella leggibile, oppure markdown (la tabella delle regole della guida).")
def regole(formato):
    """Elenca le regole di controllo con identificativo, gravità, colonna e quando scattano.

    L'identificativo di una regola è quello da indicare a 'registro valida --escludi'.

    \b
    Esempi:
      registro regole
      registro regole --formato markdown
    """
    from registro.validators.render.rules import markdown, print_rules

    if formato == "markdown":
        click.echo(markdown())
        return
    print_rules(console())
