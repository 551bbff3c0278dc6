# main.py of the registro workbook for xlwings Lite (Excel 2021+/365/web, Python in the browser).
# Injected by `registro modello --lite`; the same actions as the ribbon add-in and the command line.
# Each button first checks that this Python has what the actions need (xl_addin/lite_runtime.py):
# where it does not, an Italian alert says what is missing instead of a traceback.
import xlwings as xw
from xlwings import script

try:
    from registro.xl_addin.lite_runtime import run
except ImportError:  # requirements.txt did not install (e.g. a Pyodide release without polars)

    def run(book, action):
        book.app.alert(
            "Il pacchetto registro non è installato in xlwings Lite: il riquadro Output di xlwings Lite mostra "
            "quale riga di requirements.txt non si è installata (polars deve essere fornito dalla distribuzione "
            "Pyodide di xlwings Lite). In alternativa usare il componente aggiuntivo classico "
            "(registro.xlam, Excel per Windows o Mac) o la riga di comando (registro valida, registro totali, "
            "registro esporta).",
            title="registro",
            mode="critical",
        )


@script(button="Comandi!B4", show_taskpane=True)
def controlla_tutto(book: xw.Book):
    """Controlla il registro, calcola i totali e prepara l'export per JA."""
    run(book, "run_all")


@script(button="Comandi!B6")
def controlla_registro(book: xw.Book):
    """Solo il controllo: colonna Esito, celle colorate, foglio Verifica."""
    run(book, "valida")


@script(button="Comandi!B8")
def calcola_totali(book: xw.Book):
    """Solo i totali: foglio Totali."""
    run(book, "totali")


@script(button="Comandi!B10")
def prepara_export_ja(book: xw.Book):
    """Solo l'export: fogli Export JA e Scarti."""
    run(book, "esporta")
