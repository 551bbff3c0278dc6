"""The archive as history: a month checked against the archived months, as with --storico of their files."""

import json

import polars as pl

from tests.support.months import MONTHS, TODAY
from tests.support import api
from registro.validators.archive.store import Archive
from registro.validators.catalogue import load_catalogue
from registro.validators.text import service_code_part

JUNE = MONTHS[-1]


def _verdicts(report):
    return [(p.file, p.row, p.rule, p.severity, p.message) for p in report.problems]


def test_il_sesto_mese_con_l_archivio_dei_cinque_precedenti_non_ha_avvisi(months, five_months_archive):
    report = api.validate(months.files[JUNE], archive=five_months_archive, month=JUNE, today=TODAY)
    assert report.rows > 1000
    assert report.problems == []
    assert report.archive == f"archivio {five_months_archive}"


def test_con_l_archivio_gli_esiti_sono_quelli_dello_storico_dei_cinque_mesi(months, five_months_archive):
    current = months.files[JUNE] + months.files[MONTHS[1]]  # a month already archived, checked again too
    with_archive = api.validate(current, archive=five_months_archive, today=TODAY)
    with_files = api.validate(current, history=months.before(JUNE), today=TODAY)
    assert _verdicts(with_archive) == _verdicts(with_files)


def test_senza_storico_sono_segnalate_esattamente_le_righe_con_prerequisito_in_un_mese_prima(months):
    cat = load_catalogue()
    expected = set()
    june_codes = {(r[4], service_code_part(r[6])) for path in months.files[JUNE] for r in months.rows[path]}
    for path in months.files[JUNE]:
        for i, r in enumerate(months.rows[path]):
            prerequisites = [p.codes for p in cat.services[service_code_part(r[6])].prerequisites
                             if p.applies_to(r[3].lower())]
            if any(all((r[4], c) not in june_codes for c in codes) for codes in prerequisites):
                expected.add((str(path), i + 2))
    report = api.validate(months.files[JUNE], month=JUNE, today=TODAY)
    assert expected, "the generated months must have journeys spanning months"
    assert {p.rule for p in report.problems} == {"sequenza.prerequisito_assente"}
    assert {(p.file, p.row) for p in report.problems} == expected


def test_le_coppie_sede_mese_dei_registri_controllati_non_vengono_dall_archivio(months, five_months_archive):
    # May checked again: May's own archived rows must not stand in for it (they are being replaced)
    may = MONTHS[4]
    with_archive = api.validate(months.files[may], archive=five_months_archive, month=may, today=TODAY)
    with_files = api.validate(months.files[may], history=months.before(may), month=may, today=TODAY)
    assert _verdicts(with_archive) == _verdicts(with_files)
    alone = api.validate(months.files[may], month=may, today=TODAY)
    assert len(alone.problems) > len(with_archive.problems)


def test_reimportare_un_mese_non_cambia_nulla(months, archive_copy):
    def content():
        return (Archive.open(archive_copy, need_key=False).table()
                .drop("importato").sort("data", "file", "riga"))

    before, status = content(), [(p.key, p.rows, p.persons) for p in Archive.open(archive_copy, need_key=False).partitions]
    result = api.archive_add(months.files[MONTHS[2]], archive_copy, month=MONTHS[2], today=TODAY)
    assert {p.key for p in result.replaced} == {p.key for p in result.written} and len(result.written) == 3
    assert [(p.rows, p.persons) for p in result.replaced] == [(p.rows, p.persons) for p in result.written]
    assert content().equals(before)
    assert [(p.key, p.rows, p.persons) for p in Archive.open(archive_copy, need_key=False).partitions] == status


def test_reimportare_il_mese_corretto_di_una_sede_sostituisce_solo_quella_sede(months, archive_copy):
    ancona = [p for p in months.files[MONTHS[3]] if "ancona" in p.name]
    rows = months.rows[ancona[0]][:10]
    fixed = ancona[0].parent.parent / "ancona_corretto.csv"
    from benchmarks.generator import write_csv

    write_csv(fixed, rows)
    result = api.archive_add([fixed], archive_copy, month=MONTHS[3], today=TODAY)
    assert [(p.month, p.office, p.rows) for p in result.written] == [(MONTHS[3], "ancona", 10)]
    assert [(p.month, p.office) for p in result.replaced] == [(MONTHS[3], "ancona")]
    table = Archive.open(archive_copy, need_key=False).table()
    april = table.filter(pl.col("data").dt.strftime("%Y-%m") == MONTHS[3])
    assert april.group_by("sede").len().sort("sede").rows() == [
        ("Ancona", 10), ("Fabriano", len(months.rows[months.files[MONTHS[3]][2]])),
        ("Jesi", len(months.rows[months.files[MONTHS[3]][1]]))]


def test_l_archivio_conserva_le_righe_senza_errori_e_le_conta(tmp_path, months):
    from benchmarks.generator import write_csv

    rows = [list(r) for r in months.rows[months.files[MONTHS[0]][0]][:20]]
    rows[3][6] = "Z.99"  # unknown code: an errore, not archived
    path = tmp_path / "gennaio.csv"
    write_csv(path, rows)
    result = api.archive_add([path], tmp_path / "a", month=MONTHS[0], today=TODAY)
    assert result.balance_line == "20 righe lette = 19 archiviate + 1 scartata"
    table = Archive.open(tmp_path / "a", need_key=False).table()
    assert table.height == 19 and 5 not in table["riga"].to_list()
    assert set(table.columns) >= {"tipo_utente", "sede", "operatore", "data", "codice_servizio", "lep", "programma",
                                  "modalita", "durata_minuti", "durata_standard", "file", "foglio", "riga",
                                  "sha256", "catalogo", "importato"}
    assert table["file"].unique().to_list() == ["gennaio.csv"]
    import hashlib

    assert table["sha256"].unique().to_list() == [hashlib.sha256(path.read_bytes()).hexdigest()]


def test_l_archivio_e_interrogato_solo_per_le_persone_di_cui_puo_cambiare_l_esito(
        months, five_months_archive, monkeypatch):
    asked = []
    original = Archive.pseudonyms

    def recording(self, codes):
        asked.append(set(codes.to_list()))
        return original(self, codes)

    monkeypatch.setattr(Archive, "pseudonyms", recording)
    alone = api.check(months.files[JUNE], month=JUNE, today=TODAY)
    table = alone.table()
    flagged = {(p.file, p.row) for p in alone.report.problems}
    persons = set(table.filter(pl.struct(file="file", riga="riga").is_in(
        pl.Series([{"file": f, "riga": r} for f, r in flagged]).implode()))["codice_fiscale"].to_list())
    # An archived row can also make a service repeated (an earlier D.1) or share its day with another.
    cat = load_catalogue()
    watched = [s.code for s in cat.registrable if s.repetition or s.not_same_day]
    persons |= set(table.filter(pl.col("codice_servizio").is_in(watched))["codice_fiscale"].to_list())
    report = api.validate(months.files[JUNE], archive=five_months_archive, month=JUNE, today=TODAY)
    assert report.problems == []
    (looked_up,) = asked
    assert looked_up == persons  # exactly the persons whose verdict the archive can change
    assert len(looked_up) < table["codice_fiscale"].n_unique()


def test_un_archivio_senza_indice_dello_storico_si_legge_dalle_partizioni_e_l_importazione_lo_crea(
        months, archive_copy):
    meta_path = archive_copy / "archivio.json"
    meta = json.loads(meta_path.read_text())
    for history in archive_copy.glob("storico-*.parquet"):
        history.unlink()
    del meta["storico"]  # as written before the index existed
    meta_path.write_text(json.dumps(meta))
    with_index = api.validate(months.files[JUNE], archive=archive_copy, month=JUNE, today=TODAY)
    assert with_index.problems == []
    api.archive_add(months.files[JUNE], archive_copy, month=JUNE, today=TODAY)
    (history,) = archive_copy.glob("storico-*.parquet")
    archive = Archive.open(archive_copy)
    assert pl.read_parquet(history).height == sum(p.rows for p in archive.partitions)
    assert archive.verify().history_rebuilt is False


def test_rimuovere_dei_mesi_li_toglie_anche_dall_indice_dello_storico(months, archive_copy):
    archive = Archive.open(archive_copy)
    removed = archive.remove(before=MONTHS[2])
    assert removed and all(p.month < MONTHS[2] for p in removed)
    (history,) = archive_copy.glob("storico-*.parquet")
    meta = json.loads((archive_copy / "archivio.json").read_text())
    listed = meta["storico"]["partizioni"]
    assert set(listed) == {p["file"] for p in meta["partizioni"]} and not {p.file for p in removed} & set(listed)
    rows = pl.read_parquet(history)
    assert rows.height == sum(p["righe"] for p in meta["partizioni"])
    assert rows["data"].min() >= pl.Series([MONTHS[2] + "-01"]).str.to_date()[0]  # nothing older is kept
    assert Archive.open(archive_copy).verify().history_rebuilt is False
