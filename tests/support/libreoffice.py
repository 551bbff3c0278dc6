"""Drive headless LibreOffice Calc from pytest (venv side of the harness).

The tests run in the project's venv, which cannot ``import uno``.  This
module therefore runs ``lo_driver.py`` with the system Python that has
``uno`` (``/usr/bin/python3`` on Debian with ``python3-uno``), sends it a
JSON list of operations and returns the JSON results.

Example::

    runner = require_libreoffice()
    results = runner.run("book.xlsx", [
        {"op": "set", "sheet": "Data", "cell": "A2", "value": "F1"},
        {"op": "calculate_all"},
        {"op": "get", "sheet": "Data", "range": "A2:D2"},
    ])
    row = results[2][0]

The operations and their JSON shapes are listed in ``lo_driver.py``.  Each
call starts one soffice (private profile, unique pipe) and always kills it;
``run_many`` processes several documents in that one session.  Errors inside
LibreOffice raise ``LibreOfficeError`` with the driver's message; a run that
exceeds ``timeout`` raises ``LibreOfficeTimeout``.

Environment overrides: ``REGISTRO_UNO_PYTHON`` (interpreter with ``uno``),
``REGISTRO_SOFFICE`` (soffice executable).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

DRIVER = Path(__file__).with_name("lo_driver.py")
DEFAULT_UNO_PYTHON = "/usr/bin/python3"
# Extra seconds the venv side waits beyond the driver's own watchdog.
_GRACE_SECONDS = 20

Op = dict[str, Any]


class LibreOfficeError(RuntimeError):
    """An operation failed inside LibreOffice or the driver."""

    def __init__(
        self,
        message: str,
        *,
        job: int | None = None,
        op_index: int | None = None,
        op: str | None = None,
        driver_traceback: str = "",
        session_id: str = "",
    ) -> None:
        """Keep where in the request the failure happened."""
        super().__init__(message)
        self.job = job
        self.op_index = op_index
        self.op = op
        self.driver_traceback = driver_traceback
        self.session_id = session_id


class LibreOfficeTimeout(LibreOfficeError):
    """The run exceeded its timeout; soffice was killed."""


@dataclass
class Job:
    """One document and the operations to run on it, in order."""

    document: str | os.PathLike[str]
    ops: Sequence[Op] = field(default_factory=list)


def uno_python() -> str:
    """Interpreter used to run the driver (must be able to import uno)."""
    return os.environ.get("REGISTRO_UNO_PYTHON", DEFAULT_UNO_PYTHON)


def soffice_path() -> str | None:
    """Path of the soffice executable, or None if not installed."""
    override = os.environ.get("REGISTRO_SOFFICE")
    if override:
        return override if os.access(override, os.X_OK) else None
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    fallback = "/usr/lib/libreoffice/program/soffice"
    return fallback if os.access(fallback, os.X_OK) else None


@functools.lru_cache(maxsize=None)
def _probe(python: str, soffice: str | None) -> str | None:
    """Return why LibreOffice cannot be driven, or None if it can."""
    if soffice is None:
        return "soffice not found (install the Debian packages libreoffice-calc and python3-uno)"
    if not os.access(python, os.X_OK):
        return f"{python} not found (needed to run the UNO driver)"
    try:
        subprocess.run(
            [python, "-c", "import uno"],
            check=True,
            capture_output=True,
            timeout=30,
        )
    except (subprocess.SubprocessError, OSError):
        return f"{python} cannot 'import uno' (install the Debian package python3-uno)"
    calc = Path(soffice).resolve().parent / "libsclo.so"
    if not calc.exists():
        return f"LibreOffice Calc is not installed next to {soffice} (libreoffice-calc)"
    return None


def unavailable_reason() -> str | None:
    """Why LibreOffice/UNO is unusable here, or None when it is usable."""
    return _probe(uno_python(), soffice_path())


def lo_available() -> bool:
    """True when headless LibreOffice Calc can be driven through UNO."""
    return unavailable_reason() is None


def _kill_group(pgid: int) -> None:
    """SIGKILL a process group, ignoring groups that are already gone."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_soffice(session_dir: str, session_id: str) -> None:
    """Kill soffice and drop its pipes for a driver that could not clean up."""
    try:
        pgid = int(Path(session_dir, "soffice.pgid").read_text().strip())
    except (OSError, ValueError):
        return
    _kill_group(pgid)
    # Same names as lo_driver.Session._remove_pipes (session_dir is URL-safe).
    profile_url = Path(session_dir, "profile").as_uri()
    digest = hashlib.md5(profile_url.encode("utf-16-le")).digest()
    ipc = "SingleOfficeIPC_" + "".join(format(b, "x") for b in digest)
    for name in (session_id, ipc):
        for folder in ("/tmp", "/var/tmp"):
            Path(folder, f"OSL_PIPE_{os.getuid()}_{name}").unlink(missing_ok=True)


def _created_earlier(previous: Sequence[Job], job: Job) -> bool:
    """True if an earlier job saves a file at this job's document path."""
    target = Path(job.document).resolve()
    return any(
        op.get("op") in ("save_as", "export_pdf") and Path(op.get("path", "")).resolve() == target
        for earlier in previous
        for op in earlier.ops
    )


class LibreOfficeRunner:
    """Runs operation lists on documents, one soffice session per call."""

    def __init__(
        self,
        *,
        python: str | None = None,
        soffice: str | None = None,
        connect_timeout: float = 60,
    ) -> None:
        """Configure interpreter, soffice path and the connect bound."""
        self.python = python or uno_python()
        self.soffice = soffice or soffice_path() or "soffice"
        self.connect_timeout = connect_timeout

    def run(
        self, document: str | os.PathLike[str], ops: Sequence[Op], timeout: float = 180
    ) -> list[Any]:
        """Run ops on one document; return one result per op."""
        return self.run_many([Job(document, ops)], timeout=timeout)[0]

    def run_many(
        self, jobs: Iterable[Job | tuple[Any, Sequence[Op]]], timeout: float = 180
    ) -> list[list[Any]]:
        """Run several documents in one soffice session; results per job."""
        job_list = [j if isinstance(j, Job) else Job(*j) for j in jobs]
        for index, job in enumerate(job_list):
            # Fail fast, without starting soffice, unless an earlier job of
            # this run may create the file (e.g. with save_as).
            if not Path(job.document).is_file() and not _created_earlier(job_list[:index], job):
                raise LibreOfficeError(f"document not found: {job.document}", job=index, op="load")
        session_id = "registro_lo_" + uuid.uuid4().hex
        session_dir = tempfile.mkdtemp(prefix=session_id + "_")
        request = {
            "session_dir": session_dir,
            "pipe_name": session_id,
            "soffice": self.soffice,
            "timeout": timeout,
            "connect_timeout": self.connect_timeout,
            "jobs": [
                {"document": str(Path(j.document).resolve()), "ops": list(j.ops)}
                for j in job_list
            ],
        }
        try:
            return self._exchange(request, timeout, session_id, session_dir)
        finally:
            shutil.rmtree(session_dir, ignore_errors=True)

    def _exchange(
        self, request: dict[str, Any], timeout: float, session_id: str, session_dir: str
    ) -> list[list[Any]]:
        """Start the driver, feed the request, parse and check the answer."""
        proc = subprocess.Popen(
            [self.python, str(DRIVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            cwd=session_dir,
        )
        try:
            out, err = proc.communicate(json.dumps(request).encode(), timeout=timeout + _GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            _kill_group(proc.pid)
            _kill_soffice(session_dir, session_id)
            proc.communicate()
            raise LibreOfficeTimeout(
                f"LibreOffice driver did not finish within {timeout + _GRACE_SECONDS} s",
                session_id=session_id,
            ) from None
        finally:
            if proc.poll() is None:
                # Interrupted (e.g. Ctrl-C): the driver cannot clean up now.
                _kill_group(proc.pid)
                _kill_soffice(session_dir, session_id)
                proc.wait()
        stderr_tail = err.decode("utf-8", "replace")[-2000:]
        try:
            answer = json.loads(out.decode("utf-8"))
        except ValueError:
            # The driver died without answering, maybe leaving soffice behind.
            _kill_soffice(session_dir, session_id)
            raise LibreOfficeError(
                f"LibreOffice driver exited with code {proc.returncode} without an answer;"
                f" stderr: {stderr_tail}",
                session_id=session_id,
            ) from None
        if answer.get("ok"):
            return answer["results"]
        where = []
        if answer.get("job") is not None:
            where.append(f"job {answer['job']}")
        if answer.get("op_index") is not None:
            where.append(f"op {answer['op_index']}")
        if answer.get("op"):
            where.append(repr(answer["op"]))
        prefix = f"[{' '.join(where)}] " if where else ""
        error_class = LibreOfficeTimeout if proc.returncode == 3 else LibreOfficeError
        raise error_class(
            prefix + str(answer.get("error")),
            job=answer.get("job"),
            op_index=answer.get("op_index"),
            op=answer.get("op"),
            driver_traceback=answer.get("traceback", ""),
            session_id=session_id,
        )


def run(
    document_path: str | os.PathLike[str], ops: Sequence[Op], timeout: float = 180
) -> list[Any]:
    """Run ops on one document with a default runner; one result per op."""
    return LibreOfficeRunner().run(document_path, ops, timeout=timeout)


def require_libreoffice() -> LibreOfficeRunner:
    """Return a runner, or skip the test (fail it when CI=true) if unavailable."""
    import pytest  # only needed by tests; keeps this module importable elsewhere

    reason = unavailable_reason()
    if reason is not None:
        message = f"LibreOffice/UNO unavailable: {reason}"
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(message + " (CI=true: LibreOffice tests must not be skipped)")
        pytest.skip(message)
    return LibreOfficeRunner()
