"""registro modello and registro addin: the Excel template (also for xlwings Lite) and the add-in registro.xlam."""

from __future__ import annotations

from pathlib import Path

import click

from registro.commands.shared import CATALOGO


@click.command("modello")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("templates/registro.xlsx"), show_default=True, help="File .xlsx da scrivere.")
@CATALOGO
@click.option("--righe", "rows", type=click.IntRange(min=1, max=50_000), default=1000, show_default=True,
              help="Righe del foglio Registro già pronte con menu e formule.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="File YAML con gli elenchi dei menu: 'sedi: [...]' e 'operatori: [...]'.")
@click.option("--lite", is_flag=True,
              help="Aggiunge il codice Python per xlwings Lite (Excel 365 senza Python sul PC) e il foglio Comandi.")
@click.option("--pacchetto", "package", default=None, metavar="REQUISITO",
              help="Con --lite (obbligatorio): la riga di requirements.txt che installa registro, cioè "
                   "l'indirizzo del file .whl di registro raggiungibile dai PC dell'ufficio.")
def modello(output, catalogue, rows, config_path, lite, package):
    """Crea il modello Excel del registro (fogli Registro, Riepilogo, Carichi, Elenchi, Istruzioni).

    Il modello funziona in Excel (2013 o successivo) e in LibreOffice senza Python: menu a
    tendina dal catalogo, colonne calcolate, colonna Controllo, riepiloghi e grafici.

    \b
    Esempi:
      registro modello
      registro modello -o registro_ancona.xlsx --config elenchi_ancona.yaml
      registro modello --righe 3000 --catalogo catalogo_2027.yaml
      registro modello --lite -o registro_lite.xlsx --pacchetto https://intranet.example/registro-0.2.0-py3-none-any.whl
    """
    from registro import build_template, lite_requirement

    if package and not lite:
        raise click.UsageError("--pacchetto si usa solo con --lite.")
    requirement = lite_requirement(package) if lite else None
    path = build_template(output, catalogue=catalogue, rows=rows, config=config_path, lite_package=requirement)
    extra = f", con xlwings Lite (requirements.txt: {requirement})" if lite else ""
    click.echo(f"Modello scritto in {path} ({rows} righe pronte{extra}).")


@click.group("addin")
def addin():
    """Componente aggiuntivo di Excel (xlwings) per usare registro dal menu di Excel.

    \b
    Esempio:
      registro addin crea -o C:\\Users\\operatore\\registro
    """


@addin.command("crea")
@click.option("-o", "--cartella", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Cartella in cui scrivere registro.xlam.")
def crea(folder):
    """Crea registro.xlam: la scheda "Registro CPI" con il pulsante che controlla il registro aperto.

    Il nome del file deve restare registro.xlam: il pulsante esegue registro.main().

    \b
    Esempio:
      registro addin crea -o C:\\Users\\operatore\\registro
    """
    from registro import build_addin

    path = build_addin(folder)
    click.echo(f"Componente aggiuntivo scritto in {path}")
