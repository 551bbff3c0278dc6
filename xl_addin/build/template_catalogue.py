"""The template's data sheets: `Catalogo` (hidden, protected) and `Elenchi` (offices, operators).

Every list a dropdown offers and every fact a formula reads lives in a range with a defined name
(`Cat_Nome`, `Elenco_Codici`, `LEP_F`...): validations never carry inline lists (Excel stops at 255
characters) and formulas never hold catalogue facts. Nothing here knows a specific code.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Callable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook

from registro.validators.catalogue import TARGETS, Catalogue, Service
from registro.validators.catalogue.view import duration_label
from registro.validators.check import fiscal
from registro.xl_addin.build.template_style import (
    BOLD, DATE_FORMAT, INPUT_FILL, SECTION_FONT, TEXT_FORMAT, WRAP_TOP, absolute, header_row, landscape, put, set_widths,
)

CATALOGUE_SHEET = "Catalogo"
LISTS_SHEET = "Elenchi"
LEP_NAME_PREFIX = "LEP_"  # LEP_A ... LEP_S: never a bare letter+digit, which would be a cell (F1, M1)
ALL_CODES = "Elenco_Codici"
YES, NO = "Sì", "No"
# How a target reads in a Controllo message ("servizio per aziende").
TARGET_WORDS = {"persona": "persone", "azienda": "aziende", "entrambi": "persone e aziende"}
# The characters the validator removes from a codice fiscale and those it reads as digits, listed on
# the Catalogo sheet for the Controllo (registro.validators.check.fiscal.clean). Control characters a cell
# cannot hold (XML 1.0) are left out, and so is the carriage return (XML reads it as a line feed,
# which would then count twice).
CF_SEPARATORS, CF_DIGITS = "Cat_SeparatoriCF", "Cat_CifreCF"
BOTH_TARGETS = TARGETS[-1]  # 'entrambi': the service may be registered for either user type
COMPANY = TARGETS[1]  # 'azienda': Tipo utente of a company row (compared case-insensitively)
MIN_SLOTS = 20  # free rows offered in Elenchi for offices and operators
EXTRA_SLOTS = 10


def service_label(service: Service) -> str:
    """The dropdown entry for a service: 'A.1 - Accoglienza e prima informazione'."""
    return f"{service.code} - {service.name}"


def user_types() -> list[str]:
    """The Tipo utente choices: one per single target of the catalogue (Persona, Azienda)."""
    return [t.capitalize() for t in TARGETS if t != BOTH_TARGETS]


def _range_text(service: Service) -> str:
    d = service.duration
    if d is None or (d.minimum is None and d.maximum is None):
        return ""
    return f"{d.minimum if d.minimum is not None else '?'}-{d.maximum if d.maximum is not None else '?'}"


def _minutes(attr: str) -> Callable[[Catalogue, Service], int | None]:
    return lambda cat, s: getattr(s.duration, attr) if s.duration else None


@dataclass(frozen=True)
class CatalogueColumn:
    """One column of the Catalogo sheet: header, width, value, and the defined name if formulas read it."""

    header: str
    width: float
    value: Callable[[Catalogue, Service], object]
    name: str | None = None


CATALOGUE_COLUMNS: tuple[CatalogueColumn, ...] = (
    CatalogueColumn("Codice", 9, lambda c, s: s.code, "Cat_Codice"),
    CatalogueColumn("Voce del menu", 50, lambda c, s: service_label(s) if s.registrable else ""),
    CatalogueColumn("Nome", 45, lambda c, s: s.name, "Cat_Nome"),
    CatalogueColumn("LEP", 6, lambda c, s: s.lep, "Cat_LEP"),
    CatalogueColumn("Nome LEP", 35, lambda c, s: c.lep(s.lep).name),
    CatalogueColumn("Gruppo", 8, lambda c, s: s.group or ""),
    CatalogueColumn("Nome gruppo", 30, lambda c, s: c.lep(s.lep).groups.get(s.group, "") if s.group else ""),
    CatalogueColumn("Registrabile", 11, lambda c, s: YES if s.registrable else NO, "Cat_Registrabile"),
    CatalogueColumn("Motivo non registrabile", 30, lambda c, s: s.not_registrable_reason or ""),
    CatalogueColumn("Destinatario", 12, lambda c, s: s.target or "", "Cat_Destinatario"),
    CatalogueColumn("Rivolto a", 16, lambda c, s: TARGET_WORDS.get(s.target or "", ""), "Cat_RivoltoA"),
    CatalogueColumn("Nota destinatario", 30, lambda c, s: s.target_note or ""),
    CatalogueColumn("Programmi ammessi (vuoto = tutti)", 16, lambda c, s: ", ".join(s.programmes or ()),
                    "Cat_Programmi"),
    CatalogueColumn("Programmi (chiave di ricerca)", 16,
                    lambda c, s: "|" + "|".join(s.programmes) + "|" if s.programmes else "", "Cat_ProgrammiChiave"),
    CatalogueColumn("Fonte dei programmi", 40, lambda c, s: s.programmes_source or ""),
    CatalogueColumn("Programma implicito per le aziende", 12, lambda c, s: s.implied_programme or "",
                    "Cat_ProgImplicito"),
    CatalogueColumn("Minuti minimo", 9, _minutes("minimum"), "Cat_Min"),
    CatalogueColumn("Minuti medio", 9, _minutes("average"), "Cat_Medio"),
    CatalogueColumn("Minuti massimo", 9, _minutes("maximum"), "Cat_Max"),
    CatalogueColumn("Intervallo minuti", 10, lambda c, s: _range_text(s), "Cat_Intervallo"),
    CatalogueColumn("Provenienza durata", 18, lambda c, s: duration_label(s), "Cat_Provenienza"),
    CatalogueColumn("Nota durata", 30, lambda c, s: (s.duration.note or "") if s.duration else ""),
    CatalogueColumn("Registrato da JA replicando", 12, lambda c, s: s.automatic_from or "", "Cat_Replica"),
    CatalogueColumn("Nota registrazione automatica", 30, lambda c, s: s.automatic_note or ""),
    CatalogueColumn("Prerequisiti (stessa persona)", 20,
                    lambda c, s: ", ".join(f"{p.code} ({p.severity})" for p in s.prerequisites)),
    CatalogueColumn("Attività SAP", 30,
                    lambda c, s: "; ".join(", ".join(f"{k}: {v}" for k, v in x.items()) for x in s.sap)),
    CatalogueColumn("Procedure Regione Marche", 80, lambda c, s: c.procedure_text(s) or ""),
)


@dataclass
class Lists:
    """What the other sheets need to know about the data sheets."""

    leps: list[tuple[str, str]]  # (letter, name) of the LEPs with registrable services, in table order
    registrable: list[Service]
    office_slots: int
    operator_slots: int
    office_cells: str = ""  # Elenchi!$A$2:$A$n
    operator_cells: str = ""
    names: dict[str, str] = field(default_factory=dict)


def define(wb: Workbook, name: str, reference: str) -> None:
    """A workbook-level defined name."""
    wb.defined_names[name] = DefinedName(name, attr_text=reference)


class _ColumnWriter:
    """Writes lists side by side on a sheet, each one column with a header, and names them."""

    def __init__(self, wb: Workbook, ws, first_column: int):
        self.wb, self.ws, self.column = wb, ws, first_column

    def add(self, header: str, values: list, name: str | None = None, width: float = 14,
            number_format: str | None = None) -> str:
        ws, col = self.ws, self.column
        header_row(ws, 1, col, [header])
        for i, value in enumerate(values):
            put(ws.cell(row=2 + i, column=col), value, number_format)
        ref = absolute(ws.title, col, 2, col, 1 + max(len(values), 1))
        if name:
            define(self.wb, name, ref)
        set_widths(ws, {col: width})
        self.column += 1
        return ref

    def skip(self) -> None:
        self.column += 1


def _character_name(char: str) -> str:
    """'U+00A0 NO-BREAK SPACE': how the Catalogo sheet names a character one cannot see."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'CONTROL')}"


def write_catalogue(wb: Workbook, cat: Catalogue) -> Lists:
    """The hidden, protected Catalogo sheet with the whole catalogue and the dropdown lists."""
    ws = wb.create_sheet(CATALOGUE_SHEET)
    services = list(cat.services.values())
    header_row(ws, 1, 1, [c.header for c in CATALOGUE_COLUMNS])
    for j, column in enumerate(CATALOGUE_COLUMNS, start=1):
        for i, service in enumerate(services, start=2):
            cell = put(ws.cell(row=i, column=j), column.value(cat, service))
            if column.width >= 30:
                cell.alignment = WRAP_TOP
        if column.name:
            define(wb, column.name, absolute(ws.title, j, 2, j, 1 + len(services)))
    set_widths(ws, {j: c.width for j, c in enumerate(CATALOGUE_COLUMNS, start=1)})
    ws.freeze_panes = "B2"

    registrable = cat.registrable
    leps = [(x.letter, x.name) for x in cat.leps if any(s.lep == x.letter for s in registrable)]
    lists = _ColumnWriter(wb, ws, len(CATALOGUE_COLUMNS) + 2)
    lists.add("Codici registrabili", [service_label(s) for s in registrable], ALL_CODES, 50)
    lists.add("Tipi utente", user_types(), "Elenco_Tipi")
    lists.add("Programmi", [p.code for p in cat.programmes], "Elenco_Programmi")
    lists.add("Nome programma", [p.name for p in cat.programmes], None, 30)
    lists.add("Programma valido dal", [p.valid_from for p in cat.programmes], "Prog_Dal", 12, DATE_FORMAT)
    lists.add("Programma valido al", [p.valid_to for p in cat.programmes], "Prog_Al", 12, DATE_FORMAT)
    lists.add("Programma anche per le aziende", [YES if p.for_companies else NO for p in cat.programmes],
              "Prog_Aziende", 12)
    lists.add("Fonte del programma", [p.source or cat.title for p in cat.programmes], None, 40)
    lists.add("Modalità", [m.code for m in cat.modalities], "Elenco_Modalita")
    separators = [c for c in fiscal.removed_characters() if not ILLEGAL_CHARACTERS_RE.search(c) and c != "\r"]
    lists.add("Caratteri ignorati nel codice fiscale", separators, CF_SEPARATORS, 10)
    lists.add("Nome del carattere", [_character_name(c) for c in separators], None, 30)
    lists.add("Cifre nel codice fiscale", list(fiscal.digit_characters()), CF_DIGITS, 10)
    lists.add("Lettere LEP", [letter for letter, _ in leps], "Elenco_LEP", 8)
    lists.add("Nome LEP", [name for _, name in leps], "Elenco_NomiLEP", 35)
    lists.skip()
    for letter, _ in leps:
        lists.add(f"{LEP_NAME_PREFIX}{letter}", [service_label(s) for s in registrable if s.lep == letter],
                  f"{LEP_NAME_PREFIX}{letter}", 30)
    lists.skip()
    facts = [
        ("Versione catalogo", cat.version, "Cat_Versione", None),
        ("Catalogo valido dal", cat.valid_from, "Cat_ValidoDal", DATE_FORMAT),
        ("Catalogo valido al", cat.valid_to, "Cat_ValidoAl", DATE_FORMAT),
        ("Programma predefinito (cella vuota)", cat.default_programme.code, "Prog_Predefinito", None),
    ]
    label_col, value_col = lists.column, lists.column + 1
    header_row(ws, 1, label_col, ["Dato", "Valore"])
    for i, (label, value, name, fmt) in enumerate(facts, start=2):
        put(ws.cell(row=i, column=label_col), label).font = BOLD
        put(ws.cell(row=i, column=value_col), value, fmt)
        define(wb, name, absolute(ws.title, value_col, i))
    set_widths(ws, {label_col: 34, value_col: 14})

    ws.sheet_state = "hidden"
    ws.protection.sheet = True
    return Lists(leps=leps, registrable=registrable, office_slots=0, operator_slots=0)


def write_lists(wb: Workbook, lists: Lists, offices: list[str], operators: list[str]) -> None:
    """The Elenchi sheet: offices and operators offered by the dropdowns, editable without Python."""
    ws = wb.create_sheet(LISTS_SHEET)
    lists.office_slots = max(MIN_SLOTS, len(offices) + EXTRA_SLOTS)
    lists.operator_slots = max(MIN_SLOTS, len(operators) + EXTRA_SLOTS)
    for col, (title, values, slots, name) in enumerate(
        (("Sedi", offices, lists.office_slots, "Elenco_Sedi"),
         ("Operatori", operators, lists.operator_slots, "Elenco_Operatori")), start=1):
        header_row(ws, 1, col, [title])
        for i in range(slots):
            cell = put(ws.cell(row=2 + i, column=col), values[i] if i < len(values) else None, TEXT_FORMAT)
            cell.fill = INPUT_FILL
        ref = absolute(ws.title, col, 2, col, 1 + slots)
        # The dropdown offers the filled cells only: a range as long as the names typed from the top.
        define(wb, name, f"OFFSET({absolute(ws.title, col, 2)},0,0,MAX(1,COUNTA({ref})),1)")
        if col == 1:
            lists.office_cells = ref
        else:
            lists.operator_cells = ref
    set_widths(ws, {1: 30, 2: 30, 3: 4, 4: 90})
    notes = [
        "Come si usa questo foglio",
        "Scrivere qui le sedi e gli operatori, uno per cella, senza righe vuote in mezzo:",
        "compaiono nei menu a tendina delle colonne Sede e Operatore del foglio Registro",
        "e nelle righe del foglio Riepilogo.",
        f"Sono disponibili {lists.office_slots} celle per le sedi e {lists.operator_slots} per gli operatori.",
        "Per averne di più, rigenerare il modello con: registro modello --config elenchi.yaml",
    ]
    for i, text in enumerate(notes, start=1):
        cell = put(ws.cell(row=i, column=4), text)
        if i == 1:
            cell.font = SECTION_FONT
    ws.freeze_panes = "A2"
    landscape(ws)
