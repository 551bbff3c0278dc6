"""The add-in reads merged cells and total rows of an open workbook as `registro valida` reads the saved file."""

from __future__ import annotations

import datetime as dt

from benchmarks.generator import generate
from registro import CheckOptions, check_values
from registro.validators.read.register import COLUMNS
from registro.xl_addin.actions import valida
from registro.xl_addin.workbook import sheet_formulas, sheet_merged
from tests.support import office_shapes as shapes
from tests.support.api import validate
from tests.support.books import actions, make_book
from tests.support.office_shapes import Formula

TODAY = dt.date(2026, 11, 1)
DATA, SEDE, DURATA = (COLUMNS.index(c) for c in ("Data", "Sede", "Durata (min)"))


def _rows(n: int = 60) -> list[list]:
    rows = generate(n, "2026-10", seed=8, error_rate=0.2, today=TODAY).rows
    return sorted(rows, key=lambda r: (str(r[SEDE]), str(r[DATA])))


def _verdicts(report) -> list[tuple]:
    return sorted((p.row, p.rule, p.column, p.severity) for p in report.problems)


class _Cell:
    def __init__(self, row: int, column: int):
        self.row, self.column = row, column


class _ClassicRange:
    """A range of a classic (COM) xlwings sheet, for what the add-in reads: merge_cells, merge_area, formula."""

    def __init__(self, sheet: "_ClassicSheet", first: tuple[int, int], last: tuple[int, int] | None = None):
        self.sheet, (self.row, self.column) = sheet, first
        self.last_cell = _Cell(*(last or first))

    def _cells(self):
        return [(r, c) for r in range(self.row, self.last_cell.row + 1) for c in range(self.column, self.last_cell.column + 1)]

    def _area(self, r, c):
        return next(((r1, c1, r2, c2) for r1, c1, r2, c2 in self.sheet.merges if r1 <= r <= r2 and c1 <= c <= c2), None)

    @property
    def merge_cells(self):
        self.sheet.calls += 1
        inside = [self._area(r, c) is not None for r, c in self._cells()]
        return True if all(inside) else None if any(inside) else False  # Excel: Null when mixed

    @property
    def merge_area(self):
        r1, c1, r2, c2 = self._area(self.row, self.column)
        return _ClassicRange(self.sheet, (r1, c1), (r2, c2))

    @property
    def formula(self):
        return tuple(tuple(self.sheet.formulas.get((r, c), "") for c in range(self.column, self.last_cell.column + 1))
                     for r in range(self.row, self.last_cell.row + 1))


class _ClassicSheet:
    def __init__(self, merges, formulas):
        self.merges = [(r1, c, r2, c) for r1, c, r2 in merges]  # 1-based, as Excel counts
        self.formulas, self.calls = formulas, 0

    def range(self, first, last=None):
        return _ClassicRange(self, first, last)


def _shaped(rows):
    merges = shapes.merged_runs(rows, DATA, 2) + shapes.merged_runs(rows, SEDE, 2)
    total = ["Totale", *[None] * (len(COLUMNS) - 1)]
    total[DURATA] = Formula(f"=SUM(H2:H{len(rows) + 1})", 1234)
    return merges, shapes.blank_merged(rows, merges, 2) + [total]


def test_il_componente_legge_celle_unite_e_formule_di_somma_come_la_riga_di_comando(tmp_path):
    rows = _rows()
    merges, shaped = _shaped(rows)
    path = shapes.write_xlsx(tmp_path / "r.xlsx", list(COLUMNS), shaped, merges)
    values = [list(COLUMNS)] + [[c.cached if isinstance(c, Formula) else c for c in r] for r in shaped]
    formulas = {(len(values), DURATA + 1): f"=SUM(H2:H{len(rows) + 1})"}
    sheet = _ClassicSheet(merges, formulas)
    merged = sheet_merged(sheet, len(values), len(COLUMNS))
    assert merged == sorted((r1 - 1, c - 1, r2 - 1, c - 1) for r1, c, r2 in merges)
    assert sheet.calls < 40 * len(merges)  # a few calls per merged range, not one per cell
    checked = check_values(values, name="r.xlsx", sheet="Registro", options=CheckOptions(today=TODAY),
                           merged=merged, formulas=sheet_formulas(sheet, len(values), len(COLUMNS)))
    cli = validate(path, today=TODAY)
    assert _verdicts(checked.report) == _verdicts(cli)
    assert checked.report.total_rows == cli.total_rows == 1
    assert [n for _, n in checked.report.notes] == [n for _, n in cli.notes]


def test_sui_client_remoti_senza_celle_unite_ne_formule_i_valori_restano_come_sono():
    book = make_book({"Registro": [list(COLUMNS), ["Totale"]]})
    sheet = book.sheets[0]
    assert sheet_merged(sheet, 2, len(COLUMNS)) == []
    assert sheet_formulas(sheet, 2, len(COLUMNS)) is None


def test_valida_su_un_libro_aperto_da_alla_riga_di_totale_un_esito_neutro(monkeypatch, tmp_path):
    monkeypatch.setattr("registro.xl_addin.actions.check_values",
                        lambda values, **kw: check_values(values, options=CheckOptions(today=TODAY), **kw))
    rows = _rows(20)
    total = ["Totale", *[None] * (len(COLUMNS) - 1)]
    total[DURATA] = 1234  # the value of the SUM, as the client sends it
    book = make_book({"Registro": [list(COLUMNS)] + rows + [total]})
    counts = valida(book, alert=False)
    cli = validate(shapes.write_xlsx(tmp_path / "r.xlsx", list(COLUMNS), rows + [total]), today=TODAY)
    assert (counts["errori"], counts["avvisi"], cli.total_rows) == (cli.errors, cli.warnings, 1)
    esito = [a for a in actions(book) if a["func"] == "setValues"][0]["values"]
    assert counts["righe"] == len(rows)
    # every service has its Esito, the total row a neutral one
    assert esito[-1] == ["Riga di totale: esclusa"] and all(e[0] for e in esito[1:-1])
