"""A run's output files, all or none: each written aside, then all put in place together.

Every file is written into a staging folder beside its target (`.registro-in-corso-XXXX`, hidden,
in the target's own folder: the same file system, so putting it in place is a rename). Only when
every file of the run is written are they put in place (`commit`):

1. check: each target that exists is a file that can be replaced (not a folder; not held by
   another program: on Windows a workbook open in Excel can be neither written nor renamed);
2. move each existing target aside into the staging folder, as a backup (a file held open fails
   here, before any new file is in place: the backups already taken go back);
3. rename each new file to its target, whose name is free by now (no rename over an existing file,
   which Windows refuses while any program holds it);
4. delete the backups and the staging folders.

A failure while writing leaves every target as it was; a failure in step 3 puts the backups back.
A killed run leaves its staging folder: the next run writing in that folder deletes it, after
undoing a commit it was killed in (the folder's `elenco.txt`, written before step 2 and deleted
after step 3, names the run's files: backups go back, new files without a previous one go away).
No polars here: the template builder uses it (through atomic_path).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

from registro.validators.errors import OutputError, RegistroError, user_message
from registro.validators.output_names import name_key

STAGING = ".registro-in-corso-"  # the staging folders' prefix
IN_USE = "in-uso.lock"  # held locked by the run writing in a staging folder
BACKUP = "precedente-"  # a target's previous file, moved aside during a commit
MANIFEST = "elenco.txt"  # the files a commit puts in this folder: present from step 2 until step 3 is done
PLACED, REMOVED = "+\t", "-\t"  # in the list: a file the commit puts in place, or takes away
WINDOWS = os.name == "nt"
_RETRIES = 10  # Windows: a file just written is often held a moment by an antivirus or indexer
_rename = os.rename  # a target's name is always free when a file is renamed to it


def _lock(handle) -> bool:
    """Lock an open file without waiting; False when another process holds it."""
    try:
        if WINDOWS:
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except ImportError:  # no file locks (Pyodide): one process only
        return True
    except OSError:
        return False


def _abandoned(staging: Path) -> bool:
    """A staging folder of a run that ended without cleaning it up (killed)."""
    try:
        with open(staging / IN_USE, "r+b") as handle:  # not yet there: a writer is creating its folder
            return _lock(handle)  # the writer's lock is gone with its process
    except OSError:
        return False


def _roll_back(staging: Path) -> None:
    """Undo a commit killed between steps 2 and 4: every previous file back in place, every new file
    the run put in a place that had none taken away (the list says which files were the run's)."""
    folder = staging.parent
    names = (staging / MANIFEST).read_text(encoding="utf-8").splitlines()
    for line in filter(None, names):
        kind, name = line[:2], line[2:]
        backup, staged, target = staging / (BACKUP + name), staging / name, folder / name
        if backup.exists():
            os.replace(backup, target)
        elif kind == PLACED and not staged.exists() and target.exists():  # put in place, with no previous file
            os.unlink(target)


def sweep(folder: Path) -> None:
    """Delete the staging folders killed runs left in folder, after undoing a commit one left half done."""
    try:
        leftovers = [p for p in folder.iterdir() if p.name.startswith(STAGING) and p.is_dir()]
    except OSError:
        return
    for staging in leftovers:
        try:
            if not _abandoned(staging):
                continue
            if (staging / MANIFEST).exists():
                _roll_back(staging)
            shutil.rmtree(staging, ignore_errors=True)
        except OSError:
            continue


def _retrying(move: Callable[[], None]) -> None:
    for attempt in range(_RETRIES):
        try:
            move()
            return
        except PermissionError:
            if not WINDOWS or attempt == _RETRIES - 1:
                raise
            time.sleep(0.2)


def is_staged(path: Path) -> bool:
    """Whether path is a file of a staging folder (a writer given it writes there directly)."""
    return Path(path).parent.name.startswith(STAGING)


def locked(target: Path) -> OutputError:
    """The one-liner for a target that cannot be replaced (on Windows: open in Excel)."""
    return OutputError(f"chiudere '{target.name}' in Excel e ripetere il comando: il file '{target}' non si può "
                       "sostituire perché è aperto in un altro programma o protetto da scrittura (nessun file di "
                       "uscita è stato scritto).")


def _replaceable(target: Path) -> None:
    """Raise OutputError when an existing target is a folder, or a file this process cannot replace."""
    if target.is_dir():
        raise OutputError(f"al posto del file di uscita '{target}' c'è una cartella: spostarla o indicare un altro "
                          "nome (nessun file di uscita è stato scritto).")
    if not target.exists():
        return
    try:
        with open(target, "r+b"):  # refused for a file held open by Excel (Windows) or read-only
            pass
    except PermissionError:
        raise locked(target) from None


def failed_step(step: str, exc: BaseException) -> OutputError:
    """An error while writing one output, as a message naming the step (a domain error's sentence kept whole)."""
    if isinstance(exc, OutputError):
        return exc
    tail = " Nessun file di uscita è stato scritto: i file di prima sono al loro posto."
    if isinstance(exc, RegistroError) and (exc.params or exc.values):  # the flags named as the edge names them
        return OutputError(f"{{_step}} non riuscita: {exc.template}{{_tail}}", params=exc.params, **exc.values,
                           _step=step, _tail=tail)
    if isinstance(exc, OSError):  # the step names the file: the staging folder's path would only confuse
        return OutputError(f"{step} non riuscita: {exc.strerror or exc}.{tail}")
    return OutputError(f"{step} non riuscita: {user_message(exc)}{tail}")


class OutputSet:
    """The files of one run, written aside and put in place together (see the module's docstring).

        with OutputSet(inputs) as out:
            write_report(report, out.aside(folder / "rapporto.xlsx"))
            out.write(folder / "riepilogo.xlsx", lambda path: write_totals(totals, path))
        # every file is in place here, or none is (an OutputError says which step failed)
    """

    def __init__(self, inputs: Iterable[Path] = ()):
        self.inputs = [Path(p) for p in inputs]
        self._targets: dict[str, tuple[Path, Path]] = {}  # name_key(absolute target) -> (target, staged)
        self._staging: dict[str, tuple[Path, object]] = {}  # the target folder -> (staging folder, its lock)
        self._removals: dict[str, tuple[Path, Path]] = {}  # files taken away with the commit -> (file, its place aside)
        self._backups: list[tuple[Path, Path]] = []
        self._kept: set[Path] = set()  # staging folders holding a backup that could not go back
        self.done = False
        self._lock = threading.Lock()  # steps may run side by side (api._write_month)

    # -- writing aside -------------------------------------------------------------------------

    def aside(self, target) -> Path:
        """Where to write target's new file (same name, in a staging folder beside it); checks that target
        is no input, no folder and no other output of this run (names compared without case)."""
        from registro.validators.output import check_target

        target = Path(target)
        check_target(target, self.inputs)
        if target.is_dir():
            _replaceable(target)
        key = name_key(os.path.abspath(target))
        with self._lock:
            if key in self._targets:
                raise OutputError(f"due file di uscita dello stesso comando avrebbero lo stesso nome '{target}' (in "
                                  "Windows maiuscole e minuscole non contano): indicare nomi diversi.")
            staged = self._folder(target.parent) / target.name
            self._targets[key] = (target, staged)
        return staged

    def write(self, target, writer: Callable[[Path], object], step: str | None = None) -> Path:
        """Write target's new file aside with writer(path); an error names the step (default: the file)."""
        target = Path(target)
        staged = self.aside(target)
        try:
            writer(staged)
        except Exception as exc:  # noqa: BLE001 - every failure of a step is said with the step's name
            raise failed_step(step or f"scrittura di '{target.name}'", exc) from exc
        return target

    def remove(self, target) -> bool:
        """Take target away with the commit (a previous run's file that this run does not write, which
        would otherwise be taken for this run's); False when there is no such file."""
        from registro.validators.output import check_target

        target = Path(target)
        if not target.is_file():
            return False
        check_target(target, self.inputs)
        key = name_key(os.path.abspath(target))
        with self._lock:
            if key in self._targets or key in self._removals:
                raise OutputError(f"il file di uscita '{target}' sarebbe insieme scritto e tolto.")
            self._removals[key] = (target, self._folder(target.parent) / target.name)
        return True

    @property
    def removed(self) -> list[Path]:
        """The files this run takes away (see remove)."""
        return [target for target, _ in self._removals.values()]

    def _folder(self, parent: Path) -> Path:
        key = name_key(os.path.abspath(parent))
        if key not in self._staging:
            parent.mkdir(parents=True, exist_ok=True)
            sweep(parent)
            staging = Path(tempfile.mkdtemp(prefix=STAGING, dir=parent))
            handle = open(staging / IN_USE, "a+b")
            _lock(handle)
            self._staging[key] = (staging, handle)
        return self._staging[key][0]

    @property
    def targets(self) -> list[Path]:
        """The files this run puts in place, in the order they were set aside."""
        return [target for target, _ in self._targets.values()]

    # -- putting in place ----------------------------------------------------------------------

    def prepare(self) -> None:
        """Steps 1 and 2: every target checked, then the existing ones moved aside (undone on failure)."""
        for target, staged in self._targets.values():
            if not staged.exists():
                raise OutputError(f"il file di uscita '{target}' non è stato scritto: nessun file di uscita è stato "
                                  "cambiato.")
            _replaceable(target)
        for target, _ in self._removals.values():
            _replaceable(target)
        lists: dict[Path, list[str]] = {}
        for target, staged in self._targets.values():
            lists.setdefault(staged.parent, []).append(PLACED + staged.name)
        for target, aside in self._removals.values():
            lists.setdefault(aside.parent, []).append(REMOVED + aside.name)
        for staging, names in lists.items():  # from here a killed run is undone by the next one (sweep)
            (staging / MANIFEST).write_text("\n".join(names) + "\n", encoding="utf-8")
        for target, staged in [*self._targets.values(), *self._removals.values()]:
            if not os.path.lexists(target):
                continue
            backup = staged.with_name(BACKUP + staged.name)
            try:
                _retrying(lambda: _rename(target, backup))
            except OSError:
                self.rollback()
                raise locked(target) from None
            self._backups.append((target, backup))

    def finish(self) -> None:
        """Step 3 (the backups go back on failure), then step 4."""
        placed: list[Path] = []
        try:
            for target, staged in self._targets.values():
                _retrying(lambda: _rename(staged, target))
                placed.append(target)
        except OSError as exc:
            for path in placed:
                try:
                    os.unlink(path)
                except OSError:
                    pass
            self.rollback()
            raise OutputError(f"impossibile mettere al suo posto '{target}' ({exc.strerror or exc}): nessun file di "
                              "uscita è stato cambiato.") from None
        self.done = True
        for staging, _ in self._staging.values():  # step 3 done: the backups are no longer needed
            try:
                os.unlink(staging / MANIFEST)
            except OSError:
                pass
        self.close()

    def commit(self) -> None:
        """Put every file in place, or none (OutputError)."""
        self.prepare()
        self.finish()

    def rollback(self) -> None:
        """Put back every previous file moved aside (a backup that cannot go back stays in its staging folder)."""
        for target, backup in reversed(self._backups):
            try:
                if os.path.lexists(target):
                    os.unlink(target)
                _retrying(lambda: _rename(backup, target))
            except OSError:
                self._kept.add(backup.parent)
        self._backups = []

    def close(self) -> None:
        """Delete the staging folders (with the new files not put in place, or the backups after a commit)."""
        for staging, handle in self._staging.values():
            handle.close()
            if staging not in self._kept:
                shutil.rmtree(staging, ignore_errors=True)
        self._staging = {}

    def __enter__(self) -> "OutputSet":
        return self

    def __exit__(self, kind, exc, tb) -> None:
        try:
            if kind is None and not self.done:
                self.commit()
        finally:
            if not self.done:
                self.rollback()
            self.close()
