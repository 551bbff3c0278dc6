"""Any broken file: bounded memory and time, a reader's failure (a panic included) is
file.illeggibile for that file only, and a seeded mutation fuzz of .xlsx, .ods and CSV."""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from registro.cli import main
from tests.support.registri import CF, register_sheet, riga, write_csv, write_ods, write_xlsx

ROOT = Path(__file__).parents[2]
MEMORY_LIMIT = 500 * 1024**2

# The peak resident memory of a child: VmHWM restarts at exec, while ru_maxrss keeps the peak of
# the (large) pytest process it was forked from.
_PEAK = r"""
import json, resource, sys, time
def peak():  # this process's peak RSS: VmHWM restarts at exec, ru_maxrss keeps a forking parent's
    try:
        with open("/proc/self/status") as fh:
            return next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
"""
# Run the command line in a child with its own limits: CPU seconds and address space (the
# readers' own threads reserve address space, so the limit is generous), then report its peak
# resident memory and how long reading the file took.
_CHILD = _PEAK + r"""
resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
resource.setrlimit(resource.RLIMIT_AS, (6 * 1024**3, 6 * 1024**3))
from click.testing import CliRunner
from registro.cli import main
from registro.validators.errors import FileProblem
from registro.validators.read.register import read_register
start = time.perf_counter()
try:
    read_register(sys.argv[1])  # the reading alone, timed (the interpreter's imports are not the file's)
except FileProblem:
    pass
took = time.perf_counter() - start
result = CliRunner().invoke(main, ["valida", *sys.argv[1:], "--oggi", "2026-11-01"])
crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
print(json.dumps({"code": result.exit_code, "output": result.output, "crashed": crashed, "seconds": took,
                  "rss": peak()}))
"""


def _child(*paths) -> dict:
    proc = subprocess.run([sys.executable, "-c", _CHILD, *map(str, paths)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, env={**os.environ, "RUST_BACKTRACE": "0"})
    assert proc.returncode == 0, f"il processo è terminato con {proc.returncode}: {proc.stderr[-2000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_un_valore_in_xfd1048576_e_letto_in_meno_di_5_secondi_e_500_mb(tmp_path):
    wb, ws = register_sheet([riga(), riga(cf=CF["laura"])])
    ws.cell(1_048_576, 16_384, "cella dimenticata")
    wb.save(tmp_path / "r.xlsx")
    run = _child(tmp_path / "r.xlsx")
    assert run["code"] == 0 and not run["crashed"], run["output"]
    assert "Controllate 2 righe" in run["output"]
    assert "(la più lontana: XFD1048576)" in " ".join(run["output"].split())
    assert run["rss"] < MEMORY_LIMIT and run["seconds"] < 5, run


def test_celle_sparse_lontane_in_un_foglio_senza_dimensione_sono_ignorate(tmp_path):
    buf = io.BytesIO()
    wb, ws = register_sheet([riga()])
    ws.cell(5, 9000, "x")
    ws.cell(900_000, 2, "y")
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(tmp_path / "r.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                import re

                data = re.sub(rb"<dimension[^>]*/>", b"", data)
            z.writestr(item, data)
    result = CliRunner().invoke(main, ["valida", str(tmp_path / "r.xlsx"), "--oggi", "2026-11-01"])
    assert result.exit_code == 0, result.output
    assert "ignorate 2 celle" in " ".join(result.output.split())


def test_un_panico_del_lettore_e_file_illeggibile_e_gli_altri_file_sono_controllati(tmp_path, monkeypatch):
    import fastexcel

    class PanicException(BaseException):  # what pyo3 raises for a Rust panic: not an Exception
        pass

    real = fastexcel.read_excel

    def reader(source, *a, **k):
        if "rotto" in str(source):
            raise PanicException("called `Option::unwrap()` on a `None` value")
        return real(source, *a, **k)

    monkeypatch.setattr(fastexcel, "read_excel", reader)
    (tmp_path / "Jesi").mkdir()
    write_xlsx(tmp_path / "Jesi" / "rotto.xlsx", [riga()])
    write_xlsx(tmp_path / "buono.xlsx", [riga(codice="ZZ.9")])
    result = CliRunner().invoke(main, ["valida", str(tmp_path), "--oggi", "2026-11-01"])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    flat = " ".join(result.output.split())
    assert "file.illeggibile: File 'Jesi/rotto.xlsx': il file non si può leggere: formato non riconosciuto o " \
           "file danneggiato (errore interno del lettore)" in flat
    assert "'ZZ.9' non esiste nel catalogo" in flat  # the other file was checked


# ---------------------------------------------------------------------------------------------
# Seeded mutation fuzz: bytes and XML of .xlsx/.ods, bytes and encodings of CSV.

def _seeds(folder: Path) -> dict[str, bytes]:
    rows = [riga(note="attività già svolta"), riga(cf=CF["laura"], codice="B.1"), riga(cf=CF["sara"], durata="0:30")]
    return {
        "xlsx": write_xlsx(folder / "s.xlsx", rows).read_bytes(),
        "ods": write_ods(folder / "s.ods", rows).read_bytes(),
        "csv": write_csv(folder / "s.csv", rows, encoding="utf-8").read_bytes(),
    }


def _mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        kind = rng.randrange(4)
        at = rng.randrange(len(out))
        if kind == 0:
            out[at] = rng.randrange(256)
        elif kind == 1:
            del out[at:at + rng.randint(1, 64)]
        elif kind == 2:
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        else:
            out = out[:at]
    return bytes(out) or b"\x00"


_XML_TOKENS = (b'r="XFD1048576"', b'r="A1"', b'ref="A1:XFD1048576"', b"<row>", b"</row>", b"<c>", b'<c r="B2">',
               b"<v>1e308</v>", b'table:number-rows-repeated="1048575"', b'table:number-columns-repeated="16384"',
               b"&#0;", b"\xff\xfe", b"<![CDATA[x]]>", b"<!-- x -->", b"\x00", b'"', b"<", b">", b"")


def _mutate_xml(rng: random.Random, package: bytes) -> bytes:
    """A zip whose XML parts get tokens inserted, replaced or cut (the zip stays valid)."""
    src = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.endswith(".xml") and rng.random() < 0.6:
                for _ in range(rng.randint(1, 4)):
                    at = rng.randrange(len(data) + 1)
                    cut = rng.choice((0, 0, 1, 8, 40))
                    data = data[:at] + rng.choice(_XML_TOKENS) + data[at + cut:]
            z.writestr(item, data)
    return out.getvalue()


def _mutate_csv(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8")
    choice = rng.randrange(4)
    if choice == 0:
        return text.encode(rng.choice(("cp1252", "utf-16", "utf-8-sig", "latin-1")), errors="replace")
    if choice == 1:
        return text.encode("cp850", errors="replace")
    return _mutate_bytes(rng, data)


def _cases(seed: int, count: int, folder: Path) -> list[Path]:
    rng = random.Random(seed)
    seeds = _seeds(folder)
    out = []
    for i in range(count):
        kind = rng.choice(("xlsx", "ods", "csv"))
        if kind == "csv":
            data = _mutate_csv(rng, seeds["csv"])
        elif rng.random() < 0.5:
            data = _mutate_xml(rng, seeds[kind])
        else:
            data = _mutate_bytes(rng, seeds[kind])
        path = folder / f"caso{i:04d}.{kind}"
        path.write_bytes(data)
        out.append(path)
    return out


_FUZZ_CHILD = _PEAK + r"""
resource.setrlimit(resource.RLIMIT_CPU, (120, 120))
from registro.validators.api import check
from registro.validators.options import CheckOptions
import datetime as dt
codes = {}
for path in sys.argv[1:]:
    start = time.perf_counter()
    report = check([path], CheckOptions(today=dt.date(2026, 11, 1))).report
    codes[path] = [report.exit_code, time.perf_counter() - start]
print(json.dumps({"codes": codes, "rss": peak()}))
"""


def _fuzz(tmp_path: Path, seed: int, count: int, per_child: int = 25) -> None:
    cases = _cases(seed, count, tmp_path)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in cases}
    for start in range(0, len(cases), per_child):
        batch = cases[start:start + per_child]
        proc = subprocess.run([sys.executable, "-c", _FUZZ_CHILD, *map(str, batch)], capture_output=True, text=True,
                              timeout=600, cwd=ROOT, env={**os.environ, "RUST_BACKTRACE": "0"})
        assert proc.returncode == 0 and "Traceback" not in proc.stdout, \
            f"{[p.name for p in batch]}: uscita {proc.returncode}\n{proc.stderr[-3000:]}"
        run = json.loads(proc.stdout.strip().splitlines()[-1])
        assert run["rss"] < MEMORY_LIMIT, run["rss"]
        for path, (code, seconds) in run["codes"].items():
            assert code in (0, 1, 2), (path, code)
            assert seconds < 30, (path, seconds)
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in cases} == before, "un file d'ingresso è cambiato"


def test_fuzz_breve_di_file_mutati(tmp_path):
    _fuzz(tmp_path, seed=2026, count=12)


@pytest.mark.lento
def test_fuzz_di_file_mutati(tmp_path):
    _fuzz(tmp_path, seed=22, count=300)


def test_un_ods_con_una_cella_nell_ultima_riga_e_colonna_e_rifiutato_con_cosa_fare(tmp_path):
    path = write_ods(tmp_path / "r.ods", [riga()])
    src = zipfile.ZipFile(path)
    parts = {n: src.read(n) for n in src.namelist()}
    src.close()
    far = (b'<table:table-row table:number-rows-repeated="1048573"><table:table-cell/></table:table-row>'
           b'<table:table-row><table:table-cell table:number-columns-repeated="16383"/><table:table-cell '
           b'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table>')
    parts["content.xml"] = parts["content.xml"].replace(b"</table:table>", far)
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    run = _child(path)
    assert run["code"] == 2 and not run["crashed"], run["output"]
    assert "cancellare le celle sparse in fondo o a destra del foglio" in " ".join(run["output"].split())
    assert run["rss"] < MEMORY_LIMIT
