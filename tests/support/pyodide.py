"""The real Pyodide runtime for tests: Node + the pinned npm `pyodide` package + wheels from PyPI.

Everything is fetched at test-setup time into build/pyodide-<version>/ (ignored by git) through the
registries' own clients (npm, pip) and reused by later runs:

- node/node_modules/pyodide: the runtime and its pyodide-lock.json (no wheels in the npm package);
- wheels/: micropip, the dependencies of the registro wheel for Pyodide's platform
  (pyemscripten_<abi>_wasm32, Python 3.14), PyYAML's pure-Python files as a py3-none-any wheel
  (PyPI has no wasm wheel of PyYAML; Pyodide's own build comes from its CDN), and the project's
  own wheel, rebuilt for every session.

`run_script` installs requirements with micropip from that folder only (served as a local
package index by pyodide_run.mjs) and runs a Python script inside Pyodide.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

PYODIDE_NPM = "314.0.8"  # pinned: its lock file names Python 3.14.2 and ABI 2026_0
ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build" / f"pyodide-{PYODIDE_NPM}"
RUNNER = Path(__file__).with_name("pyodide_run.mjs")
# Dependencies that PyPI has no wheel of for Pyodide's platform, though their pure-Python files work.
PURE_FROM_SDIST = ("pyyaml",)
SETUP_TIMEOUT = 600
RUN_TIMEOUT = 300


class Unavailable(Exception):
    """The Pyodide runtime cannot be prepared here (no node/npm, no network...)."""


@dataclass
class Runtime:
    pyodide_dir: Path
    wheels: Path
    platform: str
    python: str
    project_wheel: Path

    def run_script(self, script: str, requirements: list[str], *, preinstalled: tuple[str, ...] = (),
                   without: tuple[str, ...] = (), timeout: float = RUN_TIMEOUT) -> subprocess.CompletedProcess:
        """Install requirements with micropip (local wheels only), then run script in Pyodide.

        without: packages removed from Pyodide's lock file; preinstalled: installed beforehand
        (a failure there fails the run, a failure on requirements is the script's INSTALL_ERROR).
        """
        path = BUILD / "script.py"
        path.write_text(script, encoding="utf-8")
        config = BUILD / "run.json"
        config.write_text(json.dumps({"pyodide": str(self.pyodide_dir), "wheels": str(self.wheels), "script": str(path),
                                      "preinstalled": list(preinstalled), "requirements": list(requirements),
                                      "without": list(without)}), encoding="utf-8")
        return subprocess.run(["node", str(RUNNER), str(config)], capture_output=True, text=True, timeout=timeout, cwd=BUILD)


def _run(cmd: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=SETUP_TIMEOUT, **kwargs)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Unavailable(f"{what}: {exc}") from None
    if done.returncode != 0:
        raise Unavailable(f"{what} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return done


def _npm_pyodide() -> Path:
    node_dir = BUILD / "node"
    pkg = node_dir / "node_modules" / "pyodide"
    if not (pkg / "package.json").is_file() or json.loads((pkg / "package.json").read_text())["version"] != PYODIDE_NPM:
        node_dir.mkdir(parents=True, exist_ok=True)
        _run(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(node_dir),
              "--cache", str(BUILD / "npm-cache"), f"pyodide@{PYODIDE_NPM}"], "npm install pyodide")
    return pkg


def _tools_python() -> Path:
    """A small venv with a current setuptools, to build wheels without fetching build backends each time."""
    tools = BUILD / "tools"
    python = tools / "bin" / "python"
    if not python.exists():
        _run([sys.executable, "-m", "venv", str(tools)], "python -m venv")
        _run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--cache-dir", str(BUILD / "pip-cache"), "setuptools>=70.1"],
             "pip install setuptools")
    return python


def build_project_wheel(target: Path) -> Path:
    """The registro wheel built from the working tree (pip wheel --no-deps)."""
    for old in target.glob("registro-*.whl"):
        old.unlink()
    shutil.rmtree(ROOT / "build" / "lib", ignore_errors=True)  # setuptools never prunes stale files there
    _run([str(_tools_python()), "-m", "pip", "wheel", "-q", "--disable-pip-version-check", "--no-deps", "--no-build-isolation",
          "--cache-dir", str(BUILD / "pip-cache"), "-w", str(target), str(ROOT)], "pip wheel registro")
    (wheel,) = target.glob("registro-*.whl")
    return wheel


def emscripten_requirements(wheel: Path, python: str) -> list[str]:
    """The wheel's Requires-Dist that apply in Pyodide (markers evaluated for emscripten)."""
    from packaging.requirements import Requirement

    with zipfile.ZipFile(wheel) as z:
        (meta,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        text = z.read(meta).decode("utf-8")
    env = {"sys_platform": "emscripten", "platform_system": "Emscripten", "os_name": "posix",
           "platform_machine": "wasm32", "python_version": ".".join(python.split(".")[:2]),
           "python_full_version": python, "implementation_name": "cpython", "extra": ""}
    reqs = []
    for line in re.findall(r"^Requires-Dist: (.+)$", text, flags=re.M):
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate(env):
            reqs.append(req)
    return reqs


def _pure_wheel_from_sdist(name: str, version: str, target: Path) -> None:
    """A py3-none-any wheel of a package's pure-Python files, taken from its PyPI sdist."""
    sdists = BUILD / "sdist"
    _run([str(_tools_python()), "-m", "pip", "download", "-q", "--disable-pip-version-check", "--no-deps", "--no-binary", ":all:", "--no-build-isolation",
          "--cache-dir", str(BUILD / "pip-cache"), "-d", str(sdists), f"{name}=={version}"], f"pip download {name}")
    (sdist,) = sdists.glob(f"{name}-{version}.tar.gz")
    dist = f"{name}-{version}.dist-info"
    files: dict[str, bytes] = {}
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            parts = member.name.split("/")
            if member.isfile() and len(parts) >= 4 and parts[1] == "lib" and parts[-1].endswith(".py"):
                files["/".join(parts[2:])] = tar.extractfile(member).read()
    files[f"{dist}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    files[f"{dist}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: registro-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    files[f"{dist}/RECORD"] = ("\n".join(record + [f"{dist}/RECORD,,"]) + "\n").encode()
    with zipfile.ZipFile(target / f"{name}-{version}-py3-none-any.whl", "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in files.items():
            z.writestr(path, data)


def _dependency_wheels(reqs, lock: dict, platform: str, python: str, target: Path) -> None:
    def spec(req) -> str:  # without the marker, already evaluated for emscripten
        return req.name + (f"[{','.join(sorted(req.extras))}]" if req.extras else "") + str(req.specifier)

    pure = [r for r in reqs if r.name.lower() in PURE_FROM_SDIST]
    binary = sorted(spec(r) for r in reqs if r not in pure) + [f"micropip=={lock['packages']['micropip']['version']}"]
    stamp = target / "requirements.txt"
    wanted = "\n".join(binary + sorted(spec(r) for r in pure))
    if stamp.is_file() and stamp.read_text() == wanted:
        return
    _run([sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check", "--only-binary=:all:", "--platform", platform,
          "--python-version", ".".join(python.split(".")[:2]), "--implementation", "cp",
          "--abi", "cp" + "".join(python.split(".")[:2]), "--abi", "abi3", "--abi", "none",
          "--cache-dir", str(BUILD / "pip-cache"), "-d", str(target), *binary], "pip download (wheels for Pyodide)")
    for req in pure:
        # the version Pyodide itself ships, so the test runs the files the browser would load
        version = lock["packages"][req.name.lower()]["version"]
        _pure_wheel_from_sdist(req.name.lower(), version, target)
    stamp.write_text(wanted)


def prepare() -> Runtime:
    """Download (once) and assemble everything; raises Unavailable when it cannot be done here."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise Unavailable(f"'{tool}' not found (Debian packages nodejs and npm)")
    pkg = _npm_pyodide()
    lock = json.loads((pkg / "pyodide-lock.json").read_text())
    info = lock["info"]
    platform, python = f"pyemscripten_{info['abi_version']}_{info['arch']}", info["python"]
    wheels = BUILD / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    project = build_project_wheel(BUILD / "project")
    _dependency_wheels(emscripten_requirements(project, python), lock, platform, python, wheels)
    for old in wheels.glob("registro-*.whl"):
        old.unlink()
    shutil.copy2(project, wheels / project.name)
    return Runtime(pkg, wheels, platform, python, wheels / project.name)


def require_pyodide() -> Runtime:
    """The runtime, or skip the test (fail it when CI=true) if it cannot be prepared."""
    import pytest

    try:
        return prepare()
    except Unavailable as exc:
        message = f"Pyodide runtime unavailable: {exc}"
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(message + " (CI=true: Pyodide tests must not be skipped)")
        pytest.skip(message)
