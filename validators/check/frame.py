"""The checked frame: every internal column of the engine, declared once with its type and meaning.

The engine works on one polars frame: the register's text cells (the contract columns of
registro.validators.read, e.g. 'Codice servizio') plus the internal columns below, whose names start with
'_'. They are a contract between the modules of validators/check/ only: normalise.py and
fiscal.py add the typed values and the catalogue's facts, the rules/ modules add the cross-row
facts, checked.py adds the verdict counts. Nothing outside check/ names them: the outer layers
(totals, export, archive, render, the add-in) read `Checked` (checked.py), whose `table()` gives
the rows as a plain table with the public names of TABLE below.

A test (tests/check/test_frame_contract.py) checks that the frame the engine builds has exactly
these columns with these types, so this list cannot drift from the code.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Column:
    """One internal column: its name in the frame, its polars type and what it holds."""

    name: str
    dtype: pl.DataType
    meaning: str
    stage: str  # the module that adds it


_S, _I, _B, _D = pl.String(), pl.Int64(), pl.Boolean(), pl.Date()

INTERNAL: tuple[Column, ...] = (
    # Where the row comes from (api.py stacks the registers read)
    Column("_idx", pl.UInt32(), "position of the row in the stacked frame (join key of the cross-row queries)", "stack"),
    Column("_riga", _I, "Excel row number of the row in its sheet", "stack"),
    Column("_file", _S, "register file the row was read from, as given by the user", "stack"),
    Column("_foglio", _S, "sheet the row was read from (None for CSV)", "stack"),
    Column("_storico", _B, "true for history rows (--storico): they feed the cross-row rules only", "stack"),
    # Typed, canonical values (normalise.py, fiscal.py)
    Column("_data", _D, "service date (Excel date, serial, dd/mm/yyyy or '2 marzo 2026' text, a time ignored)", "normalise"),
    Column("_codice_testo", _S, "the code part of the 'Codice servizio' cell ('A.1' of 'A.1 - Accoglienza')", "normalise"),
    Column("_programma_noto", _S, "programme code when the cell names a known programme or synonym", "normalise"),
    Column("_tipo", _S, "'persona' or 'azienda'", "normalise"),
    Column("_modalita", _S, "canonical modality", "normalise"),
    Column("_cf", _S, "codice fiscale or partita IVA, compacted and upper-case", "normalise"),
    Column("_operatore", _S, "operator key: case, accents and spaces ignored (groups spellings)", "normalise"),
    Column("_sede", _S, "office as written, spaces collapsed", "normalise"),
    Column("_durata", _I, "recorded minutes (whole numbers, times, '1h30', '30 min': check/parse.py)", "normalise"),
    Column("_durata_errata", _B, "the duration cell is not a whole number of minutes", "normalise"),
    Column("_codice", _S, "catalogue code of the service", "normalise"),
    Column("_programma", _S, "programme code used for the row (blank cell = the default or implied programme)", "normalise"),
    Column("_cf_esito", _S, "verdict of the codice fiscale check (fiscal.py)", "fiscal"),
    Column("_cf_dettaglio", _S, "the detail the verdict's message shows", "fiscal"),
    # The catalogue's facts about the row's code (normalise.catalogue_frame)
    Column("_c_nome", _S, "service name as printed in the table", "normalise"),
    Column("_c_lep", _S, "LEP letter", "normalise"),
    Column("_c_registrabile", _B, "the code can be registered (not a heading like F or M)", "normalise"),
    Column("_c_motivo", _S, "why the code cannot be registered", "normalise"),
    Column("_c_destinatario", _S, "who the service is for: persona, azienda or entrambi", "normalise"),
    Column("_c_programmi", pl.List(pl.String()), "programmes the code is reserved to (empty: any)", "normalise"),
    Column("_c_fonte_programmi", _S, "the table's sentence behind the programme restriction", "normalise"),
    Column("_c_programma_implicito", _S, "the programme a company's blank (or default) Programma stands for: "
           "the only one the code is reserved to, if any", "normalise"),
    Column("_c_min", _I, "standard minimum minutes", "normalise"),
    Column("_c_medio", _I, "standard average minutes", "normalise"),
    Column("_c_max", _I, "standard maximum minutes", "normalise"),
    Column("_c_replica", _S, "how often the code may be repeated for one person", "normalise"),
    # Cross-row facts (rules/sequencing.py, rules/procedures.py, rules/crossrow.py)
    Column("_seq_stato", _S, "prerequisite state: found, missing or after", "sequencing"),
    Column("_seq_prereq", _S, "the prerequisite code that was looked for", "sequencing"),
    Column("_seq_nome", _S, "its name", "sequencing"),
    Column("_seq_data_prereq", _D, "date of the prerequisite found", "sequencing"),
    Column("_seq_gravita", _S, "severity the catalogue gives the missing prerequisite", "sequencing"),
    Column("_seq_fonte", _S, "the table's sentence behind the prerequisite", "sequencing"),
    Column("_acc_mancanti", _S, "companion services missing that day, with their names (rules/procedures.py)", "procedures"),
    Column("_acc_codici", _S, "their codes, for the hint", "procedures"),
    Column("_acc_fonte", _S, "the table's sentences behind the companions", "procedures"),
    Column("_rip_data_prec", _D, "date of the same service repeated for the person without a renewal", "procedures"),
    Column("_rip_dopo", _S, "the service that renews it (a new DID)", "procedures"),
    Column("_rip_nome_dopo", _S, "its name", "procedures"),
    Column("_rip_altrimenti", _S, "the service to register instead (the update)", "procedures"),
    Column("_rip_fonte", _S, "the table's sentence behind the repetition", "procedures"),
    Column("_sg_codice", _S, "the service already registered that day that this one must follow", "procedures"),
    Column("_sg_nome", _S, "its name", "procedures"),
    Column("_sg_fonte", _S, "the table's sentence (\"in momenti successivi\")", "procedures"),
    Column("_dup", _B, "the row repeats an earlier one (same person, date, code)", "crossrow"),
    Column("_dup_prima", _I, "row number of the first occurrence", "crossrow"),
    Column("_dup_file", _S, "file of the first occurrence", "crossrow"),
    Column("_giorno_minuti", _I, "minutes the operator recorded that day", "crossrow"),
    Column("_giorno_righe", _S, "rows of that day, for the message", "crossrow"),
    # The verdict (checked.py)
    Column("_errori", pl.UInt32(), "number of errori on the row", "verdict"),
    Column("_avvisi", pl.UInt32(), "number of avvisi on the row", "verdict"),
)
BY_NAME = {c.name: c for c in INTERNAL}

# Frequently used names, for the modules of check/.
IDX, ROW, FILE, SHEET, HISTORY = "_idx", "_riga", "_file", "_foglio", "_storico"
ERRORS, WARNINGS = "_errori", "_avvisi"

# The public table (Checked.table()): the names the outer layers use, and the internal or
# register column each comes from. Text is as normalised by the engine.
TABLE: dict[str, pl.Expr] = {
    "file": pl.col(FILE),
    "foglio": pl.col(SHEET),
    "riga": pl.col(ROW),
    "errori": pl.col(ERRORS),
    "avvisi": pl.col(WARNINGS),
    "codice_fiscale": pl.col("_cf"),
    "tipo_utente": pl.when(pl.col("_tipo") == "persona").then(pl.lit("Persona"))
    .when(pl.col("_tipo") == "azienda").then(pl.lit("Azienda")),
    "data": pl.col("_data"),
    "codice_servizio": pl.col("_codice"),
    "nome_servizio": pl.col("_c_nome"),
    "lep": pl.col("_c_lep"),
    "programma": pl.col("_programma"),
    "modalita": pl.col("_modalita"),
    "durata_minuti": pl.col("_durata"),
    "durata_standard": pl.col("_c_medio"),
    "durata_min": pl.col("_c_min"),
    "durata_max": pl.col("_c_max"),
    "sede": pl.col("_sede"),
    "operatore": pl.col("Operatore").str.replace_all(r"\s+", " ").str.strip_chars(),
    "operatore_chiave": pl.col("_operatore"),
    "note": pl.col("Note"),
}
