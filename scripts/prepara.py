"""Sets up the project's Python environment in .venv (Python >= 3.11) with registro installed in it.

Used by esempio.py, test.py and bundle.py; also runs on its own (`python scripts/prepara.py`).
The same on Windows, macOS and Linux: no shell, and the virtual environment's own paths
(`.venv\\Scripts\\python.exe` on Windows, `.venv/bin/python` elsewhere). The editable install follows
code changes by itself, so pip runs again only when pyproject.toml changes (a stamp file records it).

Kept to the syntax of old interpreters, so that a Python older than 3.11 gets the Italian message.
"""

import hashlib
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".venv")
STAMP = os.path.join(VENV, ".pyproject-installato")
MINIMUM = (3, 11)


def venv_python(venv=VENV):
    """The interpreter of a virtual environment, at the path its platform uses."""
    if os.name == "nt":
        return os.path.join(venv, "Scripts", "python.exe")
    return os.path.join(venv, "bin", "python")


def _is_recent(command):
    probe = "import sys; sys.exit(sys.version_info < %r)" % (MINIMUM,)
    try:
        return subprocess.run(command + ["-c", probe], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0
    except OSError:
        return False


def base_python():
    """A command running Python >= 3.11: this interpreter, else the first one found (py launcher or PATH)."""
    if sys.version_info[:2] >= MINIMUM:
        return [sys.executable]
    candidates = []
    if shutil.which("py"):  # the Windows launcher picks a version with -3.x
        candidates += [["py", "-3.%d" % minor] for minor in (13, 12, 11)]
    candidates += [[name] for name in ("python3.13", "python3.12", "python3.11", "python3") if shutil.which(name)]
    for command in candidates:
        if _is_recent(command):
            return command
    sys.stderr.write("Serve Python 3.11 o successivo (non trovato): installarlo da https://www.python.org "
                     "e rilanciare il comando.\n")
    sys.exit(2)


def _wanted_stamp():
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return ""


def prepare(extras="test"):
    """Create .venv if missing and install registro in it (editable, with the extras) when
    pyproject.toml changed since the last install; returns the environment's interpreter."""
    python = venv_python()
    if not os.path.isfile(python):
        print("Preparo l'ambiente Python in .venv ...", flush=True)
        subprocess.run(base_python() + ["-m", "venv", VENV], check=True)
    want = _wanted_stamp()
    if _read(STAMP) != want:
        target = ".[%s]" % extras if extras else "."
        done = subprocess.run([python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                              errors="replace")
        # pip's notes on index locations it skips are noise here; everything else is shown.
        sys.stdout.write("".join(line for line in done.stdout.splitlines(True)
                                 if not line.startswith("WARNING: Location")))
        if done.returncode == 0 and _imports(python):
            with open(STAMP, "w", encoding="utf-8") as f:
                f.write(want + "\n")
    if not _imports(python):
        sys.stderr.write("Installazione non riuscita: vedere i messaggi di pip qui sopra.\n")
        sys.exit(2)
    return python


def _imports(python):
    return subprocess.run([python, "-c", "import registro.cli"], cwd=ROOT).returncode == 0


def environment():
    """The environment for the commands run in .venv: its scripts folder first on PATH."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(venv_python()) + os.pathsep + env.get("PATH", "")
    return env


if __name__ == "__main__":
    print("Ambiente pronto: %s" % prepare())
