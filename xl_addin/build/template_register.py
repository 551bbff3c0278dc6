"""The `Registro` sheet: contract columns, LEP filter, computed columns and the `Controllo` check.

The ten contract columns of the validator (registro.validators.read.COLUMNS) come first and in order; after
them an optional input column (Filtro LEP) and the computed columns. Every row of the pre-sized
table carries its formulas and validations, because LibreOffice does not grow tables.
Formulas use only functions of Excel 2013 and LibreOffice 7.4 (INDEX/MATCH, IFERROR, COUNTIFS...).
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.formatting.rule import FormulaRule
from openpyxl.workbook.workbook import Workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from registro.validators.catalogue import Catalogue
from registro.validators.ooxml.refs import column_letter
from registro.validators.read.register import REQUIRED
from registro.xl_addin.build.template_catalogue import (
    ALL_CODES, BOTH_TARGETS, CF_DIGITS, CF_SEPARATORS, COMPANY, LEP_NAME_PREFIX, NO, define, user_types,
)
from registro.xl_addin.build.template_style import (
    BOX, COMPUTED_FILL, COMPUTED_FONT, DATE_FORMAT, ERROR_FILL, ERROR_FONT, TEXT_FORMAT, WARNING_FILL,
    WARNING_FONT, WHOLE_FORMAT, header_row, landscape, put_formula,
)

SHEET = "Registro"
TABLE = "TabRegistro"
ERROR_PREFIX, WARNING_PREFIX = "ERRORE", "AVVISO"


@dataclass(frozen=True)
class Column:
    """A column of the Registro sheet."""

    key: str
    header: str
    width: float
    prompt: str
    computed: bool = False
    number_format: str | None = None
    hidden: bool = False


# The contract columns, named as the validator names them; a test checks they equal
# registro.validators.read.COLUMNS in the same order. The prompts are the input messages of each column.
_CONTRACT = {"data": "Data", "sede": "Sede", "operatore": "Operatore", "tipo": "Tipo utente", "cf": "Codice fiscale",
             "programma": "Programma", "codice": "Codice servizio", "durata": "Durata (min)", "modalita": "Modalità",
             "note": "Note"}
REGISTER_COLUMNS: tuple[Column, ...] = (
    Column("data", _CONTRACT["data"], 12, "Data del servizio, gg/mm/aaaa (ad es. 03/10/2026). Non successiva a oggi.",
           number_format=DATE_FORMAT),
    Column("sede", _CONTRACT["sede"], 18, "Sede (CPI) che ha erogato il servizio: sceglierla dal menu. "
           "L'elenco delle sedi è nel foglio Elenchi."),
    Column("operatore", _CONTRACT["operatore"], 20, "Nome e cognome di chi ha erogato il servizio: sceglierlo dal "
           "menu. L'elenco degli operatori è nel foglio Elenchi."),
    Column("tipo", _CONTRACT["tipo"], 12, "{tipi} (i servizi dei LEP {lep_aziende} sono per le aziende)."),
    Column("cf", _CONTRACT["cf"], 19, "Codice fiscale della persona (16 caratteri) oppure partita IVA "
           "dell'azienda (11 cifre).", number_format=TEXT_FORMAT),
    Column("programma", _CONTRACT["programma"], 12, "Programma della persona: {programmi}. Vuoto = {predefinito}. "
           "Alcuni servizi sono ammessi solo per un programma. Per un'azienda lasciare vuoto: vale il programma "
           "riservato del servizio, se c'è."),
    Column("codice", _CONTRACT["codice"], 46, "Scegliere il servizio dal menu: codice e nome (ad es. "
           "'A.1 - Accoglienza e prima informazione'). Con un LEP nella colonna Filtro LEP il menu mostra "
           "solo i servizi di quel LEP."),
    Column("durata", _CONTRACT["durata"], 9, "Minuti effettivi, numero intero. Vuoto = durata media standard "
           "del catalogo.", number_format=WHOLE_FORMAT),
    Column("modalita", _CONTRACT["modalita"], 13, "{modalita}. Il servizio si registra anche se erogato a distanza (on line)."),
    Column("note", _CONTRACT["note"], 24, "Annotazioni libere (facoltative)."),
    Column("filtro", "Filtro LEP", 8, "Facoltativo: scegliere prima la lettera del LEP (A, B, ...) per avere nel "
           "menu di Codice servizio solo i servizi di quel LEP."),
    Column("estratto", "Codice estratto", 9, "Calcolato: il codice letto da Codice servizio.", computed=True),
    Column("nome", "Nome servizio", 34, "Calcolato dal catalogo: nome del servizio.", computed=True),
    Column("lep", "LEP", 6, "Calcolato dal catalogo: LEP del servizio.", computed=True),
    Column("medio", "Minuti standard (medio)", 10, "Calcolato dal catalogo: durata media standard in minuti.",
           computed=True, number_format=WHOLE_FORMAT),
    Column("intervallo", "Minuti standard (min-max)", 11, "Calcolato dal catalogo: durata minima e massima "
           "standard ('?' = non stampata nella tabella).", computed=True),
    Column("minuti", "Minuti conteggiati", 12, "Calcolato: la Durata se compilata, altrimenti la durata media "
           "standard. È il valore sommato nei fogli Riepilogo e Carichi.", computed=True, number_format=WHOLE_FORMAT),
    Column("controllo", "Controllo", 44, "Calcolato: OK, oppure ERRORE/AVVISO con il motivo. Il controllo "
           "completo (codice fiscale, sequenze, doppioni) si fa con registro valida.", computed=True),
    Column("pos", "Riga catalogo", 6, "Calcolato: posizione del codice nel foglio Catalogo (0 = sconosciuto).",
           computed=True, hidden=True),
    Column("cf_caratteri", "Caratteri del codice fiscale", 6, "Calcolato: caratteri del Codice fiscale senza spazi, "
           "trattini, due punti e caratteri invisibili (come li toglie registro valida).", computed=True, hidden=True),
    Column("cf_cifre", "Cifre del codice fiscale", 6, "Calcolato: cifre del Codice fiscale.", computed=True,
           hidden=True),
)
LETTER = {c.key: column_letter(i) for i, c in enumerate(REGISTER_COLUMNS, start=1)}
# Defined names over the register columns, read by Riepilogo and Carichi.
RANGE_NAMES = {"sede": "Reg_Sede", "operatore": "Reg_Operatore", "codice": "Reg_Codice",
               "estratto": "Reg_CodiceEstratto", "lep": "Reg_LEP", "minuti": "Reg_Minuti",
               "controllo": "Reg_Controllo", "data": "Reg_Data", "cf": "Reg_CF"}


def _c(key: str) -> str:
    """'$G{r}': a mixed reference to a column of the current row."""
    return f"${LETTER[key]}{{r}}"


def _idx(name: str) -> str:
    """The catalogue fact of the row's code."""
    return f"INDEX({name},{_c('pos')})"


@dataclass(frozen=True)
class Check:
    """One test of the Controllo formula: when it holds, the cell shows the message (first match wins)."""

    condition: str
    message: str  # an Excel text expression
    shown: str  # the message as the user reads it, for the Istruzioni sheet
    meaning: str


def _fixed(condition: str, text: str, meaning: str) -> Check:
    return Check(condition, f'"{text}"', text, meaning)


_COMPANY_ROW = f'LOWER({_c("tipo")})="{COMPANY}"'


def _programme() -> str:
    """The row's programme as the validator reads it: blank = the default, or for a company the
    programme its service implies (registro.validators.normalise)."""
    stated = f'IF({_c("programma")}="",Prog_Predefinito,{_c("programma")})'
    return (f'IF(AND({_COMPANY_ROW},{stated}=Prog_Predefinito,{_idx("Cat_ProgImplicito")}<>""),'
            f'{_idx("Cat_ProgImplicito")},{stated})')


def _same_day(code: str) -> str:
    """How many rows of the sheet have this code for the row's person on the row's day."""
    return f'COUNTIFS(Reg_CF,{_c("cf")},Reg_Data,{_c("data")},Reg_CodiceEstratto,"{code}")'


def procedure_checks(cat: Catalogue) -> list[Check]:
    """The procedures a formula can see within the sheet: a companion service missing on the same
    day (sequenza.passaggio_mancante) and a service on the same day as the one it must follow
    (sequenza.stesso_giorno). Codes come from the catalogue; IF (not AND) keeps COUNTIFS off the
    rows of other services. Prerequisites and repeated services need the other months: only the
    validator checks them."""
    warn = f"{WARNING_PREFIX}: "
    out = []
    for s in cat.registrable:
        this = f'{_c("estratto")}="{s.code}"'
        for c in s.companions:
            when, who = this, ""
            if c.programmes:
                programme = _programme()
                any_of = ",".join(f'{programme}="{p}"' for p in c.programmes)
                when, who = f"AND({this},OR({any_of}))", f" (programma {' o '.join(c.programmes)})"
            text = f"{warn}manca {c.code} nello stesso giorno"
            out.append(Check(f"IF({when},{_same_day(c.code)}=0,FALSE)", f'"{text}"', text,
                             f"{s.code}{who} va registrato insieme a {c.code} per la stessa persona nello stesso "
                             f"giorno, ma nel foglio non c'è (tabella regionale: «{c.source}»)"))
        if s.not_same_day:
            n = s.not_same_day
            text = f"{warn}{s.code} nello stesso giorno di {n.code}"
            out.append(Check(f"IF({this},{_same_day(n.code)}>0,FALSE)", f'"{text}"', text,
                             f"{s.code} segue {n.code} in un momento successivo, ma nel foglio la stessa persona ha "
                             f"{n.code} lo stesso giorno (tabella regionale: «{n.source}»)"))
    return out


def checks(cat: Catalogue | None = None) -> list[Check]:
    """The Controllo tests in priority order; the first that holds gives the message."""
    if cat is None:
        from registro.validators.catalogue import load_catalogue

        cat = load_catalogue()
    company = _COMPANY_ROW
    prog = _programme()
    prog_row = f"MATCH({prog},Elenco_Programmi,0)"
    required = ",".join(_c(k) for k, name in _CONTRACT.items() if name in REQUIRED)
    length, digits = _c("cf_caratteri"), _c("cf_cifre")
    prefix = f'UPPER(LEFT(TRIM({_c("cf")}),2))'
    # 16 characters, 11 digits, or a partita IVA with its IT prefix (also full-width), as the validator reads it.
    cf_shape = (f'OR({length}=16,AND({digits}=11,OR({length}=11,'
                f'AND({length}=13,OR({prefix}="IT",{prefix}="\uff29\uff34")))))')
    minutes, day = _c("durata"), _c("data")
    err, warn = f"{ERROR_PREFIX}: ", f"{WARNING_PREFIX}: "
    return [
        _fixed(f"COUNTA({required})<{len(REQUIRED)}", err + "campi obbligatori vuoti",
               "manca almeno uno tra Data, Sede, Operatore, Tipo utente, Codice fiscale, Codice servizio e Modalità"),
        _fixed(f"NOT(ISNUMBER({day}))", err + "data non valida", "la Data non è una data (scriverla come gg/mm/aaaa)"),
        _fixed(f"{day}>TODAY()", err + "data futura", "la Data è successiva a oggi"),
        _fixed(f'OR({day}<Cat_ValidoDal,AND(Cat_ValidoAl<>"",{day}>Cat_ValidoAl))',
               err + "data fuori dalla validità del catalogo", "la Data è fuori dal periodo di validità del catalogo"),
        _fixed(f'{_c("pos")}=0', err + "codice sconosciuto",
               "il Codice servizio non è nel catalogo (sceglierlo dal menu)"),
        _fixed(f'{_idx("Cat_Registrabile")}="{NO}"', err + "codice non registrabile",
               "la voce del catalogo non si registra in JA (aggregati F e M, voce N)"),
        _fixed(f'ISNA(MATCH({_c("tipo")},Elenco_Tipi,0))', err + "tipo utente non valido",
               "Tipo utente non è Persona né Azienda"),
        Check(f'AND({_idx("Cat_Destinatario")}<>"{BOTH_TARGETS}",LOWER({_idx("Cat_Destinatario")})<>LOWER({_c("tipo")}))',
              f'"{err}servizio per "&{_idx("Cat_RivoltoA")}', err + "servizio per aziende (o: per persone)",
              "il servizio è per le aziende ma la riga è per una persona, o viceversa"),
        _fixed(f'AND({_c("programma")}<>"",ISNA(MATCH({_c("programma")},Elenco_Programmi,0)))',
               err + "programma sconosciuto", "il Programma non è tra quelli del catalogo"),
        Check(f'AND({_idx("Cat_ProgrammiChiave")}<>"",ISERROR(SEARCH("|"&{prog}&"|",{_idx("Cat_ProgrammiChiave")})))',
              f'"{err}programma non ammesso (solo "&{_idx("Cat_Programmi")}&")"',
              err + "programma non ammesso (solo ...)",
              "il servizio è riservato ad altri programmi (ad es. un servizio solo GG con Programma vuoto, "
              "cioè Ordinario)"),
        _fixed(f'AND({company},INDEX(Prog_Aziende,{prog_row})="{NO}")', err + "programma delle persone su un'azienda",
               "la riga è di un'azienda ma indica un programma delle persone (ad es. GG o ADI): per un'azienda "
               "lasciare vuoto Programma"),
        _fixed(f'OR(AND(INDEX(Prog_Dal,{prog_row})<>"",{day}<INDEX(Prog_Dal,{prog_row})),'
               f'AND(INDEX(Prog_Al,{prog_row})<>"",{day}>INDEX(Prog_Al,{prog_row})))',
               err + "programma non attivo alla data", "il Programma non era in vigore alla Data (periodi nel catalogo)"),
        _fixed(f"NOT({cf_shape})", err + "codice fiscale di lunghezza errata",
               "il Codice fiscale non ha 16 caratteri né 11 cifre (una partita IVA può avere davanti IT); "
               "spazi, trattini, punti, barre, due punti e caratteri invisibili non contano, come in registro valida"),
        _fixed(f'ISNA(MATCH({_c("modalita")},Elenco_Modalita,0))', err + "modalità non valida",
               "Modalità non è In presenza né A distanza"),
        _fixed(f'IF(ISNUMBER({minutes}),OR({minutes}<=0,{minutes}<>INT({minutes})),{minutes}<>"")',
               err + "durata non valida", "la Durata non è un numero intero positivo di minuti"),
        Check(f'AND(ISNUMBER({minutes}),OR(AND({_idx("Cat_Min")}<>"",{minutes}<{_idx("Cat_Min")}),'
              f'AND({_idx("Cat_Max")}<>"",{minutes}>{_idx("Cat_Max")})))',
              f'"{warn}durata fuori intervallo ("&{_idx("Cat_Intervallo")}&" min)"',
              warn + "durata fuori intervallo (... min)", "la Durata è fuori dall'intervallo standard del servizio"),
        Check(f'{_idx("Cat_Replica")}<>""',
              f'"{warn}registrato in automatico da JA (registrare "&{_idx("Cat_Replica")}&")"',
              warn + "registrato in automatico da JA (registrare ...)",
              "JA registra da sé questo servizio replicandone un altro: registrare quello"),
        _fixed(f'AND({_c("filtro")}<>"",{_c("filtro")}<>{_c("lep")})', warn + "codice non del LEP scelto",
               "il servizio non appartiene al LEP scelto nella colonna Filtro LEP"),
        *procedure_checks(cat),
    ]


TOTAL_ROW = "TOTALE: riga esclusa"


def _total_row() -> str:
    """The row is the register's own total, as registro valida reads it (validators/read/total_rows.py):
    no codice fiscale, no service code (or a number) and a cell before Note saying Totale, Totali or
    Tot. (A SUM without the label is not seen: Excel 2013 formulas cannot tell a formula from a number.)"""
    text = f"LOWER(TRIM(${LETTER['data']}{{r}}:${LETTER['modalita']}{{r}}))"
    label = (f'SUMPRODUCT(({text}="tot")+(LEFT({text},4)="tot ")+(LEFT({text},4)="tot.")'
             f'+(LEFT({text},6)="totale")+(LEFT({text},6)="totali"))>0')
    code = _c("codice")
    return f'AND(TRIM({_c("cf")})="",OR(TRIM({code})="",ISNUMBER({code})),{label})'


def _control_formula(cat: Catalogue | None = None) -> str:
    contract = f"${LETTER['data']}{{r}}:${LETTER['note']}{{r}}"
    body = '"OK"'
    for check in reversed(checks(cat)):
        body = f"IF({check.condition},{check.message},{body})"
    return f'=IF(COUNTA({contract})=0,"",IF({_total_row()},"{TOTAL_ROW}",{body}))'


def formulas(cat: Catalogue | None = None) -> dict[str, str]:
    """The formula template ({r} = row number) of every computed column."""
    code, pos, cf = _c("codice"), _c("pos"), _c("cf")
    known = f"N({pos})=0"
    return {
        "estratto": f'=IF(TRIM({code})="","",UPPER(SUBSTITUTE(TRIM(LEFT({code},FIND("-",{code}&"-")-1))," ","")))',
        "pos": f'=IF({_c("estratto")}="","",IFERROR(MATCH({_c("estratto")},Cat_Codice,0),0))',
        # &"" keeps an empty catalogue cell empty (INDEX alone would show 0).
        "nome": f'=IF({known},"",{_idx("Cat_Nome")}&"")',
        "lep": f'=IF({known},"",{_idx("Cat_LEP")}&"")',
        "medio": f'=IF({known},"",IF({_idx("Cat_Medio")}="","",{_idx("Cat_Medio")}))',
        "intervallo": f'=IF({known},"",{_idx("Cat_Intervallo")}&"")',
        # A total row counts nothing (its Durata is the sum of the others).
        "minuti": f'=IF(OR(TRIM({code})="",{_total_row()}),"",IF(ISNUMBER({_c("durata")}),{_c("durata")},'
                  f'IF({known},0,N({_idx("Cat_Medio")}))))',
        "controllo": _control_formula(cat),
        # The cleaned code's length and digits, counted without building it: SUMPRODUCT over the
        # characters listed on the Catalogo sheet (no LET/LAMBDA in Excel 2013 and LibreOffice 7.4).
        "cf_caratteri": f'=LEN({cf})-SUMPRODUCT(LEN({cf})-LEN(SUBSTITUTE({cf},{CF_SEPARATORS},"")))',
        "cf_cifre": f'=SUMPRODUCT(LEN({cf})-LEN(SUBSTITUTE({cf},{CF_DIGITS},"")))',
    }


def _validation(sqref: str, kind: str | None, title: str, prompt: str, error: str | None = None, *,
                formula1: str | None = None, formula2: str | None = None, operator: str | None = None,
                style: str = "stop") -> DataValidation:
    dv = DataValidation(type=kind, formula1=formula1, formula2=formula2, operator=operator, allow_blank=True,
                        showInputMessage=True, promptTitle=title[:32], prompt=prompt[:255])
    if error:
        dv.showErrorMessage = True
        dv.errorStyle = style
        dv.errorTitle = title[:32]
        dv.error = error[:225]  # Excel's limit for an error alert
    dv.add(sqref)
    return dv


def _date_bounds(cat: Catalogue) -> tuple[str, str, str]:
    start = cat.valid_from
    first = f"DATE({start.year},{start.month},{start.day})"
    last = "TODAY()"
    if cat.valid_to:
        end = cat.valid_to
        last = f"MIN(TODAY(),DATE({end.year},{end.month},{end.day}))"
    until = "oggi" if not cat.valid_to else f"oggi e non oltre il {cat.valid_to:%d/%m/%Y}"
    return first, last, f"dal {start:%d/%m/%Y} a {until}"


def prompt_facts(cat: Catalogue) -> dict[str, str]:
    """Catalogue facts quoted by the input messages and error alerts."""
    leps = sorted({s.lep for s in cat.registrable})
    for_companies = [x for x in leps if all(s.target == "azienda" for s in cat.registrable if s.lep == x)]
    return {
        "tipi": " oppure ".join(user_types()),
        "lep_aziende": ", ".join(for_companies),
        "programmi": ", ".join(p.code for p in cat.programmes),
        "predefinito": cat.default_programme.code,
        "modalita": " oppure ".join(m.code for m in cat.modalities),
    }


def _validations(cat: Catalogue, last_row: int) -> list[DataValidation]:
    facts = prompt_facts(cat)
    prompt = {c.key: c.prompt.format(**facts) for c in REGISTER_COLUMNS}

    def cells(key: str) -> str:
        return f"{LETTER[key]}2:{LETTER[key]}{last_row}"

    first, last, period = _date_bounds(cat)
    filter_cell = f'${LETTER["filtro"]}2'
    out = [
        _validation(cells("data"), "date", "Data", prompt["data"],
                    f"Scrivere una data valida nel formato gg/mm/aaaa, {period}.",
                    formula1=first, formula2=last, operator="between"),
        _validation(cells("sede"), "list", "Sede", prompt["sede"],
                    "La sede non è nell'elenco del foglio Elenchi. Sceglierla dal menu o aggiungerla al foglio Elenchi.",
                    formula1="Elenco_Sedi", style="warning"),
        _validation(cells("operatore"), "list", "Operatore", prompt["operatore"],
                    "L'operatore non è nell'elenco del foglio Elenchi. Sceglierlo dal menu o aggiungerlo al foglio "
                    "Elenchi.", formula1="Elenco_Operatori", style="warning"),
        _validation(cells("tipo"), "list", "Tipo utente", prompt["tipo"],
                    f"Tipo utente non valido: scegliere {facts['tipi']}.", formula1="Elenco_Tipi"),
        # Only the input message: a length limit would refuse codes the validator accepts ('RSS MRA 80A01
        # H501U', 'IT 00743110157'); the Controllo column judges the code as registro valida cleans it.
        _validation(cells("cf"), None, "Codice fiscale", prompt["cf"]),
        _validation(cells("programma"), "list", "Programma", prompt["programma"],
                    f"Programma non valido: sceglierlo dal menu ({facts['programmi']}) o lasciare vuoto per "
                    f"{facts['predefinito']}.", formula1="Elenco_Programmi"),
        _validation(cells("codice"), "list", "Codice servizio", prompt["codice"],
                    "Codice servizio non valido: sceglierlo dal menu (codice e nome). Se la colonna Filtro LEP è "
                    "compilata, il menu mostra solo i servizi di quel LEP.",
                    formula1=f'INDIRECT(IF({filter_cell}="","{ALL_CODES}","{LEP_NAME_PREFIX}"&{filter_cell}))'),
        _validation(cells("durata"), "whole", "Durata (min)", prompt["durata"],
                    "La durata è un numero intero di minuti maggiore di zero (ad es. 45); lasciare vuoto per usare "
                    "la durata standard.", formula1="0", operator="greaterThan"),
        _validation(cells("modalita"), "list", "Modalità", prompt["modalita"],
                    f"Modalità non valida: scegliere {facts['modalita']}.", formula1="Elenco_Modalita"),
        _validation(cells("filtro"), "list", "Filtro LEP", prompt["filtro"],
                    "LEP non valido: scegliere la lettera dal menu o lasciare vuoto.", formula1="Elenco_LEP"),
    ]
    # Input messages on the header cells (any value allowed there).
    for column in REGISTER_COLUMNS:
        if not column.hidden:
            out.append(_validation(f"{LETTER[column.key]}1", None, column.header, prompt[column.key]))
    return out


def write_register(wb: Workbook, cat: Catalogue, rows: int) -> None:
    """Fill the (first) Registro sheet: header, pre-sized rows with formulas, validations, table."""
    ws = wb.active
    ws.title = SHEET
    last_row = rows + 1
    header_row(ws, 1, 1, [c.header for c in REGISTER_COLUMNS])
    ws.row_dimensions[1].height = 45
    templates = formulas(cat)
    for j, column in enumerate(REGISTER_COLUMNS, start=1):
        letter = column_letter(j)
        template = templates.get(column.key)
        for r in range(2, last_row + 1):
            cell = ws.cell(row=r, column=j)
            if template:
                put_formula(cell, template.format(r=r))
            if column.number_format:
                cell.number_format = column.number_format
            if column.computed:
                cell.fill, cell.font = COMPUTED_FILL, COMPUTED_FONT
            if j > PRINTED_COLUMNS:  # the printed columns get their borders from _row_formats
                cell.border = BOX
        ws.column_dimensions[letter].width = column.width
        if column.hidden:
            ws.column_dimensions[letter].hidden = True
        if column.key in RANGE_NAMES:
            define(wb, RANGE_NAMES[column.key], f"{SHEET}!${letter}$2:${letter}${last_row}")
    for dv in _validations(cat, last_row):
        ws.add_data_validation(dv)

    ref = f"A1:{column_letter(len(REGISTER_COLUMNS))}{last_row}"
    table = Table(displayName=TABLE, ref=ref)
    # No row stripes: a table style's banding is shading, and shaded empty rows would print (Excel).
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=False, showColumnStripes=False,
                                          showFirstColumn=False, showLastColumn=False)
    ws.add_table(table)
    _row_formats(ws, last_row)
    ws.freeze_panes = "A2"
    landscape(ws, "1:1")
    ws.defined_names["_xlnm.Print_Area"] = DefinedName("_xlnm.Print_Area", attr_text=print_area(last_row))


# Printed: the header and the columns the operator types (Data ... Note), down to the last pre-sized
# row. The empty rows of those columns hold no value, formula, border or fill (the computed columns,
# with formulas on every row, are outside the area), so their pages are blank and are not printed:
# LibreOffice suppresses empty pages (the page style's default), Excel leaves out blank pages. A print
# area formula (OFFSET to the last typed row) would be exact in Excel, but LibreOffice 7.4 ignores it
# and prints the whole sheet.
PRINTED_COLUMNS = len(_CONTRACT)


def print_area(last_row: int) -> str:
    """The print area: the header and the pre-sized rows, columns Data ... Note."""
    return f"{SHEET}!$A$1:${column_letter(PRINTED_COLUMNS)}${last_row}"


def _row_formats(ws, last_row: int) -> None:
    """Conditional formats: error and warning rows coloured; borders on the printed columns of typed rows.

    The error and warning formats stop the others (Excel's stopIfTrue) and carry the border too, so a
    coloured row keeps its borders in Excel and in LibreOffice.
    """
    control = f"${LETTER['controllo']}2"
    body = f"A2:{column_letter(len(REGISTER_COLUMNS))}{last_row}"
    for prefix, fill, font in ((ERROR_PREFIX, ERROR_FILL, ERROR_FONT), (WARNING_PREFIX, WARNING_FILL, WARNING_FONT)):
        ws.conditional_formatting.add(body, FormulaRule(formula=[f'LEFT({control},{len(prefix)})="{prefix}"'],
                                                        fill=fill, font=font, border=BOX, stopIfTrue=True))
    printed = f"$A2:${column_letter(PRINTED_COLUMNS)}2"
    ws.conditional_formatting.add(f"A2:{column_letter(PRINTED_COLUMNS)}{last_row}",
                                  FormulaRule(formula=[f"COUNTA({printed})>0"], border=BOX))
