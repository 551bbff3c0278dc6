"""The performance benchmark of registro (issue 7): prints tables and writes them to benchmarks/out/.

For each size it generates a realistic year of the region (benchmarks.generator, cached in
benchmarks/out/), then runs every step as its own process and measures its wall time and its
own peak RSS (os.wait4):

    lettura    polars.read_excel(engine="calamine") of the same .xlsx (time of the call only)
    valida     registro valida FILE.xlsx
    totali     registro totali FILE.xlsx      (n/d while the command does not exist)
    esporta    registro esporta FILE.xlsx     (n/d while the command does not exist)
    CSV        registro valida FILE.csv  vs  frictionless validate with equivalent column
               constraints (in its own throwaway venv, benchmarks/.venv-frictionless)

then the largest size again with 1% and 30% of rows carrying a mistake, the annotated copy
(`valida --annota`, on registers with 1% of rows carrying a mistake) against `valida` on the same
file, the archive (importing the largest size with `registro archivio aggiungi` against
validating it; a month validated alone and against an archive of the months before it,
`--archivio 83000x60` = five years of about 5,000,000 rows; `registro archivio stato` on that
archive), an office's month (5,000 rows) and `registro --help`. Run it with
`bash benchmarks/run.sh` (docs/sviluppo/performance.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
FRICTIONLESS_VENV = ROOT / "benchmarks" / ".venv-frictionless"
YEAR, TODAY = "2025", "2026-01-01"
OFFICE, OFFICE_MONTH, OFFICE_ROWS = "Ancona", "2025-10", 5000
PYTHON = sys.executable
REGISTRO = str(Path(PYTHON).parent / "registro")
# Command lines of the steps; {file}, {oggi} and {uscita} are filled in.
COMMANDS = {
    "valida": [REGISTRO, "valida", "{file}", "--oggi", "{oggi}"],
    "totali": [REGISTRO, "totali", "{file}", "--oggi", "{oggi}"],
    "esporta": [REGISTRO, "esporta", "{file}", "--oggi", "{oggi}", "--uscita", "{uscita}"],
    # the whole month in one pass, writing the report JSON, the totals CSV, the JA CSV and the rejects
    "mese": [REGISTRO, "mese", "{file}", "--oggi", "{oggi}", "-o", "{uscita}", "--senza-excel"],
}
READ_SCRIPT = (
    "import sys, time, polars as pl; t = time.perf_counter(); c = time.process_time(); "
    "df = pl.read_excel(sys.argv[1], engine='calamine'); "
    "print(time.perf_counter() - t, df.height, time.process_time() - c)"
)
# The files of a folder read one after the other in one process: the sum of the read times.
READ_EACH_SCRIPT = (
    "import sys, time, pathlib, polars as pl; total = 0.0; n = 0\n"
    "for f in sorted(pathlib.Path(sys.argv[1]).glob('*.xlsx')):\n"
    "    t = time.perf_counter(); n += pl.read_excel(f, engine='calamine').height; total += time.perf_counter() - t\n"
    "print(total, n)"
)
# The same files read side by side as `registro mese` reads them (registro.validators.api's reading step).
READ_SIDE_SCRIPT = (
    "import sys, time, pathlib; from registro.validators import api; from registro.validators.read import discover; "
    "files = sorted(pathlib.Path(sys.argv[1]).glob('*.xlsx')); t = time.perf_counter(); "
    "out = api._read_all(discover.find(files), None, None); print(time.perf_counter() - t, sum(r.frame.height for r in out))"
)
SUMMARY = re.compile(r"Controllat[ae] (\d+) rig(?:a|he) .*?: (\d+) error[ei](?: in \d+ rig(?:a|he))?, (\d+) avvis[oi]")


@dataclass
class Run:
    """One process: wall seconds, peak RSS in MB, exit code and standard output."""

    wall: float
    rss_mb: float
    rc: int
    out: str
    cpu: float = 0.0  # user + system seconds of the process (steadier than wall time on a busy machine)


def measure(cmd: list, cwd: Path = ROOT) -> Run:
    """Run a command alone and measure it (its own peak RSS, not the benchmark's)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], stdout=out, stderr=err, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode not in (0, 1):
            tail = err.read().decode(errors="replace")[-800:]
            raise RuntimeError(f"{' '.join(map(str, cmd))} -> exit {proc.returncode}\n{tail}")
        return Run(wall, usage.ru_maxrss / 1024, proc.returncode, out.read().decode(errors="replace"),
                   usage.ru_utime + usage.ru_stime)


def best(cmd: list, repeat: int) -> Run:
    """The fastest of `repeat` runs (with that run's peak RSS)."""
    return min((measure(cmd) for _ in range(repeat)), key=lambda r: r.wall)


def rounds(commands: dict[str, list], repeat: int) -> dict[str, Run]:
    """Each command's fastest run over `repeat` rounds of all of them, so that a busy moment of
    the machine does not fall on one command only (the read time of the call is what counts
    for 'lettura': its printed seconds decide its best run)."""
    out: dict[str, Run] = {}
    for _ in range(repeat):
        for name, cmd in commands.items():
            run = measure(cmd)
            key = (lambda r: float(r.out.split()[0])) if name in ("lettura", "affiancata") else (lambda r: r.wall)
            if name not in out or key(run) < key(out[name]):
                out[name] = run
    return out




def command_exists(name: str) -> bool:
    """Whether `registro NAME --help` works (totali and esporta come from another branch)."""
    return subprocess.run([REGISTRO, name, "--help"], capture_output=True).returncode == 0


def fill(cmd: list[str], **values) -> list[str]:
    """A command line with its placeholders filled."""
    return [part.format(**values) for part in cmd]


def generated(name: str, rows: int, fresh: bool, *options: str) -> Path:
    """A generated register in benchmarks/out/ (made once, in a separate process so that this
    process stays small: a child's peak RSS starts from its parent's)."""
    path = OUT / name
    if fresh or not path.exists():
        print(f"  genero {path.name} ({rows:,} righe)...", flush=True)
        subprocess.run([PYTHON, "-m", "benchmarks.generator", path, "--righe", str(rows), "--seme", str(rows),
                        "--oggi", TODAY, *options], cwd=ROOT, check=True)
    return path


def frictionless_python() -> Path | None:
    """The throwaway venv's python with frictionless, if it was set up."""
    python = FRICTIONLESS_VENV / "bin" / "python"
    ok = python.exists() and subprocess.run([python, "-c", "import frictionless"], capture_output=True).returncode == 0
    return python if ok else None


def setup_frictionless() -> None:
    """Create benchmarks/.venv-frictionless with frictionless (not a dependency of registro)."""
    subprocess.run([sys.executable, "-m", "venv", FRICTIONLESS_VENV], check=True)
    subprocess.run([FRICTIONLESS_VENV / "bin" / "pip", "install", "-q", "frictionless"], check=True)


def frictionless_schema() -> dict:
    """A Table Schema with the column constraints frictionless can express (codes from the catalogue)."""
    from registro.validators.catalogue import load_catalogue

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
    run = measure([python.parent / "frictionless", "validate", resource.name], cwd=OUT)
    if "VALID" not in run.out or "INVALID" in run.out:
        raise RuntimeError(f"frictionless non ha validato {csv.name}:\n{run.out[-800:]}")
    return run


def machine() -> dict:
    """The machine and versions the figures were measured with."""
    import fastexcel
    import polars

    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    mem = next(int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal"))
    return {"cpu": cpu, "nproc": os.cpu_count(), "ram_gb": round(mem / 1024 / 1024), "python": platform.python_version(),
            "polars": polars.__version__, "fastexcel": fastexcel.__version__, "data": dt.date.today().isoformat()}


def secs(run: Run | None) -> str:
    """Seconds with two decimals, or n/d."""
    return "n/d" if run is None else f"{run.wall:.2f}"


def sizes_table(sizes: list[int], args, present: dict, friction: Path | None, results: list) -> list[str]:
    """One line per size: read, valida, totali, esporta, RSS, ratio; CSV against frictionless."""
    lines = ["| righe | lettura s | valida s | totali s | esporta s | mese s | RSS max MB | RSS mese MB | "
             "valida / lettura | mese / lettura | mese / lettura (CPU) | valida CSV s | frictionless s | "
             "frictionless / valida CSV |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for rows in sizes:
        csv = OUT / f"registro_{rows}.csv"
        xlsx = generated(f"registro_{rows}.xlsx", rows, args.rigenera or not csv.exists(), "--mese", YEAR, "--csv", csv)
        print(f"  misuro {rows:,} righe...", flush=True)
        commands = {"lettura": [PYTHON, "-c", READ_SCRIPT, xlsx], "valida": fill(COMMANDS["valida"], file=xlsx, oggi=TODAY),
                    "csv": fill(COMMANDS["valida"], file=csv, oggi=TODAY)}
        with tempfile.TemporaryDirectory() as tmp:
            for name in ("totali", "esporta"):
                if present[name]:
                    # the JA file in its default format (CSV): an .xlsx of 1M rows would measure openpyxl
                    commands[name] = fill(COMMANDS[name], file=xlsx, oggi=TODAY, uscita=Path(tmp) / f"{name}.csv")
            if present["mese"]:
                commands["mese"] = fill(COMMANDS["mese"], file=xlsx, oggi=TODAY, uscita=Path(tmp) / "mese")
            runs = rounds(commands, args.ripetizioni)
        read_run = runs.pop("lettura")
        read_s, read_cpu = float(read_run.out.split()[0]), float(read_run.out.split()[2])
        csv_run = runs.pop("csv")
        if runs["valida"].rc != 0:
            print(f"  attenzione: registro valida ha trovato errori nel registro generato ({xlsx.name})")
        fr = frictionless_run(friction, csv) if friction else None
        rss = max(r.rss_mb for r in runs.values())
        fr_ratio = f"{fr.wall / csv_run.wall:.1f}" if fr else "n/d"
        month = runs.get("mese")
        lines.append(f"| {rows:,} | {read_s:.2f} | {secs(runs['valida'])} | {secs(runs.get('totali'))} | "
                     f"{secs(runs.get('esporta'))} | {secs(month)} | {rss:.0f} | "
                     f"{f'{month.rss_mb:.0f}' if month else 'n/d'} | {runs['valida'].wall / read_s:.2f} | "
                     f"{f'{month.wall / read_s:.2f}' if month else 'n/d'} | "
                     f"{f'{month.cpu / read_cpu:.2f}' if month else 'n/d'} | "
                     f"{csv_run.wall:.2f} | {secs(fr)} | {fr_ratio} |")
        results.append({"righe": rows, "lettura_s": read_s, "lettura_cpu_s": read_cpu,
                        **{f"{k}_cpu_s": r.cpu for k, r in runs.items()},
                        **{f"{k}_s": r.wall for k, r in runs.items()},
                        **{f"{k}_rss_mb": r.rss_mb for k, r in runs.items()}, "valida_csv_s": csv_run.wall,
                        "valida_csv_rss_mb": csv_run.rss_mb, "frictionless_s": fr.wall if fr else None,
                        "frictionless_rss_mb": fr.rss_mb if fr else None})
        print(lines[-1], flush=True)
    return lines


def offices_table(rows: int, args, results: list) -> list[str]:
    """The largest register split into one file per office: `registro mese` on the folder (the files
    read side by side) against reading the files one after the other."""
    folder = OUT / f"sedi_{rows}"
    if args.rigenera or not folder.is_dir() or not any(folder.glob("*.xlsx")):
        print(f"  genero {rows:,} righe divise per sede in {folder.name}/...", flush=True)
        subprocess.run([PYTHON, "-m", "benchmarks.generator", OUT / f"sedi_{rows}.xlsx", "--righe", str(rows),
                        "--seme", str(rows), "--oggi", TODAY, "--mese", YEAR, "--per-sede", folder],
                       cwd=ROOT, check=True)
    files = sorted(folder.glob("*.xlsx"))
    print(f"  misuro {rows:,} righe in {len(files)} file...", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        runs = rounds({"lettura": [PYTHON, "-c", READ_EACH_SCRIPT, folder],
                       "affiancata": [PYTHON, "-c", READ_SIDE_SCRIPT, folder],
                       "mese": fill(COMMANDS["mese"], file=folder, oggi=TODAY, uscita=Path(tmp) / "mese")},
                      args.ripetizioni)
    read_s, side_s = float(runs["lettura"].out.split()[0]), float(runs["affiancata"].out.split()[0])
    month = runs["mese"]
    results.append({"righe": rows, "file": len(files), "lettura_uno_per_volta_s": read_s,
                    "lettura_affiancata_s": side_s, "mese_s": month.wall, "mese_rss_mb": month.rss_mb})
    return ["| righe | file | lettura uno per volta s | lettura affiancata s | affiancata / uno per volta | "
            "mese s | mese / lettura uno per volta | RSS mese MB |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {rows:,} | {len(files)} | {read_s:.2f} | {side_s:.2f} | {side_s / read_s:.2f} | {month.wall:.2f} | "
            f"{month.wall / read_s:.2f} | {month.rss_mb:.0f} |"]


def mistakes_table(rows: int, shares: list[float], args, results: list) -> list[str]:
    """The largest size again with a share of the rows carrying one mistake each."""
    lines = ["| righe | righe con un errore | errori | avvisi | lettura s | valida s | RSS MB | valida / lettura |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for share in shares:
        xlsx = generated(f"registro_{rows}_errori_{share:g}.xlsx", rows, args.rigenera, "--mese", YEAR,
                         "--errori", str(share))
        print(f"  misuro {rows:,} righe con {share:.0%} di errori...", flush=True)
        runs = rounds({"lettura": [PYTHON, "-c", READ_SCRIPT, xlsx], "valida": fill(COMMANDS["valida"], file=xlsx, oggi=TODAY)},
                      args.ripetizioni)
        read_s, run = float(runs["lettura"].out.split()[0]), runs["valida"]
        found = SUMMARY.search(run.out)
        errors, warnings = (found.group(2), found.group(3)) if found else ("?", "?")
        lines.append(f"| {rows:,} | {share:.0%} | {int(errors):,} | {int(warnings):,} | {read_s:.2f} | {run.wall:.2f} | "
                     f"{run.rss_mb:.0f} | {run.wall / read_s:.2f} |")
        results.append({"righe": rows, "quota_errori": share, "errori": int(errors), "avvisi": int(warnings),
                        "lettura_s": read_s, "valida_s": run.wall, "valida_rss_mb": run.rss_mb})
        print(lines[-1], flush=True)
    return lines


def annotated_table(sizes: list[int], args, results: list) -> list[str]:
    """`valida --annota` against `valida` on the same register (1% of rows with a mistake)."""
    lines = ["| righe | problemi | valida s | valida --annota s | annota / valida | RSS valida MB | RSS annota MB | "
             "copia MB |", "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for rows in sizes:
        xlsx = generated(f"registro_{rows}_errori_0.01.xlsx", rows, args.rigenera, "--mese", YEAR, "--errori", "0.01")
        print(f"  misuro la copia annotata di {rows:,} righe...", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "annotato.xlsx"
            runs = rounds({"valida": fill(COMMANDS["valida"], file=xlsx, oggi=TODAY),
                           "annota": fill(COMMANDS["valida"], file=xlsx, oggi=TODAY) + ["--annota", str(copy)]},
                          args.ripetizioni)
            size_mb = copy.stat().st_size / 1e6
        found = SUMMARY.search(runs["valida"].out)
        problems = int(found.group(2)) + int(found.group(3)) if found else 0
        v, a = runs["valida"], runs["annota"]
        lines.append(f"| {rows:,} | {problems:,} | {v.wall:.2f} | {a.wall:.2f} | {a.wall / v.wall:.2f} | "
                     f"{v.rss_mb:.0f} | {a.rss_mb:.0f} | {size_mb:.1f} |")
        results.append({"righe": rows, "problemi": problems, "valida_s": v.wall, "annota_s": a.wall,
                        "valida_rss_mb": v.rss_mb, "annota_rss_mb": a.rss_mb, "copia_mb": size_mb})
        print(lines[-1], flush=True)
    return lines


def office_month(repeat: int) -> tuple[list[str], dict]:
    """An office's month (5,000 rows): the whole `registro valida` run, and `registro --help`."""
    path = generated(f"ufficio_{OFFICE}_{OFFICE_MONTH}.xlsx", OFFICE_ROWS, False, "--mese", OFFICE_MONTH,
                     "--uffici", OFFICE)
    run = best([REGISTRO, "valida", path, "--mese", OFFICE_MONTH, "--oggi", TODAY], max(repeat, 3))
    help_run = best([REGISTRO, "--help"], max(repeat, 3))
    text = (f"Un mese di un ufficio ({OFFICE_ROWS:,} righe, {OFFICE}): `registro valida` {run.wall:.2f} s "
            f"(RSS max {run.rss_mb:.0f} MB); `registro --help` {help_run.wall:.2f} s.")
    return [text], {"ufficio_valida_s": run.wall, "ufficio_rss_mb": run.rss_mb, "help_s": help_run.wall}


def excel_month(rows: int, args, results: dict) -> list[str]:
    """A region's month with every Excel file (riepilogo.xlsx with its Dettaglio) against --senza-excel."""
    month = ARCHIVE_MONTH
    path = generated(f"regione_{rows}_{month}.xlsx", rows, args.rigenera, "--mese", month)
    print(f"  misuro il mese della regione con e senza i file Excel ({rows:,} righe)...", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        base = [REGISTRO, "mese", path, "--mese", month, "--oggi", TODAY]
        runs = rounds({"excel": [*base, "-o", Path(tmp) / "excel"],
                       "testo": [*base, "-o", Path(tmp) / "testo", "--senza-excel"]}, args.ripetizioni)
        totals = detail_rows(Path(tmp) / "excel" / "riepilogo.xlsx")
    e, t = runs["excel"], runs["testo"]
    results.update(righe=rows, righe_dettaglio=totals, excel_s=e.wall, excel_cpu_s=e.cpu, excel_rss_mb=e.rss_mb,
                   testo_s=t.wall, testo_cpu_s=t.cpu, testo_rss_mb=t.rss_mb)
    return ["| righe | righe del Dettaglio | mese s (CPU s) | RSS MB | mese --senza-excel s (CPU s) | RSS MB |",
            "|---:|---:|---:|---:|---:|---:|",
            f"| {rows:,} | {totals:,} | {e.wall:.2f} ({e.cpu:.2f}) | {e.rss_mb:.0f} | {t.wall:.2f} ({t.cpu:.2f}) | "
            f"{t.rss_mb:.0f} |"]


def detail_rows(path: Path) -> int:
    """The data rows of the riepilogo's Dettaglio sheet, from its dimension (the sheet is not loaded)."""
    import zipfile

    from registro.validators.ooxml.parts import relationships, resolve, sheets

    with zipfile.ZipFile(path) as z:
        rels = relationships(z.read("xl/_rels/workbook.xml.rels").decode("utf-8"))
        sheet = next(s for s in sheets(z.read("xl/workbook.xml").decode("utf-8")) if s["name"] == "Dettaglio")
        with z.open(resolve("xl/workbook.xml", next(r["Target"] for r in rels if r["Id"] == sheet["rid"]))) as f:
            found = re.search(r'<dimension ref="A1:[A-Z]+(\d+)"', f.read(4096).decode("utf-8", "replace"))
    return int(found.group(1)) - 1 if found else 0


ARCHIVE_MONTH = "2025-12"  # the month checked against an archive of the months before it


def archive_import(rows: int, args, results: dict) -> list[str]:
    """Importing the largest register into an archive against validating it (same file, same rounds)."""
    xlsx = generated(f"registro_{rows}.xlsx", rows, False, "--mese", YEAR, "--csv", OUT / f"registro_{rows}.csv")
    print(f"  misuro l'importazione di {rows:,} righe nell'archivio...", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "archivio"  # the first round creates it, the others replace every partition
        runs = rounds({"valida": fill(COMMANDS["valida"], file=xlsx, oggi=TODAY),
                       "aggiungi": [REGISTRO, "archivio", "aggiungi", xlsx, "--oggi", TODAY, "--archivio", folder]},
                      args.ripetizioni)
    ratio = runs["aggiungi"].wall / runs["valida"].wall
    cpu = runs["aggiungi"].cpu / runs["valida"].cpu
    results.update(righe=rows, valida_s=runs["valida"].wall, aggiungi_s=runs["aggiungi"].wall,
                   aggiungi_rss_mb=runs["aggiungi"].rss_mb, aggiungi_su_valida=ratio, valida_cpu_s=runs["valida"].cpu,
                   aggiungi_cpu_s=runs["aggiungi"].cpu, aggiungi_su_valida_cpu=cpu)
    return ["| righe | valida s (CPU s) | archivio aggiungi s (CPU s) | RSS aggiungi MB | aggiungi / valida (CPU) |",
            "|---:|---:|---:|---:|---:|",
            f"| {rows:,} | {runs['valida'].wall:.2f} ({runs['valida'].cpu:.2f}) | {runs['aggiungi'].wall:.2f} "
            f"({runs['aggiungi'].cpu:.2f}) | {runs['aggiungi'].rss_mb:.0f} | {ratio:.2f} ({cpu:.2f}) |"]


def archive_month(spec: str, args, results: dict) -> list[str]:
    """A month validated alone and against an archive of the months before it (spec: ROWSxMONTHS), and `stato`."""
    per_month, months = (int(x) for x in spec.lower().split("x"))
    base = OUT / f"archivio_{per_month}x{months}"
    current, history = base / f"mese_{ARCHIVE_MONTH}.xlsx", base / "storico" / "storico.csv"
    folder = base / "archivio"
    if args.rigenera or not current.exists():
        print(f"  genero {months} mesi di storico e il mese {ARCHIVE_MONTH} ({per_month:,} righe al mese)...", flush=True)
        import shutil

        shutil.rmtree(base, ignore_errors=True)
        history.parent.mkdir(parents=True)
        subprocess.run([PYTHON, "-m", "benchmarks.generator", current, "--righe", str(per_month), "--seme", "61",
                        "--mese", ARCHIVE_MONTH, "--oggi", TODAY, "--storico", history, "--mesi-storico", str(months)],
                       cwd=ROOT, check=True)
    if not (folder / "archivio.json").exists():
        files = sorted(history.parent.glob("storico_*.csv"))
        years = sorted({f.stem.split("_")[1][:4] for f in files})
        start = time.perf_counter()
        for year in years:  # one import per year: a coordinator's archive grows month by month
            print(f"  archivio l'anno {year}...", flush=True)
            measure([REGISTRO, "archivio", "aggiungi", *[f for f in files if f"_{year}-" in f.name], "--oggi", TODAY,
                     "--archivio", folder])
        print(f"  archivio pronto in {time.perf_counter() - start:.0f} s", flush=True)
    meta = json.loads((folder / "archivio.json").read_text(encoding="utf-8"))
    archived = sum(p["righe"] for p in meta["partizioni"])
    print(f"  misuro il mese contro l'archivio di {archived:,} righe...", flush=True)
    alone = [REGISTRO, "valida", current, "--mese", ARCHIVE_MONTH, "--oggi", TODAY]
    runs = rounds({"solo": alone, "archivio": [*alone, "--archivio", folder],
                   "stato": [REGISTRO, "archivio", "stato", "--archivio", folder]}, args.ripetizioni)
    found = {k: SUMMARY.search(runs[k].out) for k in ("solo", "archivio")}
    rows = int(found["solo"].group(1)) if found["solo"] else 0
    warnings = {k: int(m.group(3)) if m else -1 for k, m in found.items()}
    ratio = runs["archivio"].wall / runs["solo"].wall
    cpu = runs["archivio"].cpu / runs["solo"].cpu
    results.update(valida_cpu_s=runs["solo"].cpu, valida_archivio_cpu_s=runs["archivio"].cpu, rapporto_cpu=cpu,
                   righe_archivio=archived, partizioni=len(meta["partizioni"]), righe_mese=rows,
                   valida_s=runs["solo"].wall, valida_archivio_s=runs["archivio"].wall, rapporto=ratio,
                   valida_archivio_rss_mb=runs["archivio"].rss_mb, stato_s=runs["stato"].wall,
                   avvisi_solo=warnings["solo"], avvisi_archivio=warnings["archivio"])
    return ["| righe archiviate | partizioni | righe del mese | valida s (avvisi) | valida --archivio s (avvisi) | "
            "con archivio / da solo (CPU) | archivio stato s |",
            "|---:|---:|---:|---:|---:|---:|---:|",
            f"| {archived:,} | {len(meta['partizioni'])} | {rows:,} | {runs['solo'].wall:.2f} ({warnings['solo']:,}) | "
            f"{runs['archivio'].wall:.2f} ({warnings['archivio']:,}) | {ratio:.2f} ({cpu:.2f}) | {runs['stato'].wall:.2f} |"]


def main(argv=None) -> None:
    """Command line: python -m benchmarks.bench [--righe 10000,100000,1000000]."""
    parser = argparse.ArgumentParser(description="Benchmark di registro: lettura, validazione, totali, export.")
    parser.add_argument("--righe", default="10000,100000,1000000", help="dimensioni, separate da virgole")
    parser.add_argument("--errori", default="0.01,0.3",
                        help="quote di righe con un errore, misurate sulla dimensione più grande ('' per saltarle)")
    parser.add_argument("--annota", default="10000,100000",
                        help="dimensioni su cui misurare la copia annotata ('' per saltarla)")
    parser.add_argument("--ripetizioni", type=int, default=3, help="giri di misure (per ogni comando si tiene il migliore)")
    parser.add_argument("--sedi", action=argparse.BooleanOptionalAction, default=True,
                        help="misura anche la dimensione più grande divisa in un file per sede (--no-sedi per saltarla)")
    parser.add_argument("--rigenera", action="store_true", help="rigenera i registri anche se già presenti")
    parser.add_argument("--archivio", default="83000x60",
                        help="archivio: righe al mese x mesi archiviati, per il mese controllato contro l'archivio "
                             "('' per saltarlo); misura anche l'importazione della dimensione più grande")
    parser.add_argument("--mese-excel", default="83000",
                        help="righe di un mese della regione su cui misurare `registro mese` con e senza i file Excel "
                             "('' per saltarlo)")
    parser.add_argument("--prepara-frictionless", action="store_true",
                        help="crea benchmarks/.venv-frictionless con frictionless per il confronto CSV")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    if args.prepara_frictionless and frictionless_python() is None:
        setup_frictionless()
    friction = frictionless_python()
    present = {name: command_exists(name) for name in ("totali", "esporta", "mese")}
    sizes = [int(x) for x in args.righe.split(",")]
    info = machine()
    results: dict = {"macchina": info, "dimensioni": [], "errori": [], "annotata": []}
    lines = [f"Macchina: {info['cpu']}, {info['nproc']} core, {info['ram_gb']} GB di RAM; Python {info['python']}, "
             f"polars {info['polars']}, fastexcel {info['fastexcel']}; {info['data']}.", ""]
    lines += sizes_table(sizes, args, present, friction, results["dimensioni"])
    if args.sedi and present["mese"]:
        results["sedi"] = []
        lines += ["", *offices_table(max(sizes), args, results["sedi"])]
    if args.errori:
        lines += ["", *mistakes_table(max(sizes), [float(x) for x in args.errori.split(",")], args, results["errori"])]
    if args.annota:
        lines += ["", *annotated_table([int(x) for x in args.annota.split(",")], args, results["annotata"])]
    if args.archivio:
        results["archivio_importazione"], results["archivio_mese"] = {}, {}
        lines += ["", *archive_import(max(sizes), args, results["archivio_importazione"])]
        lines += ["", *archive_month(args.archivio, args, results["archivio_mese"])]
    if args.mese_excel and present["mese"]:
        results["mese_excel"] = {}
        lines += ["", *excel_month(int(args.mese_excel), args, results["mese_excel"])]
    office, results["ufficio"] = office_month(args.ripetizioni)
    lines += ["", *office]
    if friction is None:
        lines.append("frictionless non installato: colonne n/d (bash benchmarks/run.sh --prepara-frictionless).")
    missing = [n for n, ok in present.items() if not ok]
    if missing:
        lines.append(f"Comandi non ancora disponibili: {', '.join('registro ' + n for n in missing)} (n/d).")
    text = "\n".join(lines)
    print("\n" + text)
    (OUT / "risultati.md").write_text(text + "\n", encoding="utf-8")
    (OUT / "risultati.json").write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
