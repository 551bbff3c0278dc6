"""Property-based tests: random registers never break the validator, and its verdicts are stable."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.registri import CF, PIVA, TODAY
from tests.support.api import validate_values
from registro.validators.read.register import COLUMNS

CODES = ["A.1", "a.2", "B.1 - DID", "D.1", "D.2", "E.5", "E.6", "F", "M", "N", "O.2", "P.1", "S.1", "K.3", "ZZ",
         "F1.09", "M5.3", "G.4", ""]
cell_text = st.one_of(st.none(), st.text(max_size=20))

row = st.fixed_dictionaries({
    "Data": st.one_of(st.dates(dt.date(2018, 1, 1), dt.date(2027, 1, 1)), st.sampled_from(["31/02/2026", "1/10/26", "x"]), st.none()),
    "Sede": st.one_of(st.sampled_from(["Ancona", "Jesi", " jesi "]), cell_text),
    "Operatore": st.one_of(st.sampled_from(["Maria Rossi", "maria rossi", "Luca"]), cell_text),
    "Tipo utente": st.one_of(st.sampled_from(["Persona", "Azienda", "azienda", "Privato"]), st.none()),
    "Codice fiscale": st.one_of(st.sampled_from([*CF.values(), PIVA, "12345678903", "RSSMRA80A01H501X"]), cell_text),
    "Programma": st.one_of(st.sampled_from(["GG", "RdC", "L.68", "AdR", "GOL", "ADI", "PON-X"]), st.none()),
    "Codice servizio": st.one_of(st.sampled_from(CODES), cell_text),
    "Durata (min)": st.one_of(st.integers(-5, 3000), st.floats(allow_nan=True, allow_infinity=True), st.none(), st.text(max_size=5)),
    "Modalità": st.one_of(st.sampled_from(["In presenza", "A distanza", "online", "fax"]), st.none()),
    "Note": cell_text,
})


def _values(rows):
    return [list(COLUMNS)] + [[r[c] for c in COLUMNS] for r in rows]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, min_size=0, max_size=25))
def test_il_validatore_non_solleva_mai_e_ogni_problema_ha_riga_e_regola(rows):
    report = validate_values(_values(rows), name="casuale.xlsx", today=TODAY)
    assert report.rows <= len(rows)
    for p in report.problems:
        assert p.rule and p.severity in ("errore", "avviso") and p.message
        assert p.row is None or 2 <= p.row <= len(rows) + 1


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, min_size=1, max_size=25))
def test_validare_due_volte_da_lo_stesso_rapporto(rows):
    first = validate_values(_values(rows), name="casuale.xlsx", today=TODAY)
    second = validate_values(_values(rows), name="casuale.xlsx", today=TODAY)
    assert first.to_dict() == second.to_dict()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, min_size=1, max_size=25))
def test_esportate_piu_scartate_sono_le_righe_lette(rows):
    from tests.support.api import check_values, export_tables

    checked = check_values(_values(rows), name="casuale.xlsx", today=TODAY)
    if checked.report.unusable_files:
        return  # no header row at all: nothing to export, the file is reported unusable
    ja, scarti, result = export_tables(checked)
    assert result.rows_read == checked.report.rows
    assert result.exported + result.rejected == result.rows_read
    assert len(ja) - 1 == result.exported and len(scarti) - 1 == result.rejected


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, min_size=1, max_size=25), st.randoms(use_true_random=False))
def test_i_totali_non_dipendono_dall_ordine_delle_righe(rows, rnd):
    from registro import totals as totals_of
    from tests.support.api import check_values
    from registro.validators.render.totals_workbook import as_dict

    shuffled = list(rows)
    rnd.shuffle(shuffled)
    first = as_dict(totals_of(check_values(_values(rows), name="casuale.xlsx", today=TODAY)))
    second = as_dict(totals_of(check_values(_values(shuffled), name="casuale.xlsx", today=TODAY)))
    assert first == second
