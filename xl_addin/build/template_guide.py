"""The `Istruzioni` sheet: a short Italian guide, with the catalogue's own notice and the Controllo messages."""

from __future__ import annotations

from openpyxl.styles import Font
from openpyxl.workbook.workbook import Workbook

from registro.validators.catalogue import Catalogue
from registro.xl_addin.build.template_register import REGISTER_COLUMNS, TOTAL_ROW, checks
from registro.xl_addin.build.template_reports import DEFAULT_WEEKLY_HOURS
from registro.xl_addin.build.template_style import BOLD, FONT, SECTION_FONT, TITLE_FONT, WRAP_TOP, header_row, landscape, put, set_widths

SHEET = "Istruzioni"
NOTICE_FONT = Font(name=FONT, size=11, bold=True, color="9C0006")


def _implied(cat: Catalogue) -> str:
    """'S.1, S.2, S.3: L.68' - the company services whose programme a blank Programma implies."""
    by_programme: dict[str, list[str]] = {}
    for s in cat.registrable:
        if s.target in ("azienda", "entrambi") and s.implied_programme:
            by_programme.setdefault(s.implied_programme, []).append(s.code)
    return "; ".join(f"{', '.join(codes)}: {p}" for p, codes in by_programme.items()) or "nessuno"


def _paragraphs(cat: Catalogue, rows: int) -> list[tuple[str, str]]:
    """(kind, text) lines: kind is title, section, notice or text."""
    period = f"dal {cat.valid_from:%d/%m/%Y}" + (f" al {cat.valid_to:%d/%m/%Y}" if cat.valid_to else "")
    inputs = ", ".join(c.header for c in REGISTER_COLUMNS[:10])
    computed = ", ".join(c.header for c in REGISTER_COLUMNS if c.computed and not c.hidden)
    return [
        ("title", "Registro dei servizi dei Centri per l'Impiego – istruzioni"),
        ("text", f"Catalogo: «{cat.title}», {cat.authority}, versione {cat.version}, valido {period}."),
        ("notice", cat.notice),
        ("section", "Il foglio Registro"),
        ("text", "Una riga per ogni servizio erogato a una persona o a un'azienda, compresi quelli erogati a distanza."),
        ("text", f"Colonne da compilare: {inputs}. Selezionando un'intestazione o una cella compare un "
                 "suggerimento su cosa scrivere."),
        ("text", "Sede, Operatore, Tipo utente, Programma, Codice servizio e Modalità si scelgono dal menu a tendina "
                 "della cella. Nel menu di Codice servizio ogni voce ha codice e nome: si può cercare il servizio "
                 "per nome."),
        ("text", "Filtro LEP (facoltativo): scegliendo prima la lettera del LEP, il menu di Codice servizio mostra solo "
                 "i servizi di quel LEP."),
        ("text", "Programma vuoto = " + cat.default_programme.code + ". Durata vuota = durata media standard del "
                 "catalogo."),
        ("text", "Un'azienda non ha un programma proprio: sulle sue righe lasciare vuoto Programma. Se il servizio è "
                 "riservato a un programma (" + _implied(cat) + ") la riga vale per quel programma; un programma "
                 "delle persone (" + ", ".join(p.code for p in cat.programmes if not p.for_companies) + ") su una "
                 "riga di un'azienda è un errore."),
        ("text", f"Colonne calcolate (grigie, non scrivere): {computed}."),
        ("text", f"Il modello ha {rows} righe pronte, con menu e formule. Per più righe rigenerare il modello "
                 "(registro modello --righe N); in Excel si può anche trascinare l'ultima riga verso il basso. "
                 "LibreOffice non allunga da sé la tabella."),
        ("text", "Date nel formato gg/mm/aaaa. Codice fiscale: 16 caratteri per le persone, partita IVA di 11 cifre per "
                 "le aziende."),
        ("section", "La colonna Controllo"),
        ("text", "Ogni riga compilata mostra OK oppure il primo problema trovato. ERRORE colora la riga di rosso, "
                 "AVVISO di giallo. Messaggi possibili:"),
        ("checks", ""),
        ("text", "Il controllo completo (codice fiscale con carattere di controllo, sequenze per persona anche sui "
                 "mesi precedenti: prerequisiti e servizi ripetuti, doppioni, carico giornaliero) si fa prima del "
                 "caricamento in JA con: registro valida registro.xlsx"),
        ("section", "Gli altri fogli"),
        ("text", "Riepilogo: servizi, minuti e ore per operatore, per LEP e per sede, con grafici; si aggiorna da solo."),
        ("text", "Carichi: per ogni servizio il volume mensile previsto (da compilare) per i minuti medi dà le ore "
                 f"necessarie; con persone disponibili e ore settimanali per persona ({DEFAULT_WEEKLY_HOURS} "
                 "preimpostate) calcola le persone necessarie (FTE) e la copertura."),
        ("text", "Elenchi: le sedi e gli operatori offerti dai menu; si possono aggiungere nomi nelle celle gialle."),
        ("text", "Catalogo (nascosto e protetto): la tabella regionale completa, con durate, provenienza delle durate, "
                 "programmi ammessi, destinatari e procedure Regione Marche. Si rigenera con registro modello "
                 "--catalogo FILE."),
    ]


def write_guide(wb: Workbook, cat: Catalogue, rows: int) -> None:
    """The Istruzioni sheet."""
    ws = wb.create_sheet(SHEET)
    r = 1
    for kind, text in _paragraphs(cat, rows):
        if kind == "checks":
            header_row(ws, r, 1, ["Messaggio", "Significato"])
            r += 1
            for check in checks(cat):
                put(ws.cell(row=r, column=1), check.shown).alignment = WRAP_TOP
                put(ws.cell(row=r, column=2), check.meaning).alignment = WRAP_TOP
                r += 1
            put(ws.cell(row=r, column=1), "OK").font = BOLD
            put(ws.cell(row=r, column=2), "nessun problema tra quelli controllati dalle formule")
            r += 1
            put(ws.cell(row=r, column=1), TOTAL_ROW).font = BOLD
            put(ws.cell(row=r, column=2), "riga di totale (la scritta Totale, Totali o Tot. in una cella prima di Note, "
                "senza codice fiscale né codice servizio): non è un servizio, non entra nei minuti né nel controllo")
            r += 2
            continue
        if kind == "section":
            r += 1
        cell = put(ws.cell(row=r, column=1), text)
        if kind in ("title", "section", "notice"):
            cell.font = {"title": TITLE_FONT, "section": SECTION_FONT, "notice": NOTICE_FONT}[kind]
        if kind in ("text", "notice"):
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
            cell.alignment = WRAP_TOP
            ws.row_dimensions[r].height = 15 * (1 + len(text) // 120)
        r += 1
    set_widths(ws, {1: 48, 2: 85})
    ws.sheet_view.showGridLines = False
    landscape(ws, orientation="portrait")
