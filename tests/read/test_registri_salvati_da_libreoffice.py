"""Merged cells and total rows in registers saved by LibreOffice itself (.xlsx and .ods), with the
values it caches for the formulas: read as the plain file."""

from __future__ import annotations

import datetime as dt

import pytest

from benchmarks.generator import generate
from registro.validators.read.register import COLUMNS
from tests.support import office_shapes as shapes
from tests.support.api import validate
from tests.support.office_shapes import Formula

TODAY = dt.date(2026, 11, 1)
DATA, SEDE, CODICE, DURATA = (COLUMNS.index(c) for c in ("Data", "Sede", "Codice servizio", "Durata (min)"))


def _verdicts(report) -> list[tuple]:
    return sorted((p.row, p.rule, p.column, p.severity) for p in report.problems)


@pytest.fixture(scope="module")
def saved(libreoffice, tmp_path_factory):
    """(plain report, {kind: report of the shaped register saved by LibreOffice as kind}, rows)."""
    tmp = tmp_path_factory.mktemp("salvati")
    rows = sorted(generate(80, "2026-10", seed=11, error_rate=0.2, today=TODAY).rows,
                  key=lambda r: (str(r[SEDE]), str(r[DATA]), str(r[CODICE])))
    plain = validate(shapes.write_xlsx(tmp / "semplice.xlsx", list(COLUMNS), rows), today=TODAY)
    merges = shapes.merged_runs(rows, DATA, 2) + shapes.merged_runs(rows, SEDE, 2)
    last = len(rows) + 1
    label = ["Totale", *[None] * (len(COLUMNS) - 1)]
    label[DURATA] = Formula(f"=SUM(H2:H{last})")
    label[CODICE] = Formula(f"=SUBTOTAL(3,G2:G{last})")
    bare = [None] * len(COLUMNS)
    bare[DURATA] = Formula(f"=SUM(H2:H{last})")
    source = shapes.write_xlsx(tmp / "uffici.xlsx", list(COLUMNS), shapes.blank_merged(rows, merges, 2) + [label, bare],
                               merges)
    targets = {kind: tmp / f"salvato.{kind}" for kind in ("xlsx", "ods")}
    libreoffice.run(source, [{"op": "calculate_all"}]
                    + [{"op": "save_as", "path": str(path)} for path in targets.values()])
    return plain, {kind: validate(path, today=TODAY) for kind, path in targets.items()}, rows


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_celle_unite_e_righe_di_totale_salvate_da_libreoffice_danno_i_verdetti_del_file_semplice(saved, kind):
    plain, reports, rows = saved
    report = reports[kind]
    assert _verdicts(report) == _verdicts(plain)
    assert report.total_rows == 2 and report.total_rows_at == {next(iter(report.total_rows_at)): (len(rows) + 2,
                                                                                                    len(rows) + 3)}
    assert any("celle unite nelle colonne Data, Sede;" in note for _, note in report.notes)
