# main.py of the registro workbook for xlwings Lite (Excel 2021+/365/web, Python in the browser).
# Injected by `registro modello --lite`; the same actions as the ribbon add-in and the command line.
import xlwings as xw
from xlwings import script

from xl_addin import actions


@script(button="Comandi!B4", show_taskpane=True)
def controlla_tutto(book: xw.Book):
    """Controlla il registro, calcola i totali e prepara l'export per JA."""
    actions.run_all(book)


@script(button="Comandi!B6")
def controlla_registro(book: xw.Book):
    """Solo il controllo: colonna Esito, celle colorate, foglio Verifica."""
    actions.valida(book)


@script(button="Comandi!B8")
def calcola_totali(book: xw.Book):
    """Solo i totali: foglio Totali."""
    actions.totali(book)


@script(button="Comandi!B10")
def prepara_export_ja(book: xw.Book):
    """Solo l'export: fogli Export JA e Scarti."""
    actions.esporta(book)
