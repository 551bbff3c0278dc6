"""Public test vectors of seven other projects (tests/vettori_pubblici.py) against our verdicts."""

import polars as pl
import pytest
from stdnum.it import codicefiscale, iva

from tests.support.vettori_pubblici import VECTORS
from registro.validators.check import fiscal

ALL = [(group, code) for group in VECTORS for code in group.codes]


def _verdicts(user_type: str, cells: list[str]) -> pl.DataFrame:
    """Our verdicts as for register cells: cleaned, then checked."""
    table = fiscal.cell_verdicts(pl.Series(cells, dtype=pl.String))
    return table.with_columns(fiscal.pick_verdicts(pl.Series([user_type] * len(cells)), table))


@pytest.mark.parametrize("group", VECTORS, ids=lambda g: f"{g.source.split('@')[0]}:{g.path}:{g.user_type}:{g.ours}")
def test_i_vettori_pubblici_hanno_il_nostro_esito(group):
    got = _verdicts(group.user_type, list(group.codes))
    assert dict(zip(group.codes, got["_cf_esito"])) == {code: group.ours for code in group.codes}
    # The vectorised path agrees with the reference, code by code.
    pairs = pl.DataFrame({"_tipo": [group.user_type] * len(group.codes), "_cf": got["_cf"]})
    assert fiscal.verdicts(pairs).rows() == fiscal.verdicts_one_by_one(pairs).rows()


def test_ogni_differenza_dal_verdetto_dell_altra_suite_ha_un_motivo():
    for group in VECTORS:
        accepted = group.ours != "non_valido"
        assert bool(group.why) == (accepted != group.theirs or group.ours == "provvisorio"), group


def test_i_vettori_coprono_le_sette_suite_e_le_nuove_regole():
    sources = {group.source.split("@")[0] for group in VECTORS}
    assert len(sources) == 7 and len(ALL) > 650
    details = {d for g in VECTORS for d in _verdicts(g.user_type, list(g.codes))["_cf_dettaglio"] if d}
    assert fiscal.BAD_DAY in details  # RSSMRA85T99A562U: day 99, valid for python-stdnum
    assert {c for _, c in ALL if c.replace(" ", "").startswith("IT") and len(c.replace(" ", "")) > 11}


def test_dove_siamo_piu_severi_di_python_stdnum():
    """Only our added rules turn a code that python-stdnum accepts into non_valido."""
    stricter = set()
    for group, code in ALL:
        clean = fiscal.clean(code)
        lax_ok = codicefiscale.is_valid(clean) if len(clean) == 16 else iva.is_valid(code)
        if group.user_type == "azienda" and lax_ok and group.ours == "non_valido":
            stricter.add(code)
        if group.user_type == "persona" and len(clean) == 16 and lax_ok and group.ours == "non_valido":
            stricter.add(code)
    assert stricter == {"RSSMRA85T99A562U"}
