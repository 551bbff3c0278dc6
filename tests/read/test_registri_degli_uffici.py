"""Registers shaped by people read like the plain file: descriptive columns, headers with hints,
merged Data and Sede, total rows, durations typed as times or with units, dates with a time or a
month name (issue 22, points 2-6)."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from benchmarks.generator import generate
from registro.cli import main
from registro.validators.read import register, split_sheet
from registro.validators.read.register import COLUMNS
from tests.support import office_shapes as shapes
from tests.support.api import check, validate
from tests.support.office_shapes import Formula

TODAY = dt.date(2026, 11, 1)
WRITERS = {"xlsx": shapes.write_xlsx, "ods": shapes.write_ods, "csv": shapes.write_csv}
DATA, SEDE, TIPO, CODICE, DURATA, NOTE = (COLUMNS.index(c) for c in
                                          ("Data", "Sede", "Tipo utente", "Codice servizio", "Durata (min)", "Note"))


def _rows(n: int, seed: int = 5, error_rate: float = 0.25) -> list[list]:
    """A month's rows with known mistakes, sorted by office and day as offices keep them."""
    rows = generate(n, "2026-10", seed=seed, error_rate=error_rate, today=TODAY).rows
    return sorted(rows, key=lambda r: (str(r[SEDE]), str(r[DATA]), str(r[CODICE])))


def _verdicts(report) -> list[tuple]:
    return sorted((p.row, p.rule, p.column, p.severity) for p in report.problems)


def _plain(tmp_path, kind: str, rows: list[list]):
    return validate(WRITERS[kind](tmp_path / f"semplice.{kind}", list(COLUMNS), rows), today=TODAY)


def _cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# --- 2. headers ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", WRITERS)
def test_colonne_di_nomi_prima_di_quelle_codificate_danno_i_verdetti_del_file_semplice(tmp_path, kind):
    rows = _rows(200)
    plain = _plain(tmp_path, kind, rows)
    assert plain.errors > 20  # the mistakes are there to be found
    # "Utente" (the person's name) before "Tipo utente", "Servizio" (the service's name) before "Codice servizio".
    header = list(COLUMNS)
    header.insert(CODICE, "Servizio")
    header.insert(TIPO, "Utente")
    shaped = []
    for i, r in enumerate(rows):
        r = list(r)
        r.insert(CODICE, "Colloquio di orientamento")
        r.insert(TIPO, f"Persona numero {i}")
        shaped.append(r)
    report = validate(WRITERS[kind](tmp_path / f"nomi.{kind}", header, shaped), today=TODAY)
    assert _verdicts(report) == _verdicts(plain)


@pytest.mark.parametrize("kind", WRITERS)
def test_il_testo_tra_parentesi_dopo_un_intestazione_non_conta(tmp_path, kind):
    rows = _rows(40)
    header = ["Data (gg/mm/aaaa)" if c == "Data" else "Durata (minuti)" if c == "Durata (min)" else c for c in COLUMNS]
    report = validate(WRITERS[kind](tmp_path / f"r.{kind}", header, rows), today=TODAY)
    assert _verdicts(report) == _verdicts(_plain(tmp_path, kind, rows))


def test_l_intestazione_esatta_vince_sul_sinonimo_in_qualunque_ordine(tmp_path):
    rows = _rows(30)
    header = [*COLUMNS, "Codice", "Tipo"]  # synonyms after the exact names
    report = validate(shapes.write_xlsx(tmp_path / "r.xlsx", header, [r + ["X", "Y"] for r in rows]), today=TODAY)
    assert _verdicts(report) == _verdicts(_plain(tmp_path, "xlsx", rows))


@pytest.mark.parametrize("kind", WRITERS)
def test_due_colonne_che_indicano_lo_stesso_campo_allo_stesso_modo_sono_una_riga_di_errore(tmp_path, kind):
    header = ["Data", *COLUMNS[1:-1], "CF"]
    header[COLUMNS.index("Codice fiscale")] = "C.F."
    path = WRITERS[kind](tmp_path / f"r.{kind}", header, _rows(5))
    result = _cli("valida", path)
    assert result.exit_code == 2
    assert ("colonne.doppie: File '" in result.output and "le colonne 'C.F.' (E) e 'CF' (J) della riga di "
            "intestazione 1 indicano entrambe 'Codice fiscale'" in result.output.replace("\n", ""))
    assert "Traceback" not in result.output


# --- 3. merged cells -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_data_e_sede_unite_valgono_per_ogni_riga_come_nel_file_semplice(tmp_path, kind):
    rows = _rows(120)
    plain = _plain(tmp_path, kind, rows)
    merges = shapes.merged_runs(rows, DATA, 2) + shapes.merged_runs(rows, SEDE, 2)
    assert len(merges) > 10
    path = WRITERS[kind](tmp_path / f"unite.{kind}", list(COLUMNS), shapes.blank_merged(rows, merges, 2), merges)
    report = validate(path, today=TODAY)
    assert _verdicts(report) == _verdicts(plain)
    assert [n for n in report.notes if "celle unite" in n[1]] == [
        (str(path), "celle unite nelle colonne Data, Sede; il valore di ogni cella unita vale per tutte le sue righe")]
    # totals and export count every row of a merged range
    assert check(path, today=TODAY).clean().height == check(tmp_path / f"semplice.{kind}", today=TODAY).clean().height


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_le_celle_unite_valgono_anche_in_un_registro_che_inizia_dalla_colonna_b(tmp_path, kind):
    rows = _rows(40)
    merges = shapes.merged_runs(rows, DATA, 2) + shapes.merged_runs(rows, SEDE, 2)
    shifted = [[None] + r for r in shapes.blank_merged(rows, merges, 2)]
    path = WRITERS[kind](tmp_path / f"b.{kind}", [None, *COLUMNS], shifted, [(r1, c + 1, r2) for r1, c, r2 in merges])
    assert _verdicts(validate(path, today=TODAY)) == _verdicts(_plain(tmp_path, kind, rows))


def test_una_sede_unita_su_righe_ancora_vuote_non_crea_servizi(tmp_path):
    rows = _rows(20, error_rate=0)
    blank = [[None] * len(COLUMNS) for _ in range(10)]
    total = ["Totale", *[None] * (len(COLUMNS) - 1)]
    merges = [(2, SEDE + 1, len(rows) + 11)]  # Sede merged over the rows written and ten more, a total below
    shaped = shapes.blank_merged(rows + blank, merges, 2) + [total]
    report = validate(shapes.write_xlsx(tmp_path / "r.xlsx", list(COLUMNS), shaped, merges), today=TODAY)
    assert report.problems == [] and report.rows == len(rows) and report.total_rows == 1


def test_senza_celle_unite_il_riepilogo_non_ne_parla(tmp_path):
    report = _plain(tmp_path, "xlsx", _rows(20))
    assert report.notes == []


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_una_cella_unita_che_attraversa_l_intestazione_e_una_riga_di_errore(tmp_path, kind):
    rows = _rows(6)
    path = WRITERS[kind](tmp_path / f"r.{kind}", list(COLUMNS), shapes.blank_merged(rows, [(1, 2, 3)], 1), [(1, 2, 3)])
    result = _cli("valida", path)
    assert result.exit_code == 2
    assert "intestazione.unita: File '" in result.output
    assert "la cella B1 ('Sede') è unita alle righe 1-3" in result.output.replace("\n", "")


def test_le_celle_unite_si_leggono_uguali_anche_dal_foglio_letto_a_parti(tmp_path, monkeypatch):
    rows = _rows(400)
    merges = shapes.merged_runs(rows, DATA, 2) + shapes.merged_runs(rows, SEDE, 2)
    total = ["Totale", *[None] * (DURATA - 1), Formula(f"=SUM(H2:H{len(rows) + 1})", 111), None, None]
    path = shapes.write_xlsx(tmp_path / "r.xlsx", list(COLUMNS), shapes.blank_merged(rows, merges, 2) + [total], merges)
    whole = register.read_register(path, in_parts=False)
    monkeypatch.setattr(split_sheet, "SPLIT_BYTES", 0)
    monkeypatch.setattr(split_sheet, "PART_MIN_BYTES", 4000)
    monkeypatch.setattr(split_sheet, "workers", lambda: 2)
    assert split_sheet.read_in_parts(path, "Registro") is not None  # the sheet is really read in parts
    parts = register.read_register(path, in_parts=True)
    assert parts.frame.equals(whole.frame)
    assert parts.total_rows == whole.total_rows == (len(rows) + 2,)
    assert parts.merged_columns == whole.merged_columns == ("Data", "Sede")


# --- 4. total rows -------------------------------------------------------------------------------------------------


def _total_rows(rows: list[list], cached: bool) -> list[list]:
    last = len(rows) + 1
    value = 111 if cached else None
    label = ["Totale", *[None] * (len(COLUMNS) - 1)]
    label[DURATA] = Formula(f"=SUM(H2:H{last})", value)
    label[CODICE] = Formula(f"=SUBTOTAL(3,G2:G{last})", value)  # a count under the codes: its cached 111 is no code
    no_label = [None] * len(COLUMNS)
    no_label[DURATA] = Formula(f"=SUM(H2:H{last})", value)
    return [label, no_label]


@pytest.mark.parametrize("cached", [False, True], ids=["mai_calcolate", "valori_salvati"])
@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_le_righe_di_totale_sono_escluse_e_nominate_una_volta(tmp_path, kind, cached):
    rows = _rows(60)
    plain = _plain(tmp_path, kind, rows)
    path = WRITERS[kind](tmp_path / f"totale.{kind}", list(COLUMNS), rows + _total_rows(rows, cached))
    report = validate(path, today=TODAY)
    assert _verdicts(report) == _verdicts(plain)
    # Formulas never computed (a file written by a program) leave the row without a label empty: no row at all.
    cached = cached or kind == "ods"  # (the hand-written .ods always holds the values, as LibreOffice saves it)
    assert report.rows == plain.rows and report.total_rows == (2 if cached else 1)
    which = f"righe di totale {len(rows) + 2}, {len(rows) + 3} escluse" if cached else f"riga di totale {len(rows) + 2} esclusa"
    assert [n for n in report.notes if "totale" in n[1]] == [(str(path), f"{which} da controlli, totali ed esportazione")]


def test_una_riga_di_totale_nel_csv_si_riconosce_dall_etichetta(tmp_path):
    rows = _rows(40)
    total = ["Totali", *[None] * (len(COLUMNS) - 1)]
    total[DURATA] = "1.500"
    report = validate(shapes.write_csv(tmp_path / "r.csv", list(COLUMNS), rows + [total]), today=TODAY)
    assert _verdicts(report) == _verdicts(_plain(tmp_path, "csv", rows)) and report.total_rows == 1


def test_una_riga_di_servizio_con_totale_nelle_note_e_una_riga_normale(tmp_path):
    rows = _rows(10, error_rate=0)
    rows[3][NOTE] = "totale"
    rows[4][NOTE] = "Totale ore 2"
    report = validate(shapes.write_xlsx(tmp_path / "r.xlsx", list(COLUMNS), rows), today=TODAY)
    assert report.rows == 10 and report.total_rows == 0


def test_una_riga_con_totale_ma_con_codice_fiscale_resta_un_servizio(tmp_path):
    rows = _rows(10, error_rate=0)
    rows[2][DATA] = "Totale"
    report = validate(shapes.write_xlsx(tmp_path / "r.xlsx", list(COLUMNS), rows), today=TODAY)
    assert report.total_rows == 0 and [(p.row, p.rule) for p in report.problems] == [(4, "data.non_valida")]


def test_il_bilancio_dell_esportazione_dice_quante_righe_di_totale_sono_escluse(tmp_path):
    rows = _rows(30)
    path = shapes.write_xlsx(tmp_path / "r.xlsx", list(COLUMNS), rows + _total_rows(rows, True))
    result = _cli("esporta", path, "-o", tmp_path / "ja.csv", "--oggi", TODAY)
    text = result.output.replace("\n", " ")
    assert f"{len(rows)} righe lette = " in text and "(escluse 2 righe di totale)" in text, result.output


# --- 5. durations --------------------------------------------------------------------------------------------------


def _one(durata, **changes) -> list:
    row = [dt.date(2026, 10, 1), "Ancona", "Maria Rossi", "Persona", "RSSMRA80A01H501U", None,
           "A.1 - Accoglienza e prima informazione", durata, "In presenza", None]
    for k, v in changes.items():
        row[COLUMNS.index(k)] = v
    return row


DURATIONS = [(dt.time(0, 30), 30), (dt.time(1, 15), 75), ("30 min", 30), ("30'", 30), ("1 h 30", 90), ("1h30", 90),
             ("1h", 60), ("2 ore", 120), ("90 minuti", 90), ("1.500", 1500), ("2.000", 2000), ("0:30", 30), (45, 45)]


@pytest.mark.parametrize("kind", WRITERS)
def test_le_durate_scritte_come_le_scrivono_le_persone_sono_minuti(tmp_path, kind):
    rows = [_one(d) for d, _ in DURATIONS]
    if kind != "xlsx":  # a time as a CSV export shows it (the hand-written .ods has no time cells: text as typed)
        rows = [_one(f"{d.hour}:{d.minute:02d}" if isinstance(d, dt.time) else d) for d, _ in DURATIONS]
    checked = check(WRITERS[kind](tmp_path / f"r.{kind}", list(COLUMNS), rows), today=TODAY)
    assert [p.rule for p in checked.report.problems if p.rule == "durata.non_valida"] == []
    assert checked.table()["durata_minuti"].to_list() == [m for _, m in DURATIONS]


def test_le_durate_non_valide_si_mostrano_come_scritte(tmp_path):
    rows = [_one(dt.time(0, 30, 15)), _one("mezz'ora"), _one(dt.datetime(2026, 10, 1)), _one("1,5"), _one("circa 1h")]
    report = validate(shapes.write_xlsx(tmp_path / "r.xlsx", list(COLUMNS), rows), today=TODAY)
    invalid = [p for p in report.problems if p.rule == "durata.non_valida"]
    shown = [p.value for p in invalid]
    # a date in Durata is never read as minutes: it is shown as read
    assert shown == ["0:30:15", "mezz'ora", "2026-10-01 00:00:00", "1,5", "circa 1h"]
    assert all(f"'{v}' non è" in p.message for v, p in zip(shown, invalid))


def test_i_totali_contano_i_minuti_con_il_separatore_delle_migliaia(tmp_path):
    path = shapes.write_csv(tmp_path / "r.csv", list(COLUMNS), [_one("2.000", **{"Codice servizio": "F1.2"})])
    checked = check(path, today=TODAY)
    assert checked.table()["durata_minuti"].to_list() == [2000]


# --- 6. dates ------------------------------------------------------------------------------------------------------

DATES = ["02/10/2026 10:05", "02/10/2026 10:05:00", "2026-10-02T10:05:00", "2 ottobre 2026", "02-ott-26",
         "2 ott. 2026", "venerdì 2 ottobre 2026", "2/10/26"]


@pytest.mark.parametrize("kind", WRITERS)
def test_le_date_con_ora_o_con_il_nome_del_mese_sono_date(tmp_path, kind):
    rows = [_one(15, Data=d) for d in DATES]
    checked = check(WRITERS[kind](tmp_path / f"r.{kind}", list(COLUMNS), rows), today=TODAY)
    assert [p for p in checked.report.problems if p.rule == "data.non_valida"] == []
    assert checked.table()["data"].to_list() == [dt.date(2026, 10, 2)] * len(DATES)


def test_una_data_con_un_mese_inventato_resta_non_valida(tmp_path):
    rows = [_one(15, Data="2 brumaio 2026"), _one(15, Data="31/02/2026 10:00")]
    report = validate(shapes.write_csv(tmp_path / "r.csv", list(COLUMNS), rows), today=TODAY)
    assert [(p.row, p.rule) for p in report.problems] == [(2, "data.non_valida"), (3, "data.non_valida")]


def test_la_copia_annotata_da_alla_riga_di_totale_un_esito_neutro(tmp_path):
    from openpyxl import load_workbook

    rows = _rows(10, error_rate=0)
    path = shapes.write_xlsx(tmp_path / "r.xlsx", list(COLUMNS), rows + _total_rows(rows, True))
    result = _cli("valida", path, "--oggi", TODAY, "--annota", tmp_path / "annotato.xlsx")
    assert result.exit_code == 0, result.output
    esito = [r[-1] for r in load_workbook(tmp_path / "annotato.xlsx")["Registro"].iter_rows(values_only=True)]
    assert esito == ["Esito"] + ["OK"] * len(rows) + ["Riga di totale: esclusa"] * 2
