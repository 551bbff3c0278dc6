"""The vectorised codice fiscale / partita IVA verdicts equal python-stdnum's, code by code."""

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.it import codicefiscale

from validators.check import fiscal

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
OMOCODIA = "LMNPQRSTUV"
DATE_POSITIONS = (6, 7, 9, 10, 12, 13, 14)


@st.composite
def codici_fiscali(draw):
    """Valid codes, namesakes' variants (omocodia), and codes with one character changed."""
    # Date fields near the edges: leap years (1900 is not one, 2000 is), month ends, day 0.
    year = draw(st.one_of(st.integers(0, 99), st.sampled_from([0, 4, 19, 20, 21, 96, 99])))
    month = draw(st.sampled_from("ABCDEHLMPRST"))
    day = draw(st.one_of(st.integers(0, 39), st.sampled_from([0, 1, 28, 29, 30, 31, 32]))) + draw(st.sampled_from([0, 40]))
    letters = draw(st.text(LETTERS, min_size=6, max_size=6))
    place = draw(st.sampled_from(LETTERS)) + draw(st.text(DIGITS, min_size=3, max_size=3))
    body = list(f"{letters}{year:02d}{month}{day:02d}{place}")
    for pos in draw(st.lists(st.sampled_from(DATE_POSITIONS), max_size=7)):
        body[pos] = OMOCODIA[int(body[pos])] if body[pos].isdigit() else body[pos]
    code = "".join(body) + codicefiscale.calc_check_digit("".join(body))
    change = draw(st.sampled_from(["none", "none", "char", "check"]))
    if change == "char":
        i = draw(st.integers(0, 15))
        code = code[:i] + draw(st.sampled_from(LETTERS + DIGITS)) + code[i + 1:]
    elif change == "check":
        code = code[:15] + draw(st.sampled_from(LETTERS + DIGITS))
    return code


@st.composite
def partite_iva(draw):
    """11-digit numbers with valid or wrong Luhn digit, any office code, sometimes firm number 0."""
    firm = draw(st.sampled_from(["0000000", None, None]))
    office = draw(st.one_of(st.text(DIGITS, min_size=3, max_size=3), st.sampled_from(
        ["000", "001", "099", "100", "101", "119", "120", "121", "122", "887", "888", "889", "998", "999"])))
    body = (firm or draw(st.text(DIGITS, min_size=7, max_size=7))) + office
    check = luhn.calc_check_digit(body) if draw(st.booleans()) else draw(st.sampled_from(DIGITS))
    return body + check


codes = st.one_of(
    codici_fiscali(),
    partite_iva(),
    st.text(LETTERS + DIGITS, max_size=20),
    st.text(DIGITS, min_size=9, max_size=12),
    st.text(max_size=18).map(fiscal.clean),  # anything a cell may hold, through the cleaning
    st.none(),
)
pairs = st.lists(st.tuples(st.sampled_from(["persona", "azienda", None]), codes), min_size=1, max_size=40)


def _as_dict(frame: pl.DataFrame) -> dict:
    return {(t, c): (e, d) for t, c, e, d in frame.select("_tipo", "_cf", "_cf_esito", "_cf_dettaglio").iter_rows()}


@settings(max_examples=400, deadline=None)
@given(pairs)
def test_gli_esiti_vettoriali_sono_quelli_di_python_stdnum(values):
    frame = pl.DataFrame(values, schema={"_tipo": pl.String, "_cf": pl.String}, orient="row")
    fast = fiscal.verdicts(frame).select("_cf_esito", "_cf_dettaglio").rows()
    assert fast == [fiscal.verdict(t, c) for t, c in values]


def test_esempi_noti_di_codice_fiscale_e_partita_iva():
    feb31 = "RSSMRA80B31H501" + codicefiscale.calc_check_digit("RSSMRA80B31H501")
    frame = pl.DataFrame({
        "_tipo": ["persona", "persona", "persona", "persona", "azienda", "azienda", "azienda", "persona"],
        "_cf": ["RSSMRA80A01H501U", "RSSMRA80A01H50MM", "RSSMRA80A01H501X", feb31,
                "00743110157", "00743110158", "1234", "00743110157"],
    })
    got = {c: (e, d) for c, e, d in fiscal.verdicts(frame).select("_cf", "_cf_esito", "_cf_dettaglio").iter_rows()
           if c != "00743110157"}
    assert got == {
        "RSSMRA80A01H501U": ("ok", None),
        "RSSMRA80A01H50MM": ("ok", None),
        "RSSMRA80A01H501X": ("non_valido", "carattere di controllo errato (probabile errore di battitura)"),
        feb31: ("non_valido", "data di nascita inesistente"),
        "00743110158": ("non_valido", "carattere di controllo errato (probabile errore di battitura)"),
        "1234": ("non_valido", "4 caratteri: attese 11 cifre (partita IVA) o 16 caratteri"
                               " (se inizia con 0, formattare la colonna come testo)"),
    }
    eleven = fiscal.verdicts(frame.filter(pl.col("_cf") == "00743110157")).sort("_tipo")
    assert eleven["_cf_esito"].to_list() == ["ok", "provvisorio"]


def test_su_una_griglia_di_date_e_uffici_iva_gli_esiti_sono_quelli_di_python_stdnum():
    codes = []
    for year in range(100):
        for month in "ABCDEHLMPRST":
            for day in (0, 1, 28, 29, 30, 31, 32, 40, 41, 68, 69, 70, 71, 72):
                body = f"RSSMRA{year:02d}{month}{day:02d}H501"
                codes += [body + codicefiscale.calc_check_digit(body), body + "A"]
    for office in range(1000):
        for firm in ("1234567", "0000000"):
            body = f"{firm}{office:03d}"
            check = luhn.calc_check_digit(body)
            codes += [body + check, body + str((int(check) + 1) % 10)]
    frame = pl.DataFrame({"_cf": codes}).unique().join(pl.DataFrame({"_tipo": ["persona", "azienda"]}), how="cross")
    assert _as_dict(fiscal.verdicts(frame)) == _as_dict(fiscal.verdicts_one_by_one(frame))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=20), st.text(" ./-_abcXYZ019\t\u00a0é", max_size=20))))
def test_la_pulizia_vettoriale_dei_codici_e_quella_di_clean(values):
    column = pl.Series("cf", values, dtype=pl.String)
    assert fiscal.clean_column(column).to_list() == [None if v is None else fiscal.clean(v) for v in values]


cells = st.one_of(
    codes.filter(lambda c: c is not None).map(str.lower),
    codes.filter(lambda c: c is not None).map(lambda c: " ".join([c[:6], c[6:11], c[11:]])),
    codes.filter(lambda c: c is not None).map(lambda c: c[:3] + "." + c[3:] + "-"),
    st.text(max_size=18),
    st.none(),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["persona", "azienda", None]), cells), min_size=1, max_size=40))
def test_celle_pulite_e_controllate_una_volta_come_con_clean_e_python_stdnum(values):
    types = pl.Series([t for t, _ in values], dtype=pl.String)
    table = fiscal.cell_verdicts(pl.Series([c for _, c in values], dtype=pl.String))
    assert table["_cf"].to_list() == [None if c is None else fiscal.clean(c) for _, c in values]
    picked = fiscal.pick_verdicts(types, table).rows()
    assert picked == [fiscal.verdict(t, None if c is None else fiscal.clean(c)) for t, c in values]


@given(st.lists(st.one_of(st.none(), st.sampled_from(["A", "B", "RSSMRA80A01H501U", ""]), st.text(max_size=5))))
def test_valori_distinti_e_posizioni_anche_con_collisioni_di_hash(values):
    column = pl.Series(values, dtype=pl.String)
    for hasher in (None, lambda s: pl.Series([7] * len(s), dtype=pl.UInt64)):  # every hash colliding
        distinct, position = fiscal._distinct(column, hasher)
        assert distinct.gather(position).to_list() == values
        assert distinct.n_unique() == len(distinct) == len(set(values))
