"""Every wording of a problem comes from the rule registry's templates and the problem's named values
(validators/messages.py): the terminal and report files, the workbooks, the rejects."""

from __future__ import annotations

import polars as pl
import pytest

from registro.validators.check.engine import _problem_columns
from registro.validators.check.rules.context import RowCheck
from registro.validators.errors import FileProblem, UnusableInputs
from registro.validators.messages import REJECTS, SHEET, TERMINAL, VALUE_LIMIT, field_names, text, title
from registro.validators.report import Problem
from registro.validators.rules import BY_ID, Rule
from tests.support.api import validate_values

MISSING = Problem("ancona.xlsx", "Registro", 7, "Codice servizio", "sequenza.prerequisito_assente", "avviso", "D.2",
                  {"prerequisito": "D.1", "nome_prerequisito": "PSP", "codice": "D.2"})


def test_a_terminale_il_messaggio_dice_riga_colonna_problema_e_cosa_fare_con_le_opzioni():
    assert text(MISSING, TERMINAL) == MISSING.message == (
        "Riga 7, 'Codice servizio': per la stessa persona non risulta D.1 (PSP), che precede D.2, né nei file né "
        "nello storico indicati. Verificare la registrazione di D.1, o indicare i mesi precedenti con --storico o "
        "con --archivio.")


def test_in_excel_il_messaggio_non_cita_opzioni_e_la_riga_sta_nelle_colonne_accanto():
    assert text(MISSING, SHEET) == (
        "per la stessa persona non risulta D.1 (PSP), che precede D.2, né nei file né nello storico indicati. "
        "Verificare la registrazione di D.1 anche nei registri dei mesi precedenti.")


def test_negli_scarti_ogni_motivo_dice_la_sua_colonna_con_le_parole_di_excel():
    assert text(MISSING, REJECTS) == "Riga 7, 'Codice servizio': " + text(MISSING, SHEET)


def test_un_problema_di_file_dice_il_file_in_ogni_formulazione_senza_suggerimento():
    exc = FileProblem("foglio.mancante", "ancona.xlsx", foglio="Registro", fogli="Ottobre, Note", dettaglio="")
    assert str(exc) == "manca il foglio 'Registro' (fogli presenti: Ottobre, Note)."
    p = Problem(exc.file, exc.sheet, None, None, exc.rule, "errore", None, exc.fields)
    for wording in (TERMINAL, SHEET, REJECTS):
        assert text(p, wording) == "File 'ancona.xlsx': " + str(exc)


def test_fermarsi_per_un_file_inutilizzabile_nomina_il_primo_e_quanti_altri():
    exc = FileProblem("file.illeggibile", "a.xlsx", motivo="il file è vuoto (0 byte)")
    p = Problem(exc.file, None, None, None, exc.rule, "errore", None, exc.fields)
    stop = UnusableInputs([p, p._replace(file="b.xlsx")])
    assert isinstance(stop, FileProblem) and (stop.rule, stop.file) == ("file.illeggibile", "a.xlsx")
    assert str(stop) == ("File 'a.xlsx': il file non si può leggere: il file è vuoto (0 byte). (e altri 1 file) "
                         "Nessun risultato prodotto: correggere il file o toglierlo dall'elenco.")


def test_una_cella_lunghissima_e_citata_tagliata_ma_il_valore_resta_intero():
    long = "X" * 100
    p = Problem("r.xlsx", "Registro", 3, "Codice servizio", "codice.sconosciuto", "errore", long, {"suggerimento": ""})
    assert f"'{'X' * (VALUE_LIMIT - 1)}…' non esiste nel catalogo." in text(p, SHEET)
    assert p.value == long and p.as_dict()["valore"] == long


def test_una_regola_che_il_registro_non_conosce_si_mostra_col_suo_id():
    p = Problem("r.xlsx", "Registro", 3, "Note", "prova.ignota", "avviso")
    assert text(p) == "Riga 3, 'Note': prova.ignota" and text(p, SHEET) == "prova.ignota"
    assert title("prova.ignota") == "prova.ignota"


def test_aggiungere_una_regola_e_aggiungere_una_voce_ai_dati(monkeypatch):
    """A new entry of the registry is worded everywhere, with no code beside it."""
    new = Rule("prova.nuova", "avviso", "Note", "Nota sospetta", "la nota cita un comando",
               "la nota '{valore}' cita {comando}.", "Provare con {comando} --aiuto.",
               excel_hint="Chiedere all'assistenza.")
    monkeypatch.setitem(BY_ID, new.id, new)
    assert field_names(new.id) == ("comando",)
    p = Problem("r.xlsx", "Registro", 4, "Note", new.id, new.severity, "vedi ls", {"comando": "ls"})
    assert text(p) == "Riga 4, 'Note': la nota 'vedi ls' cita ls. Provare con ls --aiuto."
    assert text(p, SHEET) == "la nota 'vedi ls' cita ls. Chiedere all'assistenza."
    assert title(new.id) == "Nota sospetta"


def test_un_controllo_che_non_da_un_valore_del_modello_e_un_errore_di_sviluppo():
    with pytest.raises(ValueError, match=r"codice.automatico.*'nome'"):
        _problem_columns(RowCheck("codice.automatico", "Codice servizio", pl.lit(True),
                                  {"codice": pl.col("_codice"), "replica": pl.col("_c_replica")}))


def test_un_foglio_vuoto_nel_componente_manca_delle_colonne_come_a_terminale():
    (p,) = validate_values([]).problems
    assert (p.rule, p.row, p.fields["dove"]) == ("colonne.mancanti", None, " (il foglio è vuoto)")
    assert text(p, SHEET) == ("File 'registro.xlsx': mancano le colonne 'Data', 'Sede', 'Operatore', 'Tipo utente', "
                              "'Codice fiscale', 'Codice servizio', 'Modalità' (il foglio è vuoto).")
