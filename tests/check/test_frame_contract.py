"""The declared frame contract (validators/check/frame.py) holds: the engine builds exactly the declared
columns with the declared types, and no module outside validators/check/ names an internal column."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from benchmarks.generator import generate, write_csv, write_xlsx
from tests.support.api import check, check_values
from registro.validators.check import frame
from registro.validators.read.register import COLUMNS

ROOT = Path(__file__).resolve().parents[2]
MONTH, TODAY = "2026-10", dt.date(2026, 11, 1)
DECLARED = {**{name: pl.String() for name in COLUMNS}, **{c.name: c.dtype for c in frame.INTERNAL}}


@pytest.fixture(scope="module")
def month_with_history(tmp_path_factory):
    """A realistic October register with 5% mistakes (every row rule fires) and September as history."""
    folder = tmp_path_factory.mktemp("contratto")
    register = generate(2000, MONTH, seed=5, error_rate=0.05, today=TODAY, history_months=1)
    write_xlsx(folder / "ottobre.xlsx", register.rows)
    write_csv(folder / "settembre.csv", register.history)
    return folder / "ottobre.xlsx", folder / "settembre.csv"


def _schema(checked) -> dict[str, pl.DataType]:
    return dict(checked.frame.schema)


def test_il_frame_del_motore_ha_esattamente_le_colonne_dichiarate_con_i_loro_tipi(month_with_history):
    current, history = month_with_history
    checked = check([current], history=[history], month=MONTH, today=TODAY)
    assert checked.report.errors and checked.report.warnings  # the mistakes reached every stage
    assert _schema(checked) == DECLARED


def test_un_registro_senza_problemi_ha_lo_stesso_frame(tmp_path):
    clean = tmp_path / "pulito.xlsx"
    write_xlsx(clean, generate(300, MONTH, seed=3, today=TODAY).rows)
    checked = check([clean], month=MONTH, today=TODAY)
    assert checked.report.problems == []
    assert _schema(checked) == DECLARED


def test_le_celle_di_un_foglio_aperto_danno_lo_stesso_frame():
    rows = generate(200, MONTH, seed=4, error_rate=0.1, today=TODAY).rows
    checked = check_values([list(COLUMNS), *rows], name="registro.xlsx", today=TODAY)
    assert _schema(checked) == DECLARED


def test_la_tabella_pubblica_ha_le_colonne_di_frame_table(month_with_history):
    current, _ = month_with_history
    checked = check([current], month=MONTH, today=TODAY)
    assert checked.table().columns == list(frame.TABLE)
    assert not [c for c in checked.table().columns if c.startswith("_")]


def _outer_modules() -> list[Path]:
    check_dir = ROOT / "validators" / "check"
    files = [p for p in (ROOT / "validators").rglob("*.py") if check_dir not in p.parents]
    return [*files, *(ROOT / "xl_addin").rglob("*.py"), *(ROOT / "commands").rglob("*.py"), ROOT / "cli.py",
            ROOT / "__init__.py"]


def test_nessun_modulo_fuori_da_check_nomina_una_colonna_interna():
    internal = {c.name for c in frame.INTERNAL}
    found = []
    for path in _outer_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Constant) and node.value in internal:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
    assert len(_outer_modules()) > 20  # the scan reads the real tree
    assert found == []
