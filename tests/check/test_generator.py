"""The generator of realistic registers: coherent (the validator finds nothing), deterministic, readable."""

import datetime as dt
from collections import Counter

import openpyxl
import polars as pl
import pytest
from stdnum.it import codicefiscale, iva

from benchmarks.calendar_it import working_days
from benchmarks.generator import generate, generate_rows, history_rows, write_csv, write_xlsx
from benchmarks.mistakes import ADDED, ROW_MISTAKES
from tests.support.api import validate
from registro.validators.catalogue import load_catalogue
from registro.validators.text import service_code_part

MONTH, TODAY = "2026-10", dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def register():
    return generate(6000, MONTH, seed=7, today=TODAY)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_un_registro_generato_realistico_di_5000_righe_non_da_errori_ne_avvisi(tmp_path, register, suffix):
    path = tmp_path / f"registro{suffix}"
    (write_xlsx if suffix == ".xlsx" else write_csv)(path, register.rows)
    report = validate([path], month=MONTH, today=TODAY)
    assert report.rows == len(register.rows) >= 5000
    assert [p.message for p in report.problems] == []
    offices = Counter(r[1] for r in register.rows)
    operators = {r[2] for r in register.rows}
    assert len(offices) >= 10 and len(operators) >= 3 * len(offices)


def test_il_registro_generato_e_coerente_con_il_catalogo(register):
    cat = load_catalogue()
    days = set(working_days(dt.date(2026, 10, 1), dt.date(2026, 10, 31)))
    firsts: dict[tuple[str, str], dt.date] = {}
    for day, _, _, kind, code, _, service, _, _, _ in sorted(register.rows, key=lambda r: r[0]):
        firsts.setdefault((code, service_code_part(service)), day)
    on_day = {(r[4], service_code_part(r[6]), r[0]) for r in register.rows}
    repeats = Counter((r[4], service_code_part(r[6])) for r in register.rows)
    for day, office, operator, kind, code, programme, service, minutes, modality, _ in register.rows:
        s = cat.services[service_code_part(service)]
        assert day in days and s.registrable and not s.automatic_from
        assert s.serves(kind.lower())
        programme = programme or cat.default_programme.code
        if kind == "Azienda" and programme == cat.default_programme.code and s.implied_programme:
            programme = s.implied_programme  # a company's blank programme is the one the service implies
        assert s.allows_programme(programme) and cat.programme(programme).valid_on(day)
        assert kind == "Persona" or cat.programme(programme).for_companies
        assert (codicefiscale.is_valid(code) if len(code) == 16 else kind == "Azienda" and iva.is_valid(code))
        if minutes is not None:
            assert s.duration.minimum <= minutes <= (s.duration.maximum or minutes)
        for p in s.prerequisites:
            if p.applies_to(kind.lower()):
                assert min(firsts.get((code, c), dt.date.max) for c in p.codes) <= day
        for c in s.companions:
            if c.required_for(programme):
                assert (code, c.code, day) in on_day
        if s.not_same_day:
            assert (code, s.not_same_day.code, day) not in on_day
        if s.repetition:
            assert repeats[(code, s.code)] == 1
        assert modality in ("In presenza", "A distanza")
    keys = [(r[4], service_code_part(r[6]), r[0], r[2]) for r in register.rows]
    assert len(keys) == len(set(keys))


def test_il_registro_generato_ha_aziende_su_s_senza_programma_e_persone_in_gol_adi_sfl(register):
    cat = load_catalogue()
    reserved = {s.code for s in cat.registrable if s.target == "azienda" and s.implied_programme}
    blank = Counter(service_code_part(r[6]) for r in register.rows if r[3] == "Azienda" and r[5] is None)
    assert reserved == {"S.1", "S.2", "S.3"} and all(blank[c] for c in reserved), blank
    persons = Counter(r[5] for r in register.rows if r[3] == "Persona")
    later = [p.code for p in cat.programmes if not p.from_table]
    assert later == ["GOL", "SFL", "ADI"] and all(persons[p] >= 100 for p in later), persons


def test_con_lo_stesso_seme_il_registro_e_identico_byte_per_byte(tmp_path):
    a, b = generate_rows(800, MONTH, seed=3), generate_rows(800, MONTH, seed=3)
    assert a == b and a != generate_rows(800, MONTH, seed=4)
    for name, rows in (("a", a), ("b", b)):
        write_xlsx(tmp_path / f"{name}.xlsx", rows)
        write_csv(tmp_path / f"{name}.csv", rows)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_xlsx_e_csv_generati_si_rileggono_con_openpyxl_calamine_e_polars(tmp_path):
    rows = generate_rows(300, MONTH, seed=5)
    write_xlsx(tmp_path / "r.xlsx", rows)
    write_csv(tmp_path / "r.csv", rows)
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["Registro"]
    back = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert [[r[0].date(), *r[1:]] for r in back] == rows
    frame = pl.read_excel(tmp_path / "r.xlsx", engine="calamine", sheet_name="Registro")
    assert frame["Data"].to_list() == [r[0] for r in rows]
    assert frame["Durata (min)"].to_list() == [r[7] for r in rows]
    assert frame["Codice fiscale"].to_list() == [r[4] for r in rows]
    text = pl.read_csv(tmp_path / "r.csv", separator=";", infer_schema=False)
    assert text["Data"].to_list() == [f"{r[0]:%d/%m/%Y}" for r in rows]
    assert text["Operatore"].to_list() == [r[2] for r in rows]


def test_con_lo_storico_del_mese_prima_le_sequenze_sono_complete(tmp_path):
    register = generate(3000, MONTH, seed=11, today=TODAY, history_months=1)
    assert register.history and all(r[0] < dt.date(2026, 10, 1) for r in register.history)
    assert history_rows(3000, MONTH, seed=11, today=TODAY) == register.history
    write_xlsx(tmp_path / "ottobre.xlsx", register.rows)
    write_csv(tmp_path / "settembre.csv", register.history)
    with_history = validate([tmp_path / "ottobre.xlsx"], history=[tmp_path / "settembre.csv"], month=MONTH, today=TODAY)
    assert with_history.problems == []
    alone = validate([tmp_path / "ottobre.xlsx"], month=MONTH, today=TODAY)
    assert alone.problems and {p.rule for p in alone.problems} == {"sequenza.prerequisito_assente"}


def test_il_generatore_non_produce_date_dopo_oggi():
    rows = generate_rows(1000, MONTH, seed=2, today=dt.date(2026, 10, 14))
    assert max(r[0] for r in rows) <= dt.date(2026, 10, 14)


def test_ogni_errore_iniettato_e_segnalato_sulla_sua_riga(tmp_path):
    register = generate(3000, MONTH, seed=9, error_rate=0.05, today=TODAY)
    assert {rule for _, rule in register.injected} == set(ROW_MISTAKES)
    copies = sum(1 for _, rule in register.injected if rule in ADDED)  # rows added, not changed
    assert len(register.injected) == round((len(register.rows) - copies) * 0.05)
    write_xlsx(tmp_path / "errori.xlsx", register.rows)
    report = validate([tmp_path / "errori.xlsx"], month=MONTH, today=TODAY)
    found = {(p.row, p.rule) for p in report.problems}
    missing = [(i + 2, rule) for i, rule in register.injected if (i + 2, rule) not in found]
    assert missing == []


def test_gli_omonimi_nati_lo_stesso_giorno_nello_stesso_luogo_hanno_codici_distinti_e_validi():
    import random

    from benchmarks.people import Registry

    class Fixed(random.Random):  # every person the same: each new one is a namesake of the others
        def random(self):
            return 0.5

    people = Registry(Fixed(1))
    codes = [people.person(dt.date(2026, 1, 1), (30, 30)) for _ in range(5)]
    assert len(set(codes)) == 5 and all(codicefiscale.is_valid(c) for c in codes)


def test_il_registro_generato_percorre_le_procedure_della_tabella(register):
    """Journeys use every procedure the catalogue states: each accoglienza before a DID, companions on the DID's day
    (B.3 for a GG DID), services that follow another on a later day, prerequisites on person rows only."""
    cat = load_catalogue()
    codes = Counter(service_code_part(r[6]) for r in register.rows)
    alternatives = {c for s in cat.registrable for p in s.prerequisites if len(p.codes) > 1 for c in p.codes}
    companions = {c.code for s in cat.registrable for c in s.companions}
    followers = {s.code for s in cat.registrable if s.not_same_day}
    valid_now = {p.code for p in cat.programmes if p.valid_on(dt.date(2026, 10, 1))}
    usable = {c for c in alternatives if not cat.services[c].programmes or set(cat.services[c].programmes) & valid_now}
    assert all(codes[c] for c in usable | companions | followers), {c: codes[c] for c in usable | companions | followers}
