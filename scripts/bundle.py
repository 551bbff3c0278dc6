"""Offline bundles of registro, and the check that every dependency has binary wheels where users are.

    python scripts/bundle.py --windows    dist/registro-<versione>-windows.zip (win_amd64, Python 3.11-3.13)
    python scripts/bundle.py --linux      dist/registro-<versione>-linux.zip (manylinux x86_64)
    python scripts/bundle.py --verifica   every dependency resolves to a binary wheel for Windows and
                                          macOS (arm64, x86_64) on every Python version (exit 1 if not)

A bundle holds the project's wheel and the binary wheels of every dependency for the target platform
and each Python version, the Excel template, the example registers, an installer (installa.bat on
Windows, installa.sh on Linux) that installs with `--no-index --find-links` from the bundle alone, and
LEGGIMI.txt. Wheels are downloaded from the package index (PyPI, with pip's own settings: proxy,
certificates) into build/bundle/<target>/ and reused from there by the next build.

pip evaluates environment markers on the machine it runs on, not on the target it was given
(`colorama; platform_system == "Windows"` is skipped on Linux). So each resolution is completed here:
the requirements of every resolved wheel are evaluated with the target's markers, and what pip left
out is asked for explicitly, until the set is closed.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from urllib.parse import unquote, urlparse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import prepara  # noqa: E402  (the sibling module, also when run from another folder)

ROOT = prepara.ROOT
VERSIONS = ("3.11", "3.12", "3.13")
CACHE = os.path.join(ROOT, "build", "bundle")


class Target:
    """A platform users install on: pip's platform tags and the values of its environment markers."""

    def __init__(self, name, label, platforms, markers):
        self.name, self.label, self.platforms, self.markers = name, label, platforms, markers

    def environment(self, version):
        """The marker environment of this platform with CPython `version`."""
        return dict(self.markers, python_version=version, python_full_version=version + ".0",
                    implementation_name="cpython", platform_python_implementation="CPython")


_WINDOWS = {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64"}
_LINUX = {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix", "platform_machine": "x86_64"}
_MAC = {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix"}
TARGETS = {
    "windows": Target("windows", "Windows (win_amd64)", ["win_amd64"], _WINDOWS),
    # glibc 2.28 or later (Debian 10, Ubuntu 20.04, RHEL 8); pip does not widen manylinux_2_x by itself.
    "linux": Target("linux", "Linux (manylinux x86_64)",
                    ["manylinux_2_%d_x86_64" % minor for minor in range(28, 4, -1)] + ["manylinux2014_x86_64"],
                    _LINUX),
    # macOS 12 or later; pip widens macosx_12_0 to the earlier releases a wheel may name.
    "macos-arm64": Target("macos-arm64", "macOS (arm64)", ["macosx_12_0_arm64"], dict(_MAC, platform_machine="arm64")),
    "macos-x86_64": Target("macos-x86_64", "macOS (x86_64)", ["macosx_12_0_x86_64"],
                           dict(_MAC, platform_machine="x86_64")),
}
CHECKED = ("windows", "macos-arm64", "macos-x86_64")


class BundleError(Exception):
    """Something the bundle cannot be built without: the message is for the user, in Italian."""


def canonical(name):
    """A distribution name as the index compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _pip(args, what):
    done = subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check"] + args,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, errors="replace")
    if done.returncode != 0:
        errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")] or done.stderr.splitlines()[-3:]
        raise BundleError("%s: %s" % (what, " ".join(errors)))
    return done


def _platform_args(target, version):
    args = ["--only-binary=:all:", "--implementation", "cp", "--python-version", version]
    for tag in target.platforms:
        args += ["--platform", tag]
    return args


def build_wheel(folder):
    """The project's wheel (without dependencies) built into folder; returns its path."""
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    _pip(["wheel", "--no-deps", "-q", "-w", folder, ROOT], "il pacchetto di registro non si costruisce")
    (name,) = [n for n in os.listdir(folder) if n.endswith(".whl")]
    return os.path.join(folder, name)


def _closure(items, root, env):
    """(names needed from root under env's markers, {name: requirement} needed but not among items)."""
    from packaging.requirements import Requirement

    needed, missing, todo, seen = set(), {}, [(root, ())], set()
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        needed.add(name)
        for line in items[name]["metadata"].get("requires_dist") or []:
            req = Requirement(line)
            if req.marker is not None and not any(req.marker.evaluate(dict(env, extra=e)) for e in extras or ("",)):
                continue
            dep = canonical(req.name)
            if dep in items:
                todo.append((dep, tuple(sorted(req.extras))))
            else:
                missing[dep] = "%s%s%s" % (req.name, "[%s]" % ",".join(sorted(req.extras)) if req.extras else "",
                                           req.specifier)
    return needed, missing


def resolve(wheel, target, version):
    """{name: (filename, url)} of every wheel registro needs on target with CPython version.

    Resolved by pip without installing (`install --dry-run --report`), then completed with the
    requirements pip skipped because their markers were evaluated on this machine.
    """
    root = canonical(os.path.basename(wheel).split("-")[0])
    asked = [wheel]
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(20):  # each round adds at least one requirement, and there are few
            report = os.path.join(tmp, "report.json")
            _pip(["install", "--dry-run", "--ignore-installed", "-q", "--target", os.path.join(tmp, "t"),
                  "--report", report] + _platform_args(target, version) + asked,
                 "nessun pacchetto binario (wheel) per %s con Python %s" % (target.label, version))
            with open(report, encoding="utf-8") as f:
                items = {canonical(i["metadata"]["name"]): i for i in json.load(f)["install"]}
            needed, missing = _closure(items, root, target.environment(version))
            if not missing:
                return {name: _file(items[name]) for name in sorted(needed) if name != root}
            asked += sorted(missing.values())
    raise BundleError("le dipendenze per %s con Python %s non si chiudono: %s" % (target.label, version,
                                                                                   ", ".join(sorted(missing))))


def _file(item):
    url = item["download_info"]["url"]
    return unquote(os.path.basename(urlparse(url).path)), url


def download(files, target, version, folder):
    """Download into folder the wheels of files ({name: (filename, url)}) that are not there yet."""
    os.makedirs(folder, exist_ok=True)
    urls = [url for filename, url in files.values() if not os.path.isfile(os.path.join(folder, filename))]
    if urls:
        _pip(["download", "--no-deps", "-q", "-d", folder] + _platform_args(target, version) + urls,
             "download non riuscito per %s con Python %s" % (target.label, version))


def check_offline(wheels, target, version):
    """pip installs registro from the bundle's folder alone (no index) for target and version."""
    with tempfile.TemporaryDirectory() as tmp:
        _pip(["install", "--dry-run", "--ignore-installed", "-q", "--no-index", "--find-links", wheels,
              "--target", os.path.join(tmp, "t")] + _platform_args(target, version) + ["registro"],
             "il pacchetto offline non si installa per %s con Python %s" % (target.label, version))


# ---------------------------------------------------------------------------------------------
# The installers and the notes in the bundle (Italian: users read them; ASCII in the .bat, whose
# code page is the console's).

def installa_bat(versions):
    """installa.bat: finds a Python of the bundle's versions and installs registro for this user."""
    tried = " ".join(reversed(versions))
    oldest, newest = versions[0], versions[-1]
    lines = [
        "@echo off",
        "rem Installa registro senza Internet, per l'utente corrente (non servono i diritti di amministratore);",
        "rem una versione precedente gia' installata viene aggiornata.",
        "setlocal",
        'cd /d "%~dp0"',
        "set PY=",
        "for %%V in (" + tried + ") do (",
        "  if not defined PY (",
        "    py -%%V -c \"import sys\" >nul 2>nul && set PY=py -%%V",
        "  )",
        ")",
        "if not defined PY (",
        "  python -c \"import sys; sys.exit(not ((%s) <= sys.version_info[:2] <= (%s)))\" >nul 2>nul && set PY=python"
        % (oldest.replace(".", ", "), newest.replace(".", ", ")),
        ")",
        "if not defined PY (",
        "  echo Serve Python da %s a %s: installarlo da https://www.python.org senza spuntare" % (oldest, newest),
        "  echo \"Install for all users\" e con \"Add python.exe to PATH\" spuntato, poi rilanciare installa.bat.",
        "  pause",
        "  exit /b 2",
        ")",
        "echo Installo registro con %PY% ...",
        '%PY% -m pip install --user --no-index --find-links "%~dp0pacchetti" --no-warn-script-location --upgrade registro',
        "if errorlevel 1 (",
        "  echo Installazione non riuscita: leggere i messaggi qui sopra.",
        "  pause",
        "  exit /b 1",
        ")",
        "echo.",
        "echo registro e' installato. Per usarlo, dal Prompt dei comandi:",
        "echo   %PY% -m registro mese C:\\Registri\\2026-10 -o C:\\Registri\\uscita",
        "echo   %PY% -m registro --help",
        "echo Il modello Excel da compilare e' registro.xlsx, in questa cartella.",
        "pause",
    ]
    return "\r\n".join(lines) + "\r\n"


def installa_sh(versions):
    """installa.sh: a virtual environment (default ~/.local/share/registro) with registro, offline."""
    oldest, newest = versions[0], versions[-1]
    names = " ".join("python%s" % v for v in reversed(versions)) + " python3"
    return "\n".join([
        "#!/bin/sh",
        "# Installa registro senza Internet in un ambiente Python proprio: sh installa.sh [CARTELLA]",
        "# (predefinita: ~/.local/share/registro). PYTHON=... sceglie l'interprete.",
        "set -e",
        'cd "$(dirname "$0")"',
        'DEST="${1:-$HOME/.local/share/registro}"',
        'PY="${PYTHON:-}"',
        'if [ -z "$PY" ]; then',
        "  for cand in %s; do" % names,
        '    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c "import sys; sys.exit(not ((%s) <= sys.version_info[:2] <= (%s)))" 2>/dev/null; then'
        % (oldest.replace(".", ", "), newest.replace(".", ", ")),
        '      PY="$cand"; break',
        "    fi",
        "  done",
        "fi",
        'if [ -z "$PY" ]; then echo "Serve Python da %s a %s (con il modulo venv)." >&2; exit 2; fi' % (oldest, newest),
        '"$PY" -m venv "$DEST"',
        '"$DEST/bin/python" -m pip install --disable-pip-version-check -q --no-index --find-links pacchetti --upgrade registro',
        'echo "registro è installato in $DEST. Per usarlo:"',
        'echo "  $DEST/bin/registro mese /percorso/registri/2026-10 -o /percorso/uscita"',
        'echo "Il modello Excel da compilare è registro.xlsx, in questa cartella."',
        "",
    ])


def leggimi(version, target, versions):
    """LEGGIMI.txt: what the bundle holds and how to install it."""
    install = ("Fare doppio clic su installa.bat (oppure, dal Prompt dei comandi in questa cartella: installa.bat)."
               if target.name == "windows" else "Da un terminale in questa cartella: sh installa.sh")
    run = ("py -m registro mese C:\\Registri\\2026-10 -o C:\\Registri\\uscita" if target.name == "windows"
           else "~/.local/share/registro/bin/registro mese registri/2026-10 -o uscita")
    lines = [
        "registro %s - pacchetto per l'installazione senza Internet, %s" % (version, target.label),
        "",
        "Contenuto:",
        "  pacchetti/   registro e tutti i pacchetti che usa, per Python %s" % ", ".join(versions),
        "  registro.xlsx   il modello Excel del registro da compilare",
        "  esempi/      un registro di esempio (ottobre 2026) e lo storico di settembre",
        "  %s   installa registro usando solo i file di questa cartella" % (
            "installa.bat" if target.name == "windows" else "installa.sh"),
        "",
        "Installazione: " + install,
        "Uso: " + run,
        "Guida: docs/guida/installazione.md nel progetto registro.",
        "",
    ]
    return ("\r\n" if target.name == "windows" else "\n").join(lines)


def build_bundle(target, versions, out_folder):
    """Build dist/registro-<version>-<target>.zip; returns its path."""
    cache = os.path.join(CACHE, target.name)
    wheel = build_wheel(os.path.join(CACHE, "progetto"))
    version = os.path.basename(wheel).split("-")[1]
    needed = {}
    for python in versions:
        print("Risolvo le dipendenze per %s, Python %s ..." % (target.label, python), flush=True)
        files = resolve(wheel, target, python)
        print("Scarico %d pacchetti (quelli già in %s restano) ..." % (len(files), os.path.relpath(cache, ROOT)),
              flush=True)
        download(files, target, python, cache)
        needed.update({filename: name for name, (filename, _) in files.items()})
    top = "registro-%s-%s" % (version, target.name)
    with tempfile.TemporaryDirectory() as tmp:
        wheels = os.path.join(tmp, "pacchetti")
        os.makedirs(wheels)
        for filename in sorted(needed):
            shutil.copy2(os.path.join(cache, filename), wheels)
        shutil.copy2(wheel, wheels)
        for python in versions:
            check_offline(wheels, target, python)
        os.makedirs(out_folder, exist_ok=True)
        path = os.path.join(out_folder, top + ".zip")
        partial = path + ".parziale"
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as z:
            for filename in sorted(os.listdir(wheels)):
                z.write(os.path.join(wheels, filename), "%s/pacchetti/%s" % (top, filename))
            z.write(os.path.join(ROOT, "templates", "registro.xlsx"), top + "/registro.xlsx")
            for name in ("registro_esempio.csv", "storico_settembre.csv"):
                z.write(os.path.join(ROOT, "esempi", name), "%s/esempi/%s" % (top, name))
            if target.name == "windows":
                z.writestr(top + "/installa.bat", installa_bat(versions))
            else:
                info = zipfile.ZipInfo(top + "/installa.sh")
                info.external_attr = 0o755 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, installa_sh(versions))
            z.writestr(top + "/LEGGIMI.txt", leggimi(version, target, versions))
        os.replace(partial, path)
    return path, len(needed) + 1


def verify(versions, names=CHECKED):
    """Resolve every target of names on every version; [(target, version, wheel count or error)]."""
    from concurrent.futures import ThreadPoolExecutor

    wheel = build_wheel(os.path.join(CACHE, "progetto"))

    def one(pair):
        target, python = pair
        try:
            return target, python, len(resolve(wheel, TARGETS[target], python))
        except BundleError as exc:
            return target, python, exc

    pairs = [(name, python) for name in names for python in versions]
    with ThreadPoolExecutor(max_workers=3) as pool:  # pip waits on the network most of the time
        return list(pool.map(one, pairs))


def _in_project_venv():
    return os.path.realpath(sys.prefix) == os.path.realpath(prepara.VENV)


def main(argv):
    parser = argparse.ArgumentParser(
        prog="python scripts/bundle.py",
        description="Pacchetti di registro per l'installazione senza Internet, e verifica dei pacchetti binari.")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--windows", action="store_true", help="pacchetto per Windows (win_amd64)")
    which.add_argument("--linux", action="store_true", help="pacchetto per Linux (manylinux x86_64)")
    which.add_argument("--verifica", action="store_true",
                       help="verifica che ogni dipendenza abbia i pacchetti binari per Windows e macOS")
    parser.add_argument("--python", default=",".join(VERSIONS), metavar="3.11,3.12,...",
                        help="versioni di Python (predefinite: %(default)s)")
    parser.add_argument("--cartella", default=os.path.join(ROOT, "dist"), help="dove scrivere il .zip (predefinita: dist)")
    args = parser.parse_args(argv)
    versions = [v.strip() for v in args.python.split(",") if v.strip()]
    if not all(re.match(r"^3\.\d+$", v) for v in versions):
        parser.error("--python: versioni come 3.11,3.12,3.13")
    if not _in_project_venv():  # pip >= 22.2 and packaging come with the project's environment
        python = prepara.prepare()
        return subprocess.run([python, os.path.abspath(__file__)] + argv).returncode
    try:
        if args.verifica:
            results = verify(versions)
            failed = [r for r in results if isinstance(r[2], BundleError)]
            for target, python, outcome in results:
                status = "%d pacchetti binari" % outcome if not isinstance(outcome, BundleError) else "MANCA: %s" % outcome
                print("%-22s Python %-5s %s" % (TARGETS[target].label, python, status))
            return 1 if failed else 0
        target = TARGETS["windows" if args.windows else "linux"]
        path, count = build_bundle(target, versions, os.path.abspath(args.cartella))
        print("Pacchetto scritto in %s (%d pacchetti Python, %.0f MB)." % (path, count, os.path.getsize(path) / 1e6))
        return 0
    except BundleError as exc:
        sys.stderr.write("Errore: %s\n" % exc)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
