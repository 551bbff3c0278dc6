"""The template in a real client: headless LibreOffice Calc fills rows, recalculates and answers.

All documents of this module run in one soffice session (module fixture); each test reads its part
of the answers. Expected values are computed in Python from the catalogue and the same rows.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from openpyxl import load_workbook

from benchmarks.generator import generate
from tests.support.libreoffice import Job
from tests.support.template_rows import (
    COMPANY, OFFICES, OPERATORS, PERSONS, TODAY, UNLISTED_OPERATOR, expected_totals, label, minutes_of, row_for,
    sample_rows, typed,
)
from tests.support.api import check, validate_values
from registro.validators.catalogue import load_catalogue
from registro.validators.read.register import COLUMNS
from registro.validators.text import service_code_part
from registro.xl_addin.build.template import build_template
from registro.xl_addin.build.template_register import LETTER, REGISTER_COLUMNS
from registro.xl_addin.build.template_reports import WORKLOAD_FIRST_ROW

pytestmark = pytest.mark.libreoffice

ROWS = 360
CAT = load_catalogue()
LEPS = [(x.letter, x.name) for x in CAT.leps if any(s.lep == x.letter for s in CAT.registrable)]
LOOKUP_FIRST = 2  # one row per registrable code from here
LEP_FIRST = 200  # one row per LEP with only Filtro LEP filled, to read each LEP's dropdown
CASES_FIRST = 240  # the rows Controllo must flag
COMPUTED = [c.key for c in REGISTER_COLUMNS if c.computed]  # columns L..S
VOLUMES = {s.code: 10 + 7 * i for i, s in enumerate(CAT.registrable) if i % 4 == 0}
STAFF, WEEKLY_HOURS = 3, 30
SUMMARY_RANGE = "A1:E200"


def _first(predicate):
    return next(s for s in CAT.registrable if predicate(s))


def _cases() -> dict[str, dict]:
    """Rows the Controllo column must flag (or accept), by name; services picked from the catalogue."""
    gg_only = _first(lambda s: s.programmes == ("GG",))
    company = _first(lambda s: s.target == "azienda" and not s.programmes)
    person = _first(lambda s: s.target == "persona" and not s.programmes and not s.prerequisites)
    ranged = _first(lambda s: s.duration and s.duration.maximum and not s.programmes and s.target == "persona")
    ended = next(p for p in CAT.programmes if p.valid_to)
    ended_only = _first(lambda s: s.programmes == (ended.code,))
    return {
        "gg_ordinario": row_for(CAT, gg_only, 0) | {"Programma": CAT.default_programme.code},
        "gg_vuoto": row_for(CAT, gg_only, 1) | {"Programma": None},
        "azienda_per_persona": row_for(CAT, company, 2) | {"Tipo utente": "Persona", "Codice fiscale": PERSONS[0]},
        "persona_per_azienda": row_for(CAT, person, 3) | {"Tipo utente": "Azienda", "Codice fiscale": COMPANY},
        "sconosciuto": row_for(CAT, person, 4) | {"Codice servizio": "X.99"},
        "codice_nudo": row_for(CAT, person, 5) | {"Codice servizio": person.code},
        "fuori_intervallo": row_for(CAT, ranged, 6, minutes=ranged.duration.maximum + 1),
        "programma_scaduto": row_for(CAT, ended_only, 7) | {"Data": ended.valid_to + dt.timedelta(days=1)},
        "incompleta": row_for(CAT, person, 8) | {"Modalità": None},
    }


def _agreement_cases() -> dict[str, dict]:
    """Rows on programmes and company services where Controllo must give the validator's verdict."""
    rows: dict[str, dict] = {}
    persons_only = [p.code for p in CAT.programmes if not p.for_companies]
    free_person = _first(lambda s: s.target == "persona" and not s.programmes and not s.prerequisites)
    for i, s in enumerate(x for x in CAT.registrable if x.target in ("azienda", "entrambi")
                          and not any(p.applies_to("azienda") for p in x.prerequisites)):
        company = {"Tipo utente": "Azienda", "Codice fiscale": COMPANY}
        rows[f"azienda_{s.code}_vuoto"] = row_for(CAT, s, i) | company | {"Programma": None}
        rows[f"azienda_{s.code}_predefinito"] = row_for(CAT, s, i) | company | {"Programma": CAT.default_programme.code}
        if s.programmes:
            rows[f"azienda_{s.code}_riservato"] = row_for(CAT, s, i) | company | {"Programma": s.programmes[0]}
        rows[f"azienda_{s.code}_{persons_only[i % len(persons_only)]}"] = (
            row_for(CAT, s, i) | company | {"Programma": persons_only[i % len(persons_only)]})
    for i, p in enumerate(x for x in CAT.programmes if not x.from_table):
        rows[f"persona_{p.code}"] = row_for(CAT, free_person, i) | {"Programma": p.code}
        rows[f"persona_{p.code}_prima"] = row_for(CAT, free_person, i) | {
            "Programma": p.code, "Data": p.valid_from - dt.timedelta(days=1)}
        reserved = _first(lambda s: s.programmes and s.target == "persona" and not s.prerequisites)
        rows[f"persona_{p.code}_su_{reserved.code}"] = row_for(CAT, reserved, i) | {"Programma": p.code}
    return rows


# A codice fiscale or partita IVA as people type or paste it: each form must get the validator's verdict.
_PERSON, _VAT = PERSONS[0], COMPANY
FISCAL_FORMS = {
    "iva_prefisso_spazio": f"IT {_VAT}", "iva_prefisso_trattino": f"IT-{_VAT}", "iva_prefisso_due_punti": f"IT:{_VAT}",
    "iva_prefisso_minuscolo": f"it{_VAT}", "iva_prefisso_largo": "\uff29\uff34" + _VAT,
    "iva_cifre_larghe": "".join(chr(0xFF10 + int(d)) for d in _VAT),
    "iva_spazio_non_separabile": f"{_VAT[:5]}\u00a0{_VAT[5:]}", "iva_spazio_zero": f"{_VAT[:3]}\u200b{_VAT[3:]}",
    "iva_bom": f"\ufeff{_VAT}", "iva_lineette": f"{_VAT[:3]}\u2013{_VAT[3:7]}\u2014{_VAT[7:]}",
    "iva_prefisso_e_10_cifre": f"IT {_VAT[:10]}", "iva_12_cifre": _VAT + "1", "iva_lettere": "AB" + _VAT[2:],
    "cf_trattini": f"{_PERSON[:3]}-{_PERSON[3:6]}-{_PERSON[6:11]}-{_PERSON[11:]}",
    "cf_due_punti_e_punti": f"{_PERSON[:3]}:{_PERSON[3:6]}.{_PERSON[6:11]}/{_PERSON[11:]}",
    "cf_spazio_stretto": f"{_PERSON[:8]}\u202f{_PERSON[8:]}", "cf_zero_width_joiner": f"{_PERSON[:4]}\u200d{_PERSON[4:]}",
    "cf_word_joiner_e_soft_hyphen": f"{_PERSON[:2]}\u2060{_PERSON[2:9]}\u00ad{_PERSON[9:]}",
    "cf_meno": f"{_PERSON[:6]}\u2212{_PERSON[6:]}", "cf_a_capo": f"{_PERSON[:8]}\n{_PERSON[8:]}",
    "cf_largo": "".join(chr(ord(c) + 0xFEE0) for c in _PERSON), "cf_minuscolo": f" {_PERSON.lower()} ",
    "cf_15_con_spazio_zero": f"{_PERSON[:4]}\u200b{_PERSON[4:15]}", "cf_11_lettere": _PERSON[:11],
}


def _fiscal_cases() -> dict[str, dict]:
    """Valid rows whose Codice fiscale is written in one of FISCAL_FORMS (partite IVA on a company service)."""
    company = _first(lambda s: s.target == "azienda" and not s.programmes and not s.prerequisites)
    person = _first(lambda s: s.target == "persona" and not s.programmes and not s.prerequisites)
    return {f"forma_{name}": row_for(CAT, company if name.startswith("iva") else person, i) | {"Codice fiscale": code}
            for i, (name, code) in enumerate(FISCAL_FORMS.items())}


# Persons and days no other row of job 0 uses (those rows fall on days 1-28): same-day checks see only their own rows.
_PROC_PERSONS = ["PRCDRA70A01H501W", "FRRLGU72B02D612C", "CSTMRC74C03F205L"]
_PROC_DAY = dt.date(2026, 10, 29)


def _procedure_cases() -> dict[str, dict]:
    """Rows for the procedures Controllo checks within the sheet (companions, same day); services from the catalogue."""
    lead = _first(lambda s: s.companions)
    always = next(c for c in lead.companions if c.programmes is None)
    only = next(c for c in lead.companions if c.programmes)
    follower = _first(lambda s: s.not_same_day)
    first = CAT.services[follower.not_same_day.code]

    def row(s, i, cf, day=_PROC_DAY, programme=None):
        return row_for(CAT, s, i) | {"Codice fiscale": cf, "Data": day, "Programma": programme or row_for(CAT, s, i)["Programma"]}

    a, b, c = _PROC_PERSONS
    later = _PROC_DAY + dt.timedelta(days=1)
    return {
        "proc_senza_compagno": row(lead, 0, a),
        "proc_con_compagno": row(lead, 1, b),
        "proc_compagno": row(CAT.services[always.code], 2, b),
        "proc_programma_senza_compagno": row(lead, 3, c, programme=only.programmes[0]),
        "proc_programma_compagno": row(CAT.services[always.code], 4, c, programme=only.programmes[0]),
        "proc_primo": row(first, 5, a, later),
        "proc_stesso_giorno": row(follower, 6, a, later),
        "proc_giorno_dopo": row(follower, 7, a, later + dt.timedelta(days=1)),
    }


CASES = _cases() | _agreement_cases() | _fiscal_cases() | _procedure_cases()
# A seed with company rows on S.1-S.3, GOL/SFL/ADI persons and intakes with DID and SAP (companions).
GENERATED = generate(100, "2026-10", seed=1, today=TODAY).rows
AGREEMENT = list(_agreement_cases()) + list(_fiscal_cases())
TOTAL_ROW_AT = CASES_FIRST + len(CASES)


class Ops:
    """An operation list that remembers where each named answer will be."""

    def __init__(self):
        self.ops: list[dict] = []
        self.where: dict[str, int] = {}

    def add(self, op: dict, name: str | None = None) -> None:
        if name:
            self.where[name] = len(self.ops)
        self.ops.append(op)

    def set_row(self, r: int, row: dict) -> None:
        for op in typed([row], first=r):
            self.add(op)

    def answers(self, results: list) -> dict:
        return {name: results[i] for name, i in self.where.items()}


def _filled_with_openpyxl(template, target, rows):
    """The register an operator saves: the template with rows typed in (written by openpyxl)."""
    wb = load_workbook(template)
    ws = wb["Registro"]
    for r, row in enumerate(rows, start=2):
        for j, name in enumerate(COLUMNS, start=1):
            ws.cell(row=r, column=j).value = row[name]
    wb.save(target)
    return target


@pytest.fixture(scope="module")
def answers(libreoffice, tmp_path_factory):
    """Run every document of the module in one LibreOffice session."""
    tmp = tmp_path_factory.mktemp("lo")
    template = build_template(tmp / "modello.xlsx", rows=ROWS, config={"sedi": OFFICES, "operatori": OPERATORS})

    # Job 0: every registrable code, one LEP filter per LEP, the Controllo cases, the validation marks.
    lookups = Ops()
    lookups.add({"op": "sheet_info"}, "sheets")
    lookups.add({"op": "charts"}, "charts")
    for i, s in enumerate(CAT.registrable):
        lookups.set_row(LOOKUP_FIRST + i, row_for(CAT, s, i))
    for i, (letter, _) in enumerate(LEPS):
        lookups.add({"op": "set", "sheet": "Registro", "cell": f"{LETTER['filtro']}{LEP_FIRST + i}", "value": letter})
    for i, row in enumerate(CASES.values()):
        lookups.set_row(CASES_FIRST + i, row)
    # A total row below the cases: "Totale" in Operatore and a SUM in Durata, no codice fiscale, no code
    # (registro valida leaves it out).
    durata = LETTER["durata"]
    lookups.add({"op": "set", "sheet": "Registro", "cell": f"{LETTER['operatore']}{TOTAL_ROW_AT}", "value": "Totale"})
    lookups.add({"op": "set", "sheet": "Registro", "cell": f"{durata}{TOTAL_ROW_AT}",
                 "formula_xlsx": f"=SUM({durata}{CASES_FIRST}:{durata}{TOTAL_ROW_AT - 1})"})
    lookups.add({"op": "calculate_all"})
    last = TOTAL_ROW_AT
    lookups.add({"op": "get", "sheet": "Registro", "range": f"{LETTER[COMPUTED[0]]}2:{LETTER[COMPUTED[-1]]}{last}"},
                "computed")
    lookups.add({"op": "list_entries", "sheet": "Registro", "cell": f"G{ROWS + 1}"}, "menu")
    for i, (letter, _) in enumerate(LEPS):
        lookups.add({"op": "list_entries", "sheet": "Registro", "cell": f"G{LEP_FIRST + i}"}, f"menu_{letter}")
    lookups.add({"op": "invalid_cells", "sheet": "Registro"}, "invalid")
    lookups.add({"op": "validation", "sheet": "Registro", "cell": "G2"}, "validation")

    # Job 1: a month typed in LibreOffice, the coordinator's inputs, the totals and a PDF.
    rows = sample_rows(CAT)
    month = Ops()
    for r, row in enumerate(rows, start=2):
        month.set_row(r, row)
    for i, s in enumerate(CAT.registrable):
        if s.code in VOLUMES:
            month.add({"op": "set", "sheet": "Carichi", "cell": f"G{WORKLOAD_FIRST_ROW + i}", "value": VOLUMES[s.code]})
    month.add({"op": "set", "sheet": "Carichi", "cell": "B5", "value": STAFF})
    month.add({"op": "set", "sheet": "Carichi", "cell": "B6", "value": WEEKLY_HOURS})
    month.add({"op": "calculate_all"})
    month.add({"op": "get", "sheet": "Riepilogo", "range": SUMMARY_RANGE}, "summary")
    month.add({"op": "get", "sheet": "Carichi", "range": "A5:B14"}, "workload_inputs")
    month.add({"op": "get", "sheet": "Carichi",
               "range": f"A{WORKLOAD_FIRST_ROW}:K{WORKLOAD_FIRST_ROW + len(CAT.registrable) - 1}"}, "workload")
    month.add({"op": "export_pdf", "sheets": ["Registro", "Riepilogo"], "path": str(tmp / "registro.pdf")}, "pdf")

    # Job 2: round trip: a register filled in the template and saved, opened again.
    filled = _filled_with_openpyxl(template, tmp / "ottobre.xlsx", rows)
    trip = Ops()
    trip.add({"op": "calculate_all"})
    trip.add({"op": "get", "sheet": "Riepilogo", "range": SUMMARY_RANGE}, "summary")

    # Job 3: a realistic generated month typed in (companies on S.1-S.3 with Programma blank, GOL/SFL/ADI persons).
    generated_book = _filled_with_openpyxl(template, tmp / "generato.xlsx", [dict(zip(COLUMNS, r)) for r in GENERATED])
    generated = Ops()
    generated.add({"op": "calculate_all"})
    column = LETTER["controllo"]
    generated.add({"op": "get", "sheet": "Registro", "range": f"{column}2:{column}{len(GENERATED) + 1}"}, "controllo")

    results = libreoffice.run_many([Job(template, lookups.ops), Job(template, month.ops), Job(filled, trip.ops),
                                    Job(generated_book, generated.ops)], timeout=600)
    return {"lookups": lookups.answers(results[0]), "month": month.answers(results[1]),
            "round_trip": trip.answers(results[2]), "rows": rows, "filled": filled,
            "generated": generated.answers(results[3])}


def _row(answers, r: int) -> dict[str, dict]:
    """The computed cells of one Registro row of job 0, by column key."""
    return dict(zip(COMPUTED, answers["lookups"]["computed"][r - 2]))


# --- sheets and lookups ------------------------------------------------------------------------------------------


def test_libreoffice_apre_il_modello_con_fogli_grafici_e_catalogo_nascosto(answers):
    sheets = answers["lookups"]["sheets"]
    assert [s["name"] for s in sheets] == ["Registro", "Riepilogo", "Carichi", "Elenchi", "Istruzioni", "Catalogo"]
    assert not sheets[-1]["visible"] and sheets[-1]["protected"]
    assert answers["lookups"]["charts"] == {"Registro": 0, "Riepilogo": 3, "Carichi": 1, "Elenchi": 0,
                                            "Istruzioni": 0, "Catalogo": 0}


def test_le_colonne_calcolate_mostrano_i_valori_del_catalogo_per_ogni_codice(answers):
    for i, s in enumerate(CAT.registrable):
        row = _row(answers, LOOKUP_FIRST + i)
        d = s.duration
        assert row["estratto"]["string"] == s.code
        assert row["nome"]["string"] == s.name
        assert row["lep"]["string"] == s.lep
        if d.average is None:
            assert row["medio"]["string"] == ""
        else:
            assert row["medio"]["value"] == d.average
        expected_range = "" if d.minimum is None and d.maximum is None else (
            f"{d.minimum if d.minimum is not None else '?'}-{d.maximum if d.maximum is not None else '?'}")
        assert row["intervallo"]["string"] == expected_range
        assert row["minuti"]["value"] == (d.average or 0)
        expected = "OK" if not s.automatic_from else f"AVVISO: registrato in automatico da JA (registrare {s.automatic_from})"
        required = [c.code for c in s.companions if c.required_for(CAT.default_programme.code)]
        if required and expected == "OK":  # alone on its day: its companion is not in the sheet
            expected = f"AVVISO: manca {required[0]} nello stesso giorno"
        assert row["controllo"]["string"] == expected, s.code
        assert all(c["error"] == 0 for c in row.values()), s.code


# --- dropdowns and validation ----------------------------------------------------------------------------------


def test_il_menu_codice_servizio_offre_ogni_codice_registrabile(answers):
    menu = answers["lookups"]["menu"]
    assert menu["error"] == 0 and not menu["has_blank"]
    assert menu["entries"] == [label(s) for s in CAT.registrable]


def test_con_il_filtro_lep_il_menu_offre_solo_i_codici_di_quel_lep(answers):
    for letter, _ in LEPS:
        menu = answers["lookups"][f"menu_{letter}"]
        assert menu["entries"] == [label(s) for s in CAT.registrable if s.lep == letter], letter


def test_libreoffice_segna_come_non_valido_un_codice_sconosciuto(answers):
    invalid = answers["lookups"]["invalid"]
    names = list(CASES)
    unknown = f"G{CASES_FIRST + names.index('sconosciuto')}"
    bare = f"G{CASES_FIRST + names.index('codice_nudo')}"
    # Only values outside the lists are marked: the unknown code, and the bare code (the menu offers labels).
    assert [c for c in invalid if c.startswith("G")] == [unknown, bare]
    # Every other row typed from the menus is valid, including dates, programmes and durations (the
    # total row's label is not an operator of the list: a warning, which the operator may accept).
    assert [c for c in invalid if not c.startswith("G")] in ([], [f"{LETTER['operatore']}{TOTAL_ROW_AT}"])
    validation = answers["lookups"]["validation"]
    assert validation["Type"] == "LIST" and validation["ErrorAlertStyle"] == "STOP"
    assert "Elenco_Codici" in validation["Formula1"]


# --- Controllo ---------------------------------------------------------------------------------------------------


def _control(answers, name: str) -> str:
    return _row(answers, CASES_FIRST + list(CASES).index(name))["controllo"]["string"]


def test_controllo_segnala_un_codice_solo_gg_con_programma_ordinario_o_vuoto(answers):
    assert _control(answers, "gg_ordinario") == "ERRORE: programma non ammesso (solo GG)"
    assert _control(answers, "gg_vuoto") == "ERRORE: programma non ammesso (solo GG)"


def test_controllo_segnala_un_servizio_per_aziende_registrato_per_una_persona(answers):
    assert _control(answers, "azienda_per_persona") == "ERRORE: servizio per aziende"
    assert _control(answers, "persona_per_azienda") == "ERRORE: servizio per persone"


def test_controllo_segnala_codice_sconosciuto_programma_scaduto_campi_vuoti_e_durata(answers):
    assert _control(answers, "sconosciuto") == "ERRORE: codice sconosciuto"
    assert _row(answers, CASES_FIRST + list(CASES).index("sconosciuto"))["nome"]["string"] == ""
    assert _control(answers, "programma_scaduto") == "ERRORE: programma non attivo alla data"
    assert _control(answers, "incompleta") == "ERRORE: campi obbligatori vuoti"
    assert _control(answers, "fuori_intervallo").startswith("AVVISO: durata fuori intervallo (")
    # A bare code typed by hand is still understood by the lookups (the validator accepts it too).
    assert _control(answers, "codice_nudo") == "OK"


def test_controllo_lascia_neutra_una_riga_di_totale_che_non_conta_minuti(answers):
    total = _row(answers, TOTAL_ROW_AT)
    assert total["controllo"]["string"] == "TOTALE: riga esclusa"
    assert total["minuti"]["string"] == ""


def _verdict(row: dict) -> str:
    """The validator's verdict on one row alone: ERRORE, AVVISO or OK (as Controllo starts)."""
    values = [list(COLUMNS)] + [[row[c] for c in COLUMNS]]
    problems = validate_values(values, name="caso", today=TODAY).problems
    severities = {p.severity for p in problems}
    return "ERRORE" if "errore" in severities else "AVVISO" if severities else "OK"


def test_i_casi_di_programmi_e_aziende_sono_abbastanza():
    assert len(CASES) <= ROWS - CASES_FIRST
    assert {"azienda_S.1_vuoto", "azienda_S.2_vuoto", "azienda_S.3_vuoto", "persona_GOL", "persona_ADI",
            "persona_SFL", "azienda_S.1_predefinito"} <= set(AGREEMENT)
    verdicts = {name: _verdict(CASES[name]) for name in AGREEMENT}
    assert verdicts["azienda_S.1_vuoto"] == verdicts["persona_ADI"] == "OK"
    assert {v for k, v in verdicts.items() if k.endswith("_prima")} == {"ERRORE"}


@pytest.mark.parametrize("name", AGREEMENT)
def test_controllo_da_lo_stesso_esito_del_validatore_su_programmi_e_aziende(answers, name):
    shown = _control(answers, name)
    assert shown.split(":", 1)[0] == _verdict(CASES[name]), (name, shown)


def test_un_mese_generato_pulito_e_tutto_ok_nel_controllo_come_nel_validatore(answers):
    assert any(r[3] == "Azienda" and r[5] is None and service_code_part(r[6]).startswith("S.") for r in GENERATED)
    assert {"GOL", "SFL", "ADI"} <= {r[5] for r in GENERATED}
    assert any(CAT.services[service_code_part(r[6])].companions for r in GENERATED)
    report = validate_values([list(COLUMNS)] + [list(r) for r in GENERATED], name="generato", today=TODAY)
    assert report.problems == []
    shown = [row[0]["string"] for row in answers["generated"]["controllo"]]
    assert len(shown) == len(GENERATED)
    assert [(i + 2, s) for i, s in enumerate(shown) if s != "OK"] == []


def test_controllo_segnala_il_servizio_che_accompagna_mancante_nello_stesso_giorno(answers):
    lead = _first(lambda s: s.companions)
    always = next(c for c in lead.companions if c.programmes is None)
    only = next(c for c in lead.companions if c.programmes)
    assert _control(answers, "proc_senza_compagno") == f"AVVISO: manca {always.code} nello stesso giorno"
    assert _control(answers, "proc_con_compagno") == _control(answers, "proc_compagno") == "OK"
    assert _control(answers, "proc_programma_senza_compagno") == f"AVVISO: manca {only.code} nello stesso giorno"
    assert _control(answers, "proc_programma_compagno") == "OK"


def test_controllo_segnala_il_servizio_successivo_nello_stesso_giorno(answers):
    follower = _first(lambda s: s.not_same_day)
    assert _control(answers, "proc_primo") == "OK"
    assert _control(answers, "proc_stesso_giorno") == (
        f"AVVISO: {follower.code} nello stesso giorno di {follower.not_same_day.code}")
    assert _control(answers, "proc_giorno_dopo") == "OK"


def test_il_validatore_segnala_le_stesse_righe_del_controllo_con_la_sua_regola():
    """The validator, on the same rows alone, flags exactly the rows Controllo flags, with the rule the
    message stands for (it adds the prerequisites, which the sheet does not check)."""
    cases = _procedure_cases()
    values = [list(COLUMNS)] + [[r[c] for c in COLUMNS] for r in cases.values()]
    problems = validate_values(values, name="casi", today=TODAY).problems
    row = {name: i + 2 for i, name in enumerate(cases)}
    assert {p.row for p in problems if p.rule == "sequenza.passaggio_mancante"} == {
        row["proc_senza_compagno"], row["proc_programma_senza_compagno"]}
    assert {p.row for p in problems if p.rule == "sequenza.stesso_giorno"} == {row["proc_stesso_giorno"]}
    assert {p.rule for p in problems} <= {"sequenza.passaggio_mancante", "sequenza.stesso_giorno",
                                          "sequenza.prerequisito_assente"}


def test_controllo_spiega_il_programma_di_una_persona_su_un_azienda(answers):
    assert _control(answers, "azienda_S.1_GOL") == "ERRORE: programma non ammesso (solo L.68)"
    company_free = next(k for k in AGREEMENT if k.startswith("azienda_P.") and k.split("_")[-1] in ("GG", "RdC", "AdR",
                                                                                                    "GOL", "SFL", "ADI"))
    assert _control(answers, company_free) == "ERRORE: programma delle persone su un'azienda"
    assert _control(answers, "persona_GOL_prima") == "ERRORE: programma non attivo alla data"


# --- Riepilogo and Carichi ----------------------------------------------------------------------------------------


def _blocks(cells: list[list[dict]]) -> dict[str, dict[str, tuple[float, float]]]:
    """Riepilogo read back: {'operatore'|'lep'|'sede': {key: (services, minutes)}} for keys with services."""
    titles = {"Per operatore": "operatore", "Per LEP": "lep", "Per sede": "sede"}
    out: dict[str, dict] = {}
    current = None
    for row in cells:
        key = row[0]["string"]
        if key in titles:
            current = titles[key]
            out[current] = {}
        elif current and key and key not in ("Operatore", "LEP", "Sede"):  # skip headers and empty slots
            services, minutes = row[2]["value"], row[3]["value"]
            if key == "Totale" or services:
                out[current][key] = (services, minutes)
            if key == "Totale":
                current = None
    return out


def _expected_blocks(rows) -> dict[str, dict[str, tuple[int, int]]]:
    """The Riepilogo blocks as Python computes them from the rows."""
    expected = expected_totals(CAT, rows)
    total = (len(rows), sum(minutes_of(CAT, r) for r in rows))
    listed = {"operatore": OPERATORS, "sede": OFFICES, "lep": [x for x, _ in LEPS]}
    out = {}
    for kind, values in expected.items():
        block = {k: v for k, v in values.items() if k in listed[kind]}
        others = [v for k, v in values.items() if k not in listed[kind]]
        if others:
            rest = "Codice non riconosciuto" if kind == "lep" else "Non in elenco"
            block[rest] = (sum(v[0] for v in others), sum(v[1] for v in others))
        block["Totale"] = total
        out[kind] = block
    return out


def test_riepilogo_di_libreoffice_uguale_ai_totali_calcolati_in_python(answers):
    expected = _expected_blocks(answers["rows"])
    assert _blocks(answers["month"]["summary"]) == expected
    assert set(expected) == {"operatore", "lep", "sede"}
    assert expected["operatore"]["Non in elenco"] == (1, minutes_of(CAT, answers["rows"][-1]))
    assert answers["rows"][-1]["Operatore"] == UNLISTED_OPERATOR


def test_carichi_di_libreoffice_uguali_al_calcolo_in_python(answers):
    month = answers["month"]
    values = {row[0]["string"]: row[1]["value"] for row in month["workload_inputs"] if row[0]["string"]}
    hours = sum(VOLUMES[s.code] * (s.duration.average or 0) / 60 for s in CAT.registrable if s.code in VOLUMES)
    weeks = 52 / 12
    available = STAFF * WEEKLY_HOURS * weeks
    assert hours > 0
    assert values["Ore necessarie al mese"] == pytest.approx(hours)
    assert values["Ore disponibili al mese"] == pytest.approx(available)
    assert values["Persone necessarie (FTE)"] == pytest.approx(hours / (WEEKLY_HOURS * weeks))
    assert values["Copertura (ore disponibili / necessarie)"] == pytest.approx(available / hours)
    assert values["Differenza (ore disponibili - necessarie)"] == pytest.approx(available - hours)
    registered: dict[str, int] = {}
    for r in answers["rows"]:
        code = r["Codice servizio"].split(" - ", 1)[0]
        registered[code] = registered.get(code, 0) + 1
    table = month["workload"]
    for s, row in zip(CAT.registrable, table):
        assert row[1]["string"] == s.code
        assert row[7]["value"] == pytest.approx(VOLUMES.get(s.code, 0) * (s.duration.average or 0) / 60), s.code
        assert row[5]["value"] == registered.get(s.code, 0), s.code
    by_lep = {row[9]["string"]: row[10]["value"] for row in table if row[9]["string"]}
    assert set(by_lep) == {x for x, _ in LEPS}
    for letter, _ in LEPS:
        assert by_lep[letter] == pytest.approx(sum(VOLUMES.get(s.code, 0) * (s.duration.average or 0) / 60
                                                   for s in CAT.registrable if s.lep == letter))


def test_il_pdf_di_registro_e_riepilogo_viene_prodotto(answers):
    from pathlib import Path

    pdf = Path(answers["month"]["pdf"]).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 2


# --- round trip --------------------------------------------------------------------------------------------------


def test_registro_compilato_nel_modello_passa_la_validazione_e_i_totali_coincidono(answers):
    checked = check([answers["filled"]], today=TODAY)
    assert checked.report.rows == len(answers["rows"])
    assert [p.message for p in checked.report.problems if p.severity == "errore"] == []
    frame = checked.table()
    minutes = [d if d is not None else (m or 0)
               for d, m in zip(frame["durata_minuti"].to_list(), frame["durata_standard"].to_list())]
    totals: dict[str, dict[str, list[int]]] = {"operatore": {}, "lep": {}, "sede": {}}
    for kind, keys in (("operatore", frame["operatore"]), ("lep", frame["lep"]), ("sede", frame["sede"])):
        for key, m in zip(keys.to_list(), minutes):
            totals[kind].setdefault(key, [0, 0])
            totals[kind][key][0] += 1
            totals[kind][key][1] += m
    got = _blocks(answers["round_trip"]["summary"])
    for kind, block in got.items():
        assert block.pop("Totale") == (len(minutes), sum(minutes))
        block.pop("Non in elenco", None)
        for key, value in block.items():
            assert value == tuple(totals[kind][key]), (kind, key)
    assert got["operatore"] and got["lep"] and got["sede"]
