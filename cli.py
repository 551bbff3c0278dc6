"""Command line of registro: thin click commands over the validators API.

Heavy libraries (polars, pandera, openpyxl) are imported inside the commands, so that
`registro --help` stays fast.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import wraps
from pathlib import Path

import click

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2

# click's own words (usage line, section titles, its error messages) in Italian: click looks each
# one up through gettext at the moment it prints it, so its modules' lookups are pointed here.
CLICK_WORDS = {
    "Usage:": "Uso:",
    "Options": "Opzioni",
    "Commands": "Comandi",
    "Positional arguments": "Argomenti",
    "Show this message and exit.": "Mostra questo aiuto ed esce.",
    "Show the version and exit.": "Mostra la versione ed esce.",
    "Error: {message}": "Errore: {message}",
    "Try '{command} {option}' for help.": "Per l'aiuto: '{command} {option}'.",
    "No such option {name!r}.": "opzione {name!r} sconosciuta.",
    "No such command {name!r}.": "comando {name!r} sconosciuto.",
    "Missing command.": "manca il comando.",
    "Missing argument": "Manca l'argomento",
    "Missing option": "Manca l'opzione",
    "Missing parameter": "Manca il parametro",
    "Missing parameter: {param_name}": "Manca il parametro: {param_name}",
    "Missing {param_type}": "Manca {param_type}",
    "Option {name!r} does not take a value.": "l'opzione {name!r} non vuole un valore.",
    "Argument {name!r} takes {nargs} values.": "l'argomento {name!r} vuole {nargs} valori.",
    "Invalid value for {param_hint}: {message}": "Valore non valido per {param_hint}: {message}",
    "Invalid value: {message}": "Valore non valido: {message}",
    "{value!r} is not a valid {number_type}.": "{value!r} non è un numero valido ({number_type}).",
    "{value} is not in the range {range}.": "{value} non è nell'intervallo {range}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} non esiste.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} è una cartella.",
    "{name} {filename!r} is a file.": "{name} {filename!r} è un file, non una cartella.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} non è leggibile.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} non è scrivibile.",
    "Could not open file {filename!r}: {message}": "impossibile aprire il file {filename!r}: {message}",
    "file": "File",
    "directory": "Cartella",
    "path": "Percorso",
    "default: {default}": "predefinito: {default}",
    "env var: {var}": "variabile d'ambiente: {var}",
    "deprecated": "deprecato",
    "Aborted!": "Interrotto.",
    "unknown error": "errore sconosciuto",
}
CLICK_PLURALS = {  # ngettext(singular, plural, n): both forms
    "{value!r} is not {choice}.": ("{value!r} non è {choice}.", "{value!r} non è tra {choices}."),
    "Got unexpected extra argument ({args})": ("Argomento in più non previsto ({args})",
                                               "Argomenti in più non previsti ({args})"),
    "Takes {nargs} values but 1 was given.": ("vuole {nargs} valori, ne è stato dato 1.",
                                              "vuole {nargs} valori, ne sono stati dati {len}."),
    "Did you mean {possibility}?": ("Forse si intendeva {possibility}?", "Forse si intendeva una di queste: {possibilities}?"),
    "Option {name!r} requires an argument.": ("l'opzione {name!r} vuole un valore.", "l'opzione {name!r} vuole {nargs} valori."),
}


def _italian_click() -> None:
    """Point click's gettext lookups at CLICK_WORDS / CLICK_PLURALS (other text passes unchanged)."""
    import importlib

    def words(message: str) -> str:
        return CLICK_WORDS.get(message, message)

    def plurals(singular: str, plural: str, n: int) -> str:
        forms = CLICK_PLURALS.get(singular)
        return (forms[0] if n == 1 else forms[1]) if forms else (singular if n == 1 else plural)

    for name in ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = words
        if hasattr(module, "ngettext"):
            module.ngettext = plurals


_italian_click()
# registro.validators.check.rules.context.DEFAULT_WORKDAY_MINUTES, repeated so that --help needs no polars import
WORKDAY_MINUTES = 432

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
            from registro.validators.errors import user_message

            if ctx.find_root().params.get("debug"):
                raise
            from rich.markup import escape

            message = user_message(exc)
            _console(stderr=True).print(f"[bold red]Errore:[/] {escape(message)}", markup=True, highlight=False)
            ctx.exit(EXIT_UNUSABLE)

    return wrapper


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
    from registro.validators.catalogue import view as catalogue_view
    from registro.validators.catalogue import load_catalogue

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
        payload = {"versione": cat.version, "programmi": catalogue_view.programme_records(cat), "servizi": records}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        catalogue_view.print_table(_console(), cat, records)
        catalogue_view.print_programmes(_console(), cat)


# ---------------------------------------------------------------------------------------------
# registro valida

PATHS = click.argument("paths", nargs=-1, required=True, metavar="REGISTRI...",
                       type=click.Path(exists=True, path_type=Path))


@contextmanager
def _progress_bar():
    """A progress bar on stderr when interactive; yields the API's progress callback or None.

    Stages name files and row counts only, never personal data.
    """
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=_console(stderr=True), transient=True) as bar:
        task = bar.add_task("Avvio", total=1)

        def update(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        yield update


ARCHIVIO_OPTION = click.option(
    "--archivio", "archive", type=click.Path(file_okay=False, path_type=Path), envvar="REGISTRO_ARCHIVIO",
    help="Cartella dell'archivio dei mesi controllati, usato come storico per le sequenze (anche con la "
         "variabile d'ambiente REGISTRO_ARCHIVIO).")
ARCHIVIO_DIR_OPTION = click.option(
    "--archivio", "archive", type=click.Path(file_okay=False, path_type=Path), envvar="REGISTRO_ARCHIVIO",
    help="Cartella dell'archivio (anche con la variabile d'ambiente REGISTRO_ARCHIVIO).")
CHIAVE_OPTION = click.option(
    "--chiave", "key", type=click.Path(dir_okay=False, path_type=Path), envvar="REGISTRO_CHIAVE",
    help="File della chiave segreta dell'archivio (predefinito: CARTELLA.chiave accanto all'archivio; anche con "
         "REGISTRO_CHIAVE).")


@dataclass(frozen=True)
class CheckOptions:
    """The check options shared by valida, totali and esporta, as one bundle (see validation_options)."""

    history: tuple[Path, ...] = ()
    month: str | None = None
    sheet: str | None = None
    workday: int = WORKDAY_MINUTES
    today: dt.datetime | None = None
    catalogue_path: Path | None = None
    archive: Path | None = None  # an archive folder used as history
    key: Path | None = None  # its key file
    exclude: tuple[str, ...] = ()


_CHECK_OPTIONS = [
    click.option("--storico", "history", multiple=True, type=click.Path(exists=True, path_type=Path),
                 help="Registri dei mesi precedenti, usati solo come storico per le sequenze (ripetibile)."),
    click.option("--mese", "month", metavar="AAAA-MM", help="Mese del registro: le date fuori dal mese sono errori."),
    click.option("--foglio", "sheet", help="Nome del foglio da leggere (predefinito: Registro)."),
    click.option("--giornata", "workday", type=click.IntRange(min=1), default=WORKDAY_MINUTES, show_default=True,
                 help="Minuti di una giornata lavorativa di un operatore."),
    click.option("--oggi", "today", type=click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"]),
                 help="Data di riferimento al posto di oggi (per ricontrollare un mese passato)."),
    CATALOGO_OPTION,
    ARCHIVIO_OPTION,
    CHIAVE_OPTION,
]
# Only for valida: in totali and esporta, excluding a rule could only matter for an errore rule, and
# would let rows the tool cannot use (unknown code, invalid codice fiscale ...) into the totals and JA.
_EXCLUDE_OPTION = click.option("--escludi", "exclude", multiple=True, metavar="REGOLA",
                               help="Non applicare questa regola (ripetibile; elenco in 'registro regole').")


def option_name(option) -> str:
    """The parameter name a click.option decorator declares."""
    return option(lambda: None).__click_params__[0].name


def validation_options(func=None, *, exclude: bool = False):
    """Add the check options shared by valida, totali and esporta; the command receives them as `check`.

    Use as @validation_options or @validation_options(); with exclude=True the command also offers
    --escludi (valida only, see _EXCLUDE_OPTION).
    """
    options = [*_CHECK_OPTIONS, _EXCLUDE_OPTION] if exclude else _CHECK_OPTIONS
    names = [option_name(option) for option in options]  # each is a field of CheckOptions (a test checks)

    def decorate(func):
        @wraps(func)
        def command(*args, **kwargs):
            bundle = CheckOptions(**{name: kwargs.pop(name) for name in names})
            return func(*args, check=bundle, **kwargs)

        for option in reversed(options):
            command = option(command)
        return command

    return decorate(func) if func is not None else decorate


def _check_arguments(options: CheckOptions, archive=None) -> dict:
    """The shared options as the keyword arguments of registro.validators.api.check; `archive` an already
    opened archive in place of options.archive."""
    return dict(history=list(options.history), month=options.month, sheet=options.sheet,
                catalogue=options.catalogue_path, today=options.today.date() if options.today else None,
                workday_minutes=options.workday, exclude=options.exclude, archive=archive or options.archive,
                key=options.key)


def _check(paths, options: CheckOptions, archive=None):
    """Read and check the registers with the shared options (progress bar when interactive)."""
    from registro.validators.api import check, open_archive

    if archive is None and options.archive is not None:
        archive = open_archive(options.archive, options.key)
        _print_archive_notices(archive)
    with _progress_bar() as progress:
        return check(list(paths), progress=progress, **_check_arguments(options, archive))


@main.command("valida")
@PATHS
@validation_options(exclude=True)
@click.option("--rapporto", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Scrive il rapporto completo: .json, .csv o .xlsx.")
@click.option("--annota", "annotate_path", type=click.Path(path_type=Path),
              help="Copia annotata del registro (.xlsx) con colonna Esito, celle colorate, commenti e foglio "
                   "Verifica; con più registri indicare una cartella.")
@click.option("--mostra", "limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="Quanti problemi mostrare a terminale.")
@handles_domain_errors
def valida_cmd(paths, check, report_path, annotate_path, limit):
    """Controlla uno o più registri (file o cartelle) e riporta ogni problema riga per riga.

    Uscita: 0 nessun errore (avvisi ammessi), 1 almeno un errore, 2 file inutilizzabile.

    \b
    Esempi:
      registro valida registro_ottobre.xlsx
      registro valida registri/ --mese 2026-10 --storico settembre/ --rapporto rapporto.xlsx
      registro valida registro.xlsx --annota registro_annotato.xlsx
      registro valida registri_ottobre/ --mese 2026-10 --archivio archivio/
    """
    from registro.validators.render.report_files import render_text, write_report

    checked = _check(paths, check)
    report = checked.report
    render_text(_console(), report, limit)
    if report_path:
        write_report(report, report_path, checked.inputs)
        click.echo(f"Rapporto scritto in {report_path}")
    if annotate_path:
        from registro.validators.render.annotated import annotate_all

        for out in annotate_all(report, annotate_path, checked.inputs):
            click.echo(f"Copia annotata scritta in {out}")
    click.get_current_context().exit(report.exit_code)


# ---------------------------------------------------------------------------------------------
# registro modello


@main.command("modello")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("templates/registro.xlsx"), show_default=True, help="File .xlsx da scrivere.")
@CATALOGO_OPTION
@click.option("--righe", "rows", type=click.IntRange(min=1, max=50_000), default=1000, show_default=True,
              help="Righe del foglio Registro già pronte con menu e formule.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="File YAML con gli elenchi dei menu: 'sedi: [...]' e 'operatori: [...]'.")
@click.option("--lite", is_flag=True,
              help="Aggiunge il codice Python per xlwings Lite (Excel 365 senza Python sul PC) e il foglio Comandi.")
@click.option("--pacchetto", "package", default=None, metavar="REQUISITO",
              help="Con --lite: la riga di requirements.txt per installare registro, ad es. l'indirizzo del "
                   "file .whl pubblicato dall'ufficio (predefinito: registro==VERSIONE).")
@handles_domain_errors
def modello_cmd(output, catalogue_path, rows, config_path, lite, package):
    """Crea il modello Excel del registro (fogli Registro, Riepilogo, Carichi, Elenchi, Istruzioni).

    Il modello funziona in Excel (2013 o successivo) e in LibreOffice senza Python: menu a
    tendina dal catalogo, colonne calcolate, colonna Controllo, riepiloghi e grafici.

    \b
    Esempi:
      registro modello
      registro modello -o registro_ancona.xlsx --config elenchi_ancona.yaml
      registro modello --righe 3000 --catalogo catalogo_2027.yaml
      registro modello --lite -o registro_lite.xlsx --pacchetto https://intranet.example/registro-0.1.0-py3-none-any.whl
    """
    from importlib.metadata import version

    from registro.xl_addin.build.template import build_template

    if package and not lite:
        raise click.UsageError("--pacchetto si usa solo con --lite.")
    requirement = (package or f"registro=={version('registro')}") if lite else None
    path = build_template(output, catalogue=catalogue_path, rows=rows, config=config_path, lite_package=requirement)
    extra = f", con xlwings Lite (requirements.txt: {requirement})" if lite else ""
    click.echo(f"Modello scritto in {path} ({rows} righe pronte{extra}).")


@main.command("regole")
@click.option("--formato", type=click.Choice(["tabella", "markdown"]), default="tabella", show_default=True,
              help="tabella leggibile, oppure markdown (la tabella delle regole del README).")
def regole_cmd(formato):
    """Elenca le regole di controllo con identificativo, gravità, colonna e quando scattano.

    L'identificativo di una regola è quello da indicare a 'registro valida --escludi'.

    \b
    Esempi:
      registro regole
      registro regole --formato markdown
    """
    from registro.validators.check.rules.registry import RULES, readme_table

    if formato == "markdown":
        click.echo(readme_table())
        return
    from rich.table import Table

    table = Table(header_style="bold")
    for name in ("Regola", "Gravità", "Colonna", "Quando"):
        table.add_column(name, overflow="fold")
    for r in RULES:
        table.add_row(r.id, r.severity, r.column or "file", r.description)
    _console().print(table)


# ---------------------------------------------------------------------------------------------
# registro totali


@main.command("totali")
@click.argument("paths", nargs=-1, metavar="[REGISTRI]...", type=click.Path(exists=True, path_type=Path))
@validation_options
@click.option("--dal", "since", metavar="AAAA-MM", help="Senza registri: primo mese dell'archivio da totalizzare.")
@click.option("--al", "until", metavar="AAAA-MM", help="Senza registri: ultimo mese dell'archivio da totalizzare.")
@click.option("-o", "--uscita", "outputs", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Scrive i totali: .xlsx (un foglio per raggruppamento, con grafici), .csv o .json "
                   "(tabella di dettaglio). Ripetibile.")
@click.option("--ore-fte", "fte_hours", type=click.FloatRange(min=0, min_open=True), default=156, show_default=True,
              help="Ore mensili di un FTE (36 ore settimanali x 52 settimane / 12 mesi = 156).")
@click.option("--carichi", "carichi", type=click.Path(dir_okay=False, path_type=Path),
              help="Modello compilato con il foglio Carichi: confronta ore previste ed effettive.")
@handles_domain_errors
def totali_cmd(paths, check, since, until, outputs, fte_hours, carichi):
    """Calcola servizi, minuti, ore e FTE per mese, sede, operatore, LEP e codice.

    Conta solo le righe senza errori (quelle con errori sono escluse e contate); le righe con
    soli avvisi sono conteggiate. Nessun codice fiscale compare nei totali.

    Senza registri, con --archivio, totalizza i mesi dell'archivio (--dal, --al) e aggiunge
    l'andamento mese per mese per sede e per LEP, con grafici.

    Uscita: 0 totali calcolati (anche se alcune righe hanno errori), 2 file inutilizzabile.

    \b
    Esempi:
      registro totali registri_ottobre/ --mese 2026-10
      registro totali registri_ottobre/ -o riepilogo.xlsx -o dettaglio.csv
      registro totali registro.xlsx --carichi modello_compilato.xlsx --ore-fte 150
      registro totali --archivio archivio/ --dal 2026-01 --al 2026-12 -o anno.xlsx
    """
    from registro.validators.api import archive_totals, open_archive, totals_of
    from registro.validators.render.totals_workbook import render_totals, write_totals

    if not paths:
        if check.archive is None:
            raise click.UsageError("indicare i registri da totalizzare, oppure --archivio per i mesi archiviati.")
        if check.history or check.month or carichi:
            raise click.UsageError("senza registri si usano solo --archivio, --dal, --al, --catalogo e --ore-fte.")
        target = open_archive(check.archive, need_key=False)
        _print_archive_notices(target)
        result = archive_totals(target, since=since, until=until, catalogue=check.catalogue_path,
                                fte_hours=fte_hours)
        render_totals(_console(), result)
        for target in outputs:
            write_totals(result, target, [])
            click.echo(f"Totali scritti in {target}")
        return
    if since or until:
        raise click.UsageError("--dal e --al valgono solo senza registri (totali dell'archivio).")
    checked = _check(paths, check)
    result = totals_of(checked, fte_hours=fte_hours, carichi=carichi)
    render_totals(_console(), result)
    inputs = list(checked.inputs) + ([carichi] if carichi else [])
    for target in outputs:
        write_totals(result, target, inputs)
        click.echo(f"Totali scritti in {target}")


# ---------------------------------------------------------------------------------------------
# registro esporta


@main.command("esporta")
@PATHS
@validation_options
@click.option("-o", "--uscita", "target", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File per JA: .csv (come da profilo; predefinito ';' e UTF-8 con BOM) o .xlsx.")
@click.option("--scarti", "rejects", type=click.Path(dir_okay=False, path_type=Path),
              help="File delle righe scartate con i motivi (.xlsx o .csv); predefinito NOME_scarti.xlsx "
                   "accanto al file per JA.")
@click.option("--profilo", "profile", type=click.Path(dir_okay=False, path_type=Path),
              help="Profilo del tracciato JA (YAML) al posto di quello incluso.")
@handles_domain_errors
def esporta_cmd(paths, check, target, rejects, profile):
    """Scrive il file pulito per JA con le righe senza errori, e gli scarti con i motivi.

    Le righe con soli avvisi sono esportate. Ogni riga letta finisce nel file per JA o negli
    scarti: il comando stampa "N righe lette = X esportate + Y scartate".

    Uscita: 0 file scritti e conti che tornano (anche con righe scartate), 2 file inutilizzabile,
    comando errato o conti che non tornano (in quel caso non scrive nulla).

    \b
    Esempi:
      registro esporta registro_ottobre.xlsx -o ja.csv
      registro esporta registri_ottobre/ --mese 2026-10 -o ja.csv --scarti scarti.xlsx
      registro esporta registro.xlsx -o ja.xlsx --profilo profilo_ja.yaml
    """
    from registro.validators.api import export_of

    checked = _check(paths, check)
    result = export_of(checked, target, rejects=rejects, profile=profile)
    console = _console()
    console.print(result.balance_line)
    console.print(f"File per JA scritto in {result.target} (profilo: {result.profile}).")
    if result.rejected:
        reasons = ", ".join(f"{rule} {n}" for rule, n in result.rejected_by_rule)
        console.print(f"[bold yellow]{result.rejected} righe scartate perché con errori[/] ({reasons}): "
                      f"elenco con file, riga e motivi in {result.rejects}. Correggerle e ripetere l'esportazione.")
    else:
        console.print(f"Nessuna riga scartata (file degli scarti vuoto: {result.rejects}).")
    if not result.balanced:  # export_of refuses to write an unbalanced export: this is a second guard
        console.print("[bold red]I conti non tornano.[/]")
        click.get_current_context().exit(EXIT_UNUSABLE)


# ---------------------------------------------------------------------------------------------
# registro mese


@main.command("mese")
@PATHS
@validation_options
@click.option("-o", "--uscita", "folder", required=True, metavar="CARTELLA",
              type=click.Path(file_okay=False, path_type=Path),
              help="Cartella in cui scrivere i risultati (creata se manca).")
@click.option("--ore-fte", "fte_hours", type=click.FloatRange(min=0, min_open=True), default=156, show_default=True,
              help="Ore mensili di un FTE (36 ore settimanali x 52 settimane / 12 mesi = 156).")
@click.option("--carichi", "carichi", type=click.Path(dir_okay=False, path_type=Path),
              help="Modello compilato con il foglio Carichi: confronta ore previste ed effettive.")
@click.option("--profilo", "profile", type=click.Path(dir_okay=False, path_type=Path),
              help="Profilo del tracciato JA (YAML) al posto di quello incluso.")
@click.option("--senza-excel", "text_only", is_flag=True,
              help="Solo file di testo (rapporto.json, riepilogo.csv, ja.csv, scarti.csv), senza file Excel né "
                   "copie annotate: per volumi molto grandi.")
@click.option("--archivia", "store", is_flag=True,
              help="Dopo i file, archivia le righe senza errori del mese nell'archivio indicato con --archivio "
                   "(come 'registro archivio aggiungi'; creato se manca).")
@click.option("--mostra", "limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="Quanti problemi mostrare a terminale.")
@handles_domain_errors
def mese_cmd(paths, check: CheckOptions, folder, fte_hours, carichi, profile, text_only, store, limit):
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
    gli FTE e i file scritti. I file d'ingresso non sono mai modificati.

    Uscita: 0 nessun errore (avvisi ammessi), 1 almeno un errore (totali e file per JA scritti
    con le sole righe senza errori), 2 file inutilizzabile (solo il rapporto è scritto).

    \b
    Esempi:
      registro mese registri_ottobre/ --mese 2026-10 --storico registri_settembre/ -o ottobre
      registro mese registro_ancona.xlsx --mese 2026-10 -o uscita --ore-fte 150
      registro mese registri_2026/ -o anno --senza-excel
      registro mese registri_novembre/ --mese 2026-11 --archivio archivio/ --archivia -o novembre
    """
    from registro.validators.api import archive_of, month_pass, open_archive
    from registro.validators.render.month import render_month

    target = open_archive(_archive_folder(check.archive), check.key, create=True) if store else None
    history = target or (open_archive(check.archive, check.key) if check.archive else None)
    # the archive's writer lock from the history read to the import: as if alone, whoever imports meanwhile
    with target.importing() if target else nullcontext(), _progress_bar() as progress:
        result = month_pass(list(paths), folder, fte_hours=fte_hours, carichi=carichi, profile=profile,
                            excel=not text_only, progress=progress,
                            store=(lambda checked: archive_of(checked, target)) if target else None,
                            **_check_arguments(check, history))
    if history:
        _print_archive_notices(history)
    console = _console()
    render_month(console, result, folder, limit)
    if result.stored is not None:
        _print_archived(console, result.stored, target)
    click.get_current_context().exit(result.exit_code)


# ---------------------------------------------------------------------------------------------
# registro archivio


def _archive_folder(archive):
    if archive is None:
        raise click.UsageError("indicare la cartella dell'archivio con --archivio DIR (o REGISTRO_ARCHIVIO).")
    return archive


def _month_option(name, help_text):
    return click.option(name, metavar="AAAA-MM", help=help_text)


def _partition_line(p) -> str:
    from rich.markup import escape

    return f"{escape(p.office_name)} {p.month}: {p.rows} righe, {p.persons} persone"


@main.group("archivio")
def archivio_group():
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


@archivio_group.command("aggiungi")
@PATHS
@validation_options(exclude=True)
@click.option("--mostra", "limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="Quanti problemi mostrare a terminale.")
@handles_domain_errors
def archivio_aggiungi_cmd(paths, check, limit):
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
    from registro.validators.api import archive_of, open_archive
    from registro.validators.render.report_files import render_text

    target = open_archive(_archive_folder(check.archive), check.key, create=True)
    with target.importing():  # the writer lock from the history read to the import (concurrent = in sequence)
        checked = _check(paths, check, archive=target)
        result = archive_of(checked, target)
    _print_archive_notices(target)
    console = _console()
    render_text(console, checked.report, limit)
    _print_archived(console, result, target)


def _print_archive_notices(target) -> None:
    """What opening or writing the archive did on the way: an interrupted change completed or rolled
    back, the upgrade from schema 1 (one line each, every file named)."""
    from rich.markup import escape

    console = _console(stderr=True)
    for line in target.notices:
        console.print(escape(line))
    target.notices.clear()


def _print_archived(console, result, target) -> None:
    """What an import into the archive wrote and replaced (archivio aggiungi, mese --archivia)."""
    from rich.markup import escape

    console.print(result.balance_line)
    replaced = {p.key: p for p in result.replaced}
    for p in result.written:
        old = replaced.get(p.key)
        if old:
            console.print(f"Sostituito {_partition_line(p)} (prima {old.rows} righe, importate il "
                          f"{old.imported[:10]}).")
        else:
            console.print(f"Archiviato {_partition_line(p)}.")
    written = {p.key for p in result.written}
    for old in result.replaced:
        if old.key not in written:
            console.print(f"[bold yellow]Svuotato {_partition_line(old)}[/]: i registri importati coprono quel mese "
                          "ma non hanno righe senza errori.")
    if result.rejected:
        console.print(f"[bold yellow]{result.rejected} righe con errori non archiviate[/]: correggerle e "
                      "importare di nuovo il registro (sostituisce il mese).")
    console.print(f"Archivio: {escape(str(target.folder))}")
    if target.new_key:
        console.print(f"[bold]Creata la chiave dell'archivio {escape(str(target.key.path))}[/]: conservarne una "
                      "copia in un luogo sicuro, fuori dall'archivio. Senza la chiave i mesi archiviati non "
                      "servono più come storico.")


@archivio_group.command("stato")
@ARCHIVIO_DIR_OPTION
@click.option("--json", "as_json", is_flag=True,
              help="Stampa in JSON la cartella dei dati, la versione dello schema e righe e persone di ogni partizione.")
@handles_domain_errors
def archivio_stato_cmd(archive, as_json):
    """Mostra i mesi e le sedi archiviati: righe, persone, data di importazione, catalogo.

    Mostra anche la cartella dei dati (dati/ dentro l'archivio), da leggere con DuckDB, pandas,
    polars, Spark, Power BI o Excel.

    \b
    Esempi:
      registro archivio stato --archivio archivio/
      registro archivio stato --archivio archivio/ --json > stato.json
    """
    from rich.markup import escape
    from rich.table import Table

    from registro.validators.archive.layout import status  # the metadata alone: no polars to load, answers at once

    folder = _archive_folder(archive)
    result = status(folder)
    errors = _console(stderr=True)
    for line in result.notices:
        errors.print(escape(line))
    if as_json:
        from registro.validators.render.archive_status import status_json

        click.echo(status_json(result))
        return
    parts = result.partitions
    console = _console()
    if result.data_folder is None:
        console.print(f"[bold yellow]L'archivio {escape(str(folder))} è nel formato dello schema {result.schema}[/]: "
                      "eseguire 'registro archivio verifica' per aggiornarlo (i dati passano nella cartella dati/, "
                      "che DuckDB, pandas, polars, Spark e Power BI leggono così com'è).")
    else:
        console.print(f"Cartella dei dati: {escape(str(result.data_folder))}")
    if not parts:
        console.print(f"L'archivio {escape(str(folder))} è vuoto.")
        return
    table = Table(title=f"Archivio {escape(str(folder))}", title_justify="left", header_style="bold")
    for name, justify in (("Mese", "left"), ("Sede", "left"), ("Righe", "right"), ("Persone", "right"),
                          ("Importato", "left"), ("Catalogo", "left")):
        table.add_column(name, justify=justify)
    for p in parts:
        table.add_row(p.month, escape(p.office_name), f"{p.rows:,}".replace(",", "."), f"{p.persons:,}".replace(",", "."),
                      p.imported[:16].replace("T", " "), escape(p.catalogue))
    console.print(table)
    months = sorted({p.month for p in parts})
    rows = f"{sum(p.rows for p in parts):,}".replace(",", ".")
    console.print(f"{len(parts)} partizioni, {len(months)} mesi ({months[0]} – {months[-1]}), {rows} righe.")


@archivio_group.command("rimuovi")
@ARCHIVIO_DIR_OPTION
@click.option("--sede", "office", help="Sede da togliere (con --mese o --prima-del; senza, tutte le sedi).")
@_month_option("--mese", "Mese da togliere.")
@_month_option("--prima-del", "Togli tutti i mesi prima di questo (conservazione dei dati).")
@handles_domain_errors
def archivio_rimuovi_cmd(archive, office, mese, prima_del):
    """Toglie dall'archivio un mese (di una sede o di tutte) o tutti i mesi prima di una data.

    \b
    Esempi:
      registro archivio rimuovi --sede Ancona --mese 2026-10 --archivio archivio/
      registro archivio rimuovi --prima-del 2021-01 --archivio archivio/
    """
    from registro.validators.api import open_archive, parse_month

    if bool(mese) == bool(prima_del):
        raise click.UsageError("indicare --mese AAAA-MM oppure --prima-del AAAA-MM (uno dei due).")
    month, before = (f"{m[0]:%Y-%m}" if (m := parse_month(text)) else None for text in (mese, prima_del))
    target = open_archive(_archive_folder(archive), need_key=False)
    gone = target.remove(office=office, month=month, before=before)
    _print_archive_notices(target)
    if not gone:
        click.echo("Nessuna partizione corrisponde: archivio invariato.")
        return
    console = _console()
    for p in gone:
        console.print(f"Tolto {_partition_line(p)}.")
    console.print(f"{len(gone)} partizioni tolte, {sum(p.rows for p in gone)} righe.")


@archivio_group.command("verifica")
@ARCHIVIO_DIR_OPTION
@CHIAVE_OPTION
@handles_domain_errors
def archivio_verifica_cmd(archive, key):
    """Verifica l'archivio: la versione dello schema, la chiave, i file e le righe rispetto ai metadati.

    Uscita: 0 archivio integro, 2 archivio danneggiato o chiave errata (il messaggio dice dove).

    \b
    Esempio:
      registro archivio verifica --archivio archivio/ --chiave archivio.chiave
    """
    from rich.markup import escape

    from registro.validators.api import open_archive
    from registro.validators.archive.store import SCHEMA_VERSION

    target = open_archive(_archive_folder(archive), key)
    result = target.verify()
    console = _console()
    for line in target.notices:  # what it completed, rolled back, upgraded: every file named
        console.print(escape(line))
    if result.history_rebuilt:
        console.print("L'indice dello storico (persone, codici e date per i controlli) mancava o non corrispondeva "
                      "alle partizioni: indice dello storico ricostruito dai file delle partizioni "
                      f"({escape(str(target.folder / result.history_file))}).")
    console.print(f"Archivio integro: schema {SCHEMA_VERSION}, chiave corretta ({escape(str(target.key.path))}), "
                  f"{result.partitions} partizioni, {result.rows} righe come nei metadati. Cartella dei dati: "
                  f"{escape(str(target.data_folder))}")


# ---------------------------------------------------------------------------------------------
# registro addin


@main.group("addin")
def addin_group():
    """Componente aggiuntivo di Excel (xlwings) per usare registro dal menu di Excel.

    \b
    Esempio:
      registro addin crea -o C:\\Users\\operatore\\registro
    """


@addin_group.command("crea")
@click.option("-o", "--cartella", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Cartella in cui scrivere registro.xlam.")
@handles_domain_errors
def addin_crea_cmd(folder):
    """Crea registro.xlam: la scheda "Registro CPI" con il pulsante che controlla il registro aperto.

    Il nome del file deve restare registro.xlam: il pulsante esegue registro.main().

    \b
    Esempio:
      registro addin crea -o C:\\Users\\operatore\\registro
    """
    from registro.xl_addin.build.xlam import build_addin

    path = build_addin(folder)
    click.echo(f"Componente aggiuntivo scritto in {path}")


def _italian_usage(command: click.Command) -> None:
    """The usage line's placeholders in Italian, on every command ("Uso: registro valida [OPZIONI] REGISTRI...")."""
    command.options_metavar = "[OPZIONI]"
    if isinstance(command, click.Group):
        command.subcommand_metavar = "COMANDO [ARGOMENTI]..."
        for sub in command.commands.values():
            _italian_usage(sub)


_italian_usage(main)


def run() -> None:
    """The `registro` command: main(), then the process ends without the interpreter's teardown.

    Every output is written and closed when main() returns; freeing a large month's frames one by
    one at exit took another third of a second on 1,000,000 rows (README, "Prestazioni"). An error
    shown with --debug leaves through Python's own path, traceback included.
    """
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
