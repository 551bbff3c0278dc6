"""The performance benchmark of registro (issue 7): prints a table and writes it to benchmarks/out/.

For each size it generates a realistic year of the region (benchmarks.generator, cached in
benchmarks/out/), then runs every step as its own process and measures wall time and that
process's peak RSS (os.wait4):

    read       polars.read_excel(engine="calamine") of the same .xlsx (time of the call only)
    valida     registro valida FILE.xlsx
    totali     registro totali FILE.xlsx      (n/d while the command does not exist)
    esporta    registro esporta FILE.xlsx     (n/d while the command does not exist)
    csv        registro valida FILE.csv  vs  frictionless validate with equivalent column
               constraints (in its own throwaway venv, benchmarks/.venv-frictionless)

Run it with `bash benchmarks/run.sh` (see README, "Prestazioni").
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.generator import generate, write_csv, write_xlsx

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
FRICTIONLESS_VENV = ROOT / "benchmarks" / ".venv-frictionless"
YEAR, TODAY = "2025", "2026-01-01"
OFFICE_MONTH = ("Ancona", "2025-10", 5000)
BIN = Path(sys.executable).parent
REGISTRO = str(BIN / "registro")
# Command lines of the steps; {file}, {oggi} and {uscita} are filled in.
COMMANDS = {
    "valida": [REGISTRO, "valida", "{file}", "--oggi", "{oggi}"],
    "totali": [REGISTRO, "totali", "{file}", "--oggi", "{oggi}"],
    "esporta": [REGISTRO, "esporta", "{file}", "--oggi", "{oggi}", "--uscita", "{uscita}"],
}
READ_SCRIPT = (
    "import sys, time, polars as pl; t = time.perf_counter(); "
    "df = pl.read_excel(sys.argv[1], engine='calamine'); print(time.perf_counter() - t, df.height)"
)


@dataclass
class Run:
    """One process: wall seconds, peak RSS in MB, exit code and standard output."""

    wall: float
    rss_mb: float
    rc: int
    out: str


def measure(cmd: list[str], cwd: Path = ROOT) -> Run:
    """Run a command and measure it alone (its own peak RSS, not the benchmark's)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read().decode(errors="replace")
        if proc.returncode not in (0, 1):
            tail = err.read().decode(errors="replace")[-800:]
            raise RuntimeError(f"{' '.join(cmd)} -> exit {proc.returncode}\n{tail}")
    return Run(wall, usage.ru_maxrss / 1024, proc.returncode, text)


def best(cmd: list[str], repeat: int) -> Run:
    """The fastest of `repeat` runs (peak RSS of that run)."""
    return min((measure(cmd) for _ in range(repeat)), key=lambda r: r.wall)


def command_exists(name: str) -> bool:
    """Whether `registro NAME --help` works (totali and esporta come from another branch)."""
    return subprocess.run([REGISTRO, name, "--help"], capture_output=True).returncode == 0


def fill(cmd: list[str], **values) -> list[str]:
    """A command line with its placeholders filled."""
    return [part.format(**values) for part in cmd]


def registers(rows: int, fresh: bool) -> tuple[Path, Path]:
    """The generated .xlsx and .csv of a year of the region with `rows` rows (cached)."""
    xlsx, csv = OUT / f"registro_{rows}.xlsx", OUT / f"registro_{rows}.csv"
    if fresh or not (xlsx.exists() and csv.exists()):
        print(f"  genero {rows} righe...", flush=True)
        register = generate(rows, YEAR, seed=rows, today=dt.date.fromisoformat(TODAY))
        write_xlsx(xlsx, register.rows)
        write_csv(csv, register.rows)
    return xlsx, csv


def frictionless_python() -> Path | None:
    """The throwaway venv's python with frictionless, if it was set up."""
    python = FRICTIONLESS_VENV / "bin" / "python"
    if python.exists() and subprocess.run([python, "-c", "import frictionless"], capture_output=True).returncode == 0:
        return python
    return None


def setup_frictionless() -> None:
    """Create benchmarks/.venv-frictionless with frictionless (not a dependency of registro)."""
    subprocess.run([sys.executable, "-m", "venv", FRICTIONLESS_VENV], check=True)
    subprocess.run([FRICTIONLESS_VENV / "bin" / "pip", "install", "-q", "frictionless"], check=True)


def frictionless_schema() -> dict:
    """A Table Schema with the column constraints frictionless can express (codes from the catalogue)."""
    from validators.catalogue import load_catalogue

    cat = load_catalogue()
    codes = "|".join(s.code.replace(".", r"\.") for s in cat.registrable)
    text = {"type": "string", "constraints": {"required": True}}
    return {
        "fields": [
            {"name": "Data", "type": "date", "format": "%d/%m/%Y", "constraints": {"required": True}},
            {"name": "Sede", **text},
            {"name": "Operatore", **text},
            {"name": "Tipo utente", "type": "string", "constraints": {"required": True, "enum": ["Persona", "Azienda"]}},
            {"name": "Codice fiscale", "type": "string", "constraints": {"required": True, "pattern": (
                "[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]|[0-9]{11}")}},
            {"name": "Programma", "type": "string", "constraints": {"enum": [p.code for p in cat.programmes]}},
            {"name": "Codice servizio", "type": "string", "constraints": {"required": True, "pattern": f"({codes})( - .*)?"}},
            {"name": "Durata (min)", "type": "integer", "constraints": {"minimum": 1}},
            {"name": "Modalità", "type": "string", "constraints": {"required": True, "enum": [m.code for m in cat.modalities]}},
            {"name": "Note", "type": "string"},
        ]
    }


def frictionless_run(python: Path, csv: Path) -> Run:
    """frictionless validate on the CSV with the schema above (';' separated, UTF-8)."""
    schema = OUT / "frictionless_schema.json"
    schema.write_text(json.dumps(frictionless_schema(), ensure_ascii=False, indent=1), encoding="utf-8")
    resource = OUT / f"{csv.stem}.resource.json"
    resource.write_text(json.dumps({
        "name": "registro", "path": csv.name, "format": "csv", "encoding": "utf-8",
        "dialect": {"csv": {"delimiter": ";"}}, "schema": schema.name,
    }), encoding="utf-8")
    return measure([str(python.parent / "frictionless"), "validate", resource.name, "--trusted", "--limit-errors", "1000"],
                   cwd=OUT)


def machine() -> dict:
    """The machine the figures were measured on."""
    import fastexcel
    import polars

    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    mem = next(int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal"))
    return {"cpu": cpu, "nproc": os.cpu_count(), "ram_gb": round(mem / 1024 / 1024), "python": platform.python_version(),
            "polars": polars.__version__, "fastexcel": fastexcel.__version__, "data": dt.date.today().isoformat()}


def secs(run: Run | None) -> str:
    return "n/d" if run is None else f"{run.wall:.2f}"


def main(argv=None) -> None:
    """Command line: python -m benchmarks.bench [--righe 10000,100000,1000000]."""
    parser = argparse.ArgumentParser(description="Benchmark di registro: lettura, validazione, totali, export.")
    parser.add_argument("--righe", default="10000,100000,1000000", help="dimensioni, separate da virgole")
    parser.add_argument("--ripetizioni", type=int, default=3, help="ripetizioni sotto le 500.000 righe (si tiene la migliore)")
    parser.add_argument("--rigenera", action="store_true", help="rigenera i registri anche se già presenti")
    parser.add_argument("--prepara-frictionless", action="store_true",
                        help="crea benchmarks/.venv-frictionless con frictionless per il confronto CSV")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    if args.prepara_frictionless and frictionless_python() is None:
        setup_frictionless()
    friction = frictionless_python()
    present = {name: command_exists(name) for name in ("totali", "esporta")}
    info = machine()
    lines = [f"Macchina: {info['cpu']}, {info['nproc']} core, {info['ram_gb']} GB di RAM; Python {info['python']}, "
             f"polars {info['polars']}, fastexcel {info['fastexcel']}; {info['data']}.", ""]
    lines += ["| righe | lettura s | valida s | totali s | esporta s | RSS max MB | valida / lettura | "
              "valida CSV s | frictionless s | frictionless / valida CSV |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    results = []
    for rows in (int(x) for x in args.righe.split(",")):
        xlsx, csv = registers(rows, args.rigenera)
        repeat = args.ripetizioni if rows < 500_000 else 1
        print(f"  misuro {rows} righe...", flush=True)
        read = best([sys.executable, "-c", READ_SCRIPT, str(xlsx)], repeat)
        read_s = float(read.out.split()[0])
        runs = {"valida": best(fill(COMMANDS["valida"], file=xlsx, oggi=TODAY), repeat)}
        with tempfile.TemporaryDirectory() as tmp:
            for name in ("totali", "esporta"):
                if present[name]:
                    runs[name] = best(fill(COMMANDS[name], file=xlsx, oggi=TODAY, uscita=Path(tmp) / f"{name}.xlsx"), repeat)
        csv_run = best(fill(COMMANDS["valida"], file=csv, oggi=TODAY), repeat)
        fr = frictionless_run(friction, csv) if friction else None
        rss = max(r.rss_mb for r in runs.values())
        ratio = runs["valida"].wall / read_s
        fr_ratio = f"{fr.wall / csv_run.wall:.1f}" if fr else "n/d"
        lines.append(f"| {rows:,} | {read_s:.2f} | {secs(runs['valida'])} | {secs(runs.get('totali'))} | "
                     f"{secs(runs.get('esporta'))} | {rss:.0f} | {ratio:.2f} | {csv_run.wall:.2f} | {secs(fr)} | {fr_ratio} |")
        results.append({"righe": rows, "lettura_s": read_s, "rss_lettura_mb": read.rss_mb,
                        **{f"{k}_s": r.wall for k, r in runs.items()}, **{f"{k}_rss_mb": r.rss_mb for k, r in runs.items()},
                        "valida_csv_s": csv_run.wall, "frictionless_s": fr.wall if fr else None})
        print(lines[-1], flush=True)
    lines += ["", *office_month(args.ripetizioni)]
    if friction is None:
        lines.append("frictionless non installato: colonna n/d (bash benchmarks/run.sh --prepara-frictionless).")
    missing = [n for n, ok in present.items() if not ok]
    if missing:
        lines.append(f"Comandi non ancora disponibili: {', '.join('registro ' + n for n in missing)} (n/d).")
    text = "\n".join(lines)
    print("\n" + text)
    (OUT / "risultati.md").write_text(text + "\n", encoding="utf-8")
    (OUT / "risultati.json").write_text(json.dumps({"macchina": info, "risultati": results}, indent=1), encoding="utf-8")


def office_month(repeat: int) -> list[str]:
    """An office's month (5,000 rows): the whole `registro valida` run, and `registro --help`."""
    office, month, rows = OFFICE_MONTH
    path = OUT / f"ufficio_{office}_{month}.xlsx"
    if not path.exists():
        write_xlsx(path, generate(rows, month, seed=5, offices=[office], today=dt.date.fromisoformat(TODAY)).rows)
    run = best([REGISTRO, "valida", str(path), "--mese", month, "--oggi", TODAY], max(repeat, 3))
    help_run = best([REGISTRO, "--help"], max(repeat, 3))
    return [f"Un mese di un ufficio ({rows:,} righe, {office}): registro valida {run.wall:.2f} s "
            f"(RSS max {run.rss_mb:.0f} MB); registro --help {help_run.wall:.2f} s."]


if __name__ == "__main__":
    main()
