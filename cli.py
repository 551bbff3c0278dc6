"""Command line of registro: thin click commands over the validators API.

Heavy libraries (polars, pandera, openpyxl) are imported inside the commands, so that
`registro --help` stays fast.
"""

from __future__ import annotations

import json
import sys
from functools import wraps
from pathlib import Path

import click

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2

CATALOGO_OPTION = click.option(
    "--catalogo",
    "catalogue_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File del catalogo da usare al posto di quello incluso (YAML).",
)


def _console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # Piped or redirected output gets a wide fixed width instead of rich's 80 columns.
    width = None if stream.isatty() else 160
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width)


def handles_domain_errors(func):
    """Turn the API's domain errors into one Italian line and exit code 2 (traceback only with --debug)."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context()
        try:
            return func(*args, **kwargs)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except Exception as exc:  # noqa: BLE001 - the single place where errors become messages
            from validators.errors import user_message

            if ctx.find_root().params.get("debug"):
                raise
            message = user_message(exc)
            _console(stderr=True).print(f"[bold red]Errore:[/] {message}", markup=True, highlight=False)
            ctx.exit(EXIT_UNUSABLE)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--debug", is_flag=True, help="Mostra i dettagli tecnici (traceback) in caso di errore.")
@click.version_option(package_name="registro", message="registro %(version)s")
def main(debug: bool) -> None:
    """Registro dei servizi dei Centri per l'Impiego (Regione Marche).

    Controlla i registri mensili prima del caricamento in JA, calcola i tempi di lavoro e
    prepara il file pulito per JA, a partire dal catalogo "Allegato 2 – Tabella delle attività".

    \b
    Esempi:
      registro catalogo                    elenco dei servizi registrabili
      registro catalogo --codice D.2       scheda completa di un servizio
      registro valida registri/ --mese 2026-10 --rapporto rapporto.xlsx
    """


# ---------------------------------------------------------------------------------------------
# registro catalogo


@main.command("catalogo")
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
@CATALOGO_OPTION
@handles_domain_errors
def catalogo_cmd(codice, formato, check_path, tutti, catalogue_path):
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
    from validators import catalogue_view
    from validators.catalogue import load_catalogue

    cat = load_catalogue(check_path or catalogue_path)
    if check_path:
        click.echo(
            f"Catalogo valido: {check_path} (versione {cat.version}, "
            f"{len(cat.registrable)} servizi registrabili, {len(cat.programmes)} programmi)."
        )
        return
    if codice:
        service = catalogue_view.find_service(cat, codice)
        if formato == "json":
            click.echo(json.dumps(catalogue_view.service_record(cat, service, full=True), ensure_ascii=False, indent=2))
        else:
            catalogue_view.print_service(_console(), cat, service)
        return
    records = [catalogue_view.service_record(cat, s) for s in cat.services.values() if tutti or s.registrable]
    if formato == "csv":
        catalogue_view.write_csv(records, sys.stdout)
    elif formato == "json":
        payload = {"versione": cat.version, "servizi": records}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        catalogue_view.print_table(_console(), cat, records)


if __name__ == "__main__":  # pragma: no cover
    main()
