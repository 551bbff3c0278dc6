"""Command line of registro: thin click commands over the validators API.

Heavy libraries (polars, pandera, openpyxl) are imported inside the commands, so that
`registro --help` stays fast.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path

import click

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2
# validators.check.rules.context.DEFAULT_WORKDAY_MINUTES, repeated so that --help needs no polars import
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
            from validators.errors import user_message

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
      registro valida registri/ --mese 2026-10 --rapporto rapporto.xlsx
      registro totali registri/ --mese 2026-10 -o riepilogo.xlsx
      registro esporta registri/ --mese 2026-10 -o ja.csv --scarti scarti.xlsx
      registro modello                     crea il modello Excel templates/registro.xlsx
      registro addin crea                  crea il componente aggiuntivo xl_addin.xlam
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
    from validators.catalogue import view as catalogue_view
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
        payload = {"versione": cat.version, "programmi": catalogue_view.programme_records(cat), "servizi": records}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        catalogue_view.print_table(_console(), cat, records)
        catalogue_view.print_programmes(_console(), cat)


# ---------------------------------------------------------------------------------------------
# registro valida

PATHS = click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))


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


@dataclass(frozen=True)
class CheckOptions:
    """The check options shared by valida, totali and esporta, as one bundle (see validation_options)."""

    history: tuple[Path, ...] = ()
    month: str | None = None
    sheet: str | None = None
    workday: int = WORKDAY_MINUTES
    today: dt.datetime | None = None
    catalogue_path: Path | None = None
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


def _check(paths, options: CheckOptions):
    """Read and check the registers with the shared options (progress bar when interactive)."""
    from validators.api import check

    with _progress_bar() as progress:
        return check(list(paths), history=list(options.history), month=options.month, sheet=options.sheet,
                     catalogue=options.catalogue_path, today=options.today.date() if options.today else None,
                     workday_minutes=options.workday, exclude=options.exclude, progress=progress)


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
    """
    from validators.render.report_files import render_text, write_report

    checked = _check(paths, check)
    report = checked.report
    render_text(_console(), report, limit)
    if report_path:
        write_report(report, report_path, checked.inputs)
        click.echo(f"Rapporto scritto in {report_path}")
    if annotate_path:
        from validators.render.annotated import annotate_all

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

    from xl_addin.build.template import build_template

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
    from validators.check.rules.registry import RULES, readme_table

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
@PATHS
@validation_options
@click.option("-o", "--uscita", "outputs", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Scrive i totali: .xlsx (un foglio per raggruppamento, con grafici), .csv o .json "
                   "(tabella di dettaglio). Ripetibile.")
@click.option("--ore-fte", "fte_hours", type=click.FloatRange(min=0, min_open=True), default=156, show_default=True,
              help="Ore mensili di un FTE (36 ore settimanali x 52 settimane / 12 mesi = 156).")
@click.option("--carichi", "carichi", type=click.Path(dir_okay=False, path_type=Path),
              help="Modello compilato con il foglio Carichi: confronta ore previste ed effettive.")
@handles_domain_errors
def totali_cmd(paths, check, outputs, fte_hours, carichi):
    """Calcola servizi, minuti, ore e FTE per mese, sede, operatore, LEP e codice.

    Conta solo le righe senza errori (quelle con errori sono escluse e contate); le righe con
    soli avvisi sono conteggiate. Nessun codice fiscale compare nei totali.

    Uscita: 0 totali calcolati (anche se alcune righe hanno errori), 2 file inutilizzabile.

    \b
    Esempi:
      registro totali registri_ottobre/ --mese 2026-10
      registro totali registri_ottobre/ -o riepilogo.xlsx -o dettaglio.csv
      registro totali registro.xlsx --carichi modello_compilato.xlsx --ore-fte 150
    """
    from validators.api import totals_of
    from validators.render.totals_workbook import render_totals, write_totals

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
    from validators.api import export_of

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
              show_default=True, help="Cartella in cui scrivere xl_addin.xlam.")
@handles_domain_errors
def addin_crea_cmd(folder):
    """Crea xl_addin.xlam: la scheda "Registro CPI" con il pulsante che controlla il registro aperto.

    Il nome del file deve restare xl_addin.xlam: il pulsante esegue xl_addin.main().

    \b
    Esempio:
      registro addin crea -o C:\\Users\\operatore\\registro
    """
    from xl_addin.build.xlam import build_addin

    path = build_addin(folder)
    click.echo(f"Componente aggiuntivo scritto in {path}")


if __name__ == "__main__":  # pragma: no cover
    main()
