"""Which files of the paths given are registers, and how each is named to the user.

A folder is searched in its subfolders. Each register found in a folder is named by its path
relative to that folder (`Jesi/registro.xlsx`); a file given by itself keeps the path as given.
Whatever a folder holds that is not read (lock files of Excel and LibreOffice, other extensions,
hidden files and folders, subfolders that cannot be opened) is kept with the reason, so that the
summary lists it: nothing is dropped in silence.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
SUFFIXES = EXCEL_SUFFIXES | CSV_SUFFIXES

EXCEL_LOCK = "~$"  # Excel's owner file beside an open workbook: ~$registro.xlsx
LIBREOFFICE_LOCK = ".~lock."  # LibreOffice's lock file: .~lock.registro.xlsx#


@dataclass(frozen=True)
class LeftOut:
    """Something in a folder that is not read, and why (Italian)."""

    name: str
    reason: str


@dataclass
class Found:
    """The registers of the paths given (files[i] is named names[i]) and what was left out."""

    files: list[Path] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)


def lock_file_kind(name: str) -> str | None:
    """'Excel' or 'LibreOffice' when a file name is one of their lock files, else None."""
    if name.startswith(EXCEL_LOCK):
        return "Excel"
    if name.startswith(LIBREOFFICE_LOCK) and name.endswith("#"):
        return "LibreOffice"
    return None


def lock_file_reason(name: str) -> str | None:
    """Why a lock file is not a register, in Italian (None for any other file)."""
    kind = lock_file_kind(name)
    if kind is None:
        return None
    return (f"è il file temporaneo che {kind} crea mentre il registro è aperto: non contiene dati; "
            f"il registro vero è '{original_name(name)}'")


def original_name(lock_name: str) -> str:
    """The workbook a lock file stands for: '~$registro.xlsx' -> 'registro.xlsx' (Excel may cut
    the first two characters of a long name: then the name is as found)."""
    if lock_name.startswith(EXCEL_LOCK):
        return lock_name[len(EXCEL_LOCK):]
    return lock_name[len(LIBREOFFICE_LOCK):].removesuffix("#")


def _reason(name: str) -> str | None:
    """Why a file found in a folder is not read (None: it is a register to read)."""
    locked = lock_file_reason(name)
    if locked:
        return locked
    if name.startswith("."):
        return "file nascosto"
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        what = f"estensione '{Path(name).suffix}'" if suffix else "nessuna estensione"
        return f"{what}: non è un registro (.xlsx, .xlsm, .xls, .ods, .csv)"
    return None


def _walk(folder: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(register files, [(path, reason) left out]) under folder, in name order, subfolders after files."""
    files: list[Path] = []
    left: list[tuple[Path, str]] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: (e.name.casefold(), e.name))
    except OSError as exc:
        return [], [(folder, f"cartella non leggibile ({exc.strerror or type(exc).__name__})")]
    subfolders = []
    for entry in entries:
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError:
            is_dir = is_file = False
        if is_dir:
            if entry.name.startswith("."):
                left.append((path, "cartella nascosta"))
            elif entry.is_symlink():
                left.append((path, "collegamento a una cartella: indicare la cartella stessa"))
            else:
                subfolders.append(path)
        elif is_file:
            reason = _reason(entry.name)
            if reason is None:
                files.append(path)
            else:
                left.append((path, reason))
        else:
            left.append((path, "non è un file (collegamento interrotto o file speciale)"))
    for sub in subfolders:
        more, more_left = _walk(sub)
        files += more
        left += more_left
    return files, left


def find(paths) -> Found:
    """The registers of the paths given, in order (each folder searched in its subfolders), with
    their names for the user; the same file given twice (or by a folder and by name) is read once."""
    found = Found()
    given = [Path(p) for p in paths]
    entries: list[tuple[Path, str, str]] = []  # (path, name relative to its folder, name with the folder)
    for p in given:
        if p.is_dir():
            files, left = _walk(p)
            entries += [(f, f.relative_to(p).as_posix(), _joined(p, f)) for f in files]
            found.left_out += [LeftOut(_joined(p, f) if len(given) > 1 else f.relative_to(p).as_posix(), why)
                               for f, why in left]
        else:
            entries.append((p, str(p), str(p)))
    # Names relative to their folder, unless two inputs would then share a name.
    short = [e[1] for e in entries]
    clash = {n.casefold() for n in short if sum(1 for m in short if m.casefold() == n.casefold()) > 1}
    seen: set[Path] = set()
    for path, name, long in entries:
        key = _identity(path)
        if key in seen:
            continue
        seen.add(key)
        found.files.append(path)
        found.names.append(long if name.casefold() in clash else name)
    return found


def _joined(folder: Path, file: Path) -> str:
    """A file's name with the folder as given: 'registri/Jesi/registro.xlsx'."""
    return (folder / file.relative_to(folder)).as_posix()


def _identity(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()
