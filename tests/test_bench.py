"""The benchmark's own pieces: per-process measures and the frictionless schema it compares with."""

import json
import subprocess
import sys

import pytest

from benchmarks import bench
from registro.validators.read.register import COLUMNS


def test_la_misura_riporta_tempo_e_memoria_del_solo_processo_figlio():
    # Measured from a fresh interpreter, as benchmarks/run.sh runs bench.py: on Linux a child's peak
    # RSS starts from its parent's at the fork, and the test session's own peak passes 300 MB by the
    # time this test runs in the whole suite.
    script = ("import sys, json; from benchmarks import bench\n"
              "small = bench.measure([sys.executable, '-c', \"print('ok')\"])\n"
              "big = bench.measure([sys.executable, '-c', \"x = bytearray(300 * 1024 * 1024); "
              "x[::4096] = b'1' * len(x[::4096]); print(len(x))\"])\n"
              "print(json.dumps([small.rc, small.out, small.wall, small.rss_mb, big.rss_mb]))")
    out = subprocess.run([sys.executable, "-c", script], cwd=bench.ROOT, capture_output=True, text=True, check=True)
    rc, text, wall, small_mb, big_mb = json.loads(out.stdout)
    assert rc == 0 and text.strip() == "ok" and wall > 0
    assert big_mb > 300 > small_mb


def test_la_misura_segnala_un_comando_fallito():
    with pytest.raises(RuntimeError, match="exit 2"):
        bench.measure([sys.executable, "-c", "import sys; sys.exit(2)"])


def test_lo_schema_frictionless_ha_le_colonne_del_registro_e_i_codici_del_catalogo():
    schema = bench.frictionless_schema()
    assert [f["name"] for f in schema["fields"]] == list(COLUMNS)
    code = next(f for f in schema["fields"] if f["name"] == "Codice servizio")
    alternatives = code["constraints"]["pattern"].split(")")[0].lstrip("(").split("|")
    assert r"F1\.15" in alternatives and "F" not in alternatives and "N" not in alternatives


def test_il_riepilogo_di_registro_valida_e_letto_dal_benchmark(tmp_path):
    # the benchmark reads errori and avvisi from the terminal summary: a change of its words must show here
    from click.testing import CliRunner

    from registro.cli import main
    from tests.support.registri import riga, write_xlsx

    path = write_xlsx(tmp_path / "r.xlsx", [riga(), riga(codice="ZZ"), riga(durata=99999)])
    out = CliRunner().invoke(main, ["valida", str(path)]).output
    rows, errors, warnings = bench.SUMMARY.search(" ".join(out.split())).groups()
    assert int(rows) == 3 and int(errors) >= 1 and int(errors) + int(warnings) >= 2
