"""Command line of registro: the root click group, the error handler and the entry point `run()`.

The commands live in registro.commands, one module per command group, each a thin layer over
the Python API (`registro`). Heavy libraries (polars, pandera, openpyxl) are imported inside the
commands, so that `registro --help` stays fast.
"""

from __future__ import annotations

import os
import sys
from functools import wraps

import click

from registro.commands import archivio, catalogo, esporta, mese, modello, totali, valida
from registro.commands.click_words import italian_usage
from registro.commands.shared import EXIT_UNUSABLE, console


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--debug", is_flag=True, help="Mostra i dettagli tecnici (traceback) in caso di errore.")
@click.version_option(package_name="registro", message="registro %(version)s", help="Mostra la versione ed esce.")
def main(debug: bool) -> None:
    """Registro dei servizi dei Centri per l'Impiego (Regione Marche).

    Controlla i registri mensili prima del caricamento in JA, calcola i tempi di lavoro e
    prepara il file pulito per JA, a partire dal catalogo "Allegato 2 – Tabella delle attività".

    \b
    Esempi:
      registro catalogo                    elenco dei servizi registrabili
      registro catalogo --codice D.2       scheda completa di un servizio
      registro mese registri/ --mese 2026-10 -o uscita   controllo, totali e file per JA in una volta
      registro valida registri/ --mese 2026-10 --rapporto rapporto.xlsx
      registro totali registri/ --mese 2026-10 -o riepilogo.xlsx
      registro esporta registri/ --mese 2026-10 -o ja.csv --scarti scarti.xlsx
      registro archivio aggiungi registri/ --mese 2026-10 --archivio archivio/
      registro modello                     crea il modello Excel templates/registro.xlsx
      registro addin crea                  crea il componente aggiuntivo registro.xlam
    """


for _command in (catalogo.catalogo, valida.valida, modello.modello, catalogo.regole, totali.totali, esporta.esporta,
                 mese.mese, archivio.archivio, modello.addin):
    main.add_command(_command)


def _commands(command: click.Command):
    yield command
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from _commands(sub)


def flags(ctx: click.Context) -> dict[str, str]:
    """The command line's name of each API parameter: the option whose parameter has that name, the
    running command's first (`folder` is --uscita in mese, --cartella in addin crea)."""
    names: dict[str, str] = {}
    for command in (*_commands(ctx.find_root().command), ctx.command):  # the running command last: it wins
        for param in command.params:
            if isinstance(param, click.Option):
                names[param.name] = next((o for o in param.opts if o.startswith("--")), param.opts[0])
    return names


def handles_domain_errors(func):
    """Turn any error into one Italian line on stderr and exit code 2 (traceback only with --debug);
    an API error naming a parameter is printed with the command's flag for it."""

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
            from rich.markup import escape

            from registro import RegistroError, user_message

            if ctx.find_root().params.get("debug"):
                raise
            message = exc.render(flags(ctx)) if isinstance(exc, RegistroError) else user_message(exc)
            console(stderr=True).print(f"[bold red]Errore:[/] {escape(message)}", markup=True, highlight=False)
            ctx.exit(EXIT_UNUSABLE)

    return wrapper


for _command in _commands(main):  # every command, subgroups included, through the one handler
    if not isinstance(_command, click.Group):
        _command.callback = handles_domain_errors(_command.callback)
italian_usage(main)


def replace_unencodable() -> None:
    """Print what the console's code page cannot encode as '?' instead of failing.

    Output redirected to a file on Windows is written in the code page (cp1252, cp850), or in ASCII
    where PYTHONIOENCODING says so: an accent or a dash outside it must not stop the command (stdout's
    default), nor read as '\\xe8' (stderr's). An error handler the user chose otherwise is kept.
    """
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and getattr(stream, "errors", "") in ("strict", "backslashreplace"):
            stream.reconfigure(errors="replace")


def run() -> None:
    """The `registro` command: main(), then the process ends without the interpreter's teardown.

    Every output is written and closed when main() returns; freeing a large month's frames one by
    one at exit took another third of a second on 1,000,000 rows (docs/sviluppo/performance.md). An error
    shown with --debug leaves through Python's own path, traceback included.
    """
    replace_unencodable()
    try:
        main()
        code = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
