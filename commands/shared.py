"""What the commands share, declared once: the options (the check's, and --mostra, --ore-fte,
--carichi, --profilo, --archivio, --chiave ...), the terminal console and the progress bar.

An option's parameter name is the API's parameter it feeds (--chiave is `key`, --escludi is
`exclude`): the check options become the API's CheckOptions field by field, and an API error
that names a parameter is printed with the option's flag (cli.py). Nothing here imports
polars: `registro --help` loads this module.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from dataclasses import replace
from functools import wraps
from os import PathLike
from pathlib import Path

import click

from registro import DEFAULT_FTE_HOURS, DEFAULT_WORKDAY_MINUTES, CheckOptions
from registro.commands.click_words import Day

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2


def console(stderr: bool = False):
    """A rich console on stdout (or stderr); piped or redirected output gets a wide fixed width."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # Piped or redirected output gets a wide fixed width instead of rich's 80 columns.
    width = None if stream.isatty() else 160
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width)


@contextmanager
def progress_bar():
    """A progress bar on stderr when interactive; yields the API's progress callback or None.

    Stages name files and row counts only, never personal data.
    """
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=console(stderr=True), transient=True) as bar:
        task = bar.add_task("Avvio", total=1)

        def update(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        yield update


def check(paths, options: CheckOptions):
    """Read and check the registers (registro.check), with a progress bar when interactive."""
    from registro import check as check_registers

    options = with_archive(options)
    with progress_bar() as progress:
        return check_registers(list(paths), options, progress=progress)


def print_unusable(checked) -> bool:
    """Print first, one line each, the inputs that could not be used (the others' results follow);
    True when there is one (the command then exits with 2)."""
    from registro.validators.render.report_files import render_unusable

    unusable = checked.report.unusable_files
    out = console()
    render_unusable(out, checked.report)
    if unusable:
        out.print("[bold red]Risultati senza i file inutilizzabili:[/] le loro righe non sono conteggiate; "
                  "correggerli e ripetere il comando.", soft_wrap=True)
    return bool(unusable)


def with_archive(options: CheckOptions) -> CheckOptions:
    """The options with the archive of --archivio opened, and what opening it did (an interrupted
    change completed) printed on stderr; as they are without an archive or with one already open."""
    if not isinstance(options.archive, (str, PathLike)):
        return options
    from registro import open_archive

    return replace(options, archive=opened(open_archive(options.archive, options.key)))


def opened(archive):
    """An archive just opened or written, after printing on stderr what that did on the way."""
    from registro.validators.render.archive import print_notices

    print_notices(console(stderr=True), archive)
    return archive


def archive_folder(archive):
    """The archive folder given with --archivio, or a usage error when a command needs one."""
    if archive is None:
        raise click.UsageError("indicare la cartella dell'archivio con --archivio DIR (o REGISTRO_ARCHIVIO).")
    return archive


# ---------------------------------------------------------------------------------------------
# Options used by more than one command

PATHS = click.argument("paths", nargs=-1, required=True, metavar="REGISTRI...",
                       type=click.Path(exists=True, path_type=Path))
CATALOGO = click.option("--catalogo", "catalogue", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="File del catalogo da usare al posto di quello incluso (YAML).")
# --archivio as the history of a check; ARCHIVIO_DIR where the archive itself is the subject.
ARCHIVIO = click.option(
    "--archivio", "archive", type=click.Path(file_okay=False, path_type=Path), envvar="REGISTRO_ARCHIVIO",
    help="Cartella dell'archivio dei mesi controllati, usato come storico per le sequenze (anche con la "
         "variabile d'ambiente REGISTRO_ARCHIVIO).")
ARCHIVIO_DIR = click.option(
    "--archivio", "archive", type=click.Path(file_okay=False, path_type=Path), envvar="REGISTRO_ARCHIVIO",
    help="Cartella dell'archivio (anche con la variabile d'ambiente REGISTRO_ARCHIVIO).")
CHIAVE = click.option(
    "--chiave", "key", type=click.Path(dir_okay=False, path_type=Path), envvar="REGISTRO_CHIAVE",
    help="File della chiave segreta dell'archivio (predefinito: CARTELLA.chiave accanto all'archivio; anche con "
         "REGISTRO_CHIAVE).")
MOSTRA = click.option("--mostra", "limit", type=click.IntRange(min=0), default=20, show_default=True,
                      help="Quanti problemi mostrare a terminale.")
ORE_FTE = click.option("--ore-fte", "fte_hours", type=click.FloatRange(min=0, min_open=True),
                       default=round(DEFAULT_FTE_HOURS), show_default=True,
                       help="Ore mensili di un FTE (36 ore settimanali x 52 settimane / 12 mesi = 156).")
CARICHI = click.option("--carichi", "carichi", type=click.Path(dir_okay=False, path_type=Path),
                       help="Modello compilato con il foglio Carichi: confronta ore previste ed effettive.")
PROFILO = click.option("--profilo", "profile", type=click.Path(dir_okay=False, path_type=Path),
                       help="Profilo del tracciato JA (YAML) al posto di quello incluso.")


def month_option(name: str, help_text: str):
    """An option taking a month, AAAA-MM."""
    return click.option(name, metavar="AAAA-MM", help=help_text)


# The options of a check, shared by valida, mese, totali, esporta and archivio aggiungi: each
# parameter is a field of the API's CheckOptions (a test checks), so the command receives one value.
CHECK_OPTIONS = [
    click.option("--storico", "history", multiple=True, type=click.Path(exists=True, path_type=Path),
                 help="Registri dei mesi precedenti, usati solo come storico per le sequenze (ripetibile)."),
    click.option("--mese", "month", metavar="AAAA-MM", help="Mese del registro: le date fuori dal mese sono errori."),
    click.option("--foglio", "sheet", help="Nome del foglio da leggere (predefinito: Registro)."),
    click.option("--giornata", "workday_minutes", type=click.IntRange(min=1), default=DEFAULT_WORKDAY_MINUTES,
                 show_default=True, help="Minuti di una giornata lavorativa di un operatore."),
    click.option("--oggi", "today", type=Day(formats=["%Y-%m-%d", "%d/%m/%Y"]),
                 help="Data di riferimento al posto di oggi (per ricontrollare un mese passato)."),
    CATALOGO,
    ARCHIVIO,
    CHIAVE,
]
# Only for valida and archivio aggiungi: in totali, esporta and mese, excluding a rule could only
# matter for an errore rule, and would let rows the tool cannot use (unknown code, invalid codice
# fiscale ...) into the totals and JA.
ESCLUDI = click.option("--escludi", "exclude", multiple=True, metavar="REGOLA",
                       help="Non applicare questa regola (ripetibile; elenco in 'registro regole').")


def option_name(option) -> str:
    """The parameter name a click.option decorator declares."""
    return option(lambda: None).__click_params__[0].name


def check_options(func=None, *, exclude: bool = False):
    """Add the options of a check; the command receives them as one CheckOptions, `options`.

    Use as @check_options or @check_options(exclude=True) (which adds --escludi, see ESCLUDI).
    """
    options = [*CHECK_OPTIONS, ESCLUDI] if exclude else CHECK_OPTIONS
    names = [option_name(option) for option in options]

    def decorate(func):
        @wraps(func)
        def command(*args, **kwargs):
            bundle = CheckOptions(**{name: kwargs.pop(name) for name in names})
            return func(*args, options=bundle, **kwargs)

        for option in reversed(options):
            command = option(command)
        return command

    return decorate(func) if func is not None else decorate
