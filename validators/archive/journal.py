"""The intent journal: how a change of the archive is put in place so that, killed at any point, it
leaves every partition of the dataset folder as it was or as it will be, and the next command
finishes it.

A writer first writes every new file in the staging folder (`lavoro/`, same file system, outside
`dati/`), flushed to disk. Then, holding the exclusive lock, it writes `giornale.json`: the moves
(staged file -> its place), the files to delete and the new `archivio.json`. From that moment the
change is decided: `apply` moves each staged file over its partition's file with os.replace (a
reader of `dati/` sees the old file or the new one, whole), deletes the files to delete and their
empty folders, writes the metadata and deletes the journal. A process killed before the journal
leaves the archive untouched and staged files that the next writer deletes (the change is rolled
back); killed after it, the next command applies the same journal again (rolled forward): a
staged file already moved is simply no longer in `lavoro/`.

No polars here: `registro archivio stato` finishes an interrupted change too.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from registro.validators.archive.meta import (DATA, FILE_MODE, JOURNAL, LOCK, META, STAGING, WRITER_LOCK, file_lock,
                                              fsync_dir, now, private_dirs, remove_empty_dirs, write_json)
from registro.validators.errors import ArchiveError

FORMAT = "registro-giornale"
DONE = {"importazione": "Completata l'importazione interrotta", "rimozione": "Completata la rimozione interrotta",
        "verifica": "Completata la ricostruzione interrotta dell'indice dello storico",
        "aggiornamento": "Completato l'aggiornamento interrotto al nuovo schema dell'archivio"}
_RETRIES = 10  # Windows: a file held open by another program (antivirus, indexer) is often let go in a moment
WINDOWS = os.name == "nt"
_rename = os.replace  # atomic on POSIX, and on Windows when no other program holds the target open


def commit(folder: Path, operation: str, moves: list[tuple[str, str]], removals: list[str], meta: dict) -> None:
    """Put a change in place: the journal, then its moves, removals and metadata (paths relative to
    the archive folder; call with the writer lock and the exclusive lock held)."""
    doc = {"formato": FORMAT, "operazione": operation, "creato": now(),
           "sposta": [{"da": src, "a": dst} for src, dst in moves], "togli": removals, "metadati": meta}
    write_json(folder / JOURNAL, doc)
    apply(folder, doc)


def apply(folder: Path, doc: dict) -> list[str]:
    """Carry out a journal (again, after a kill: every step can be repeated); the files put in place."""
    placed = []
    for move in doc["sposta"]:
        src, dst = folder / move["da"], folder / move["a"]
        if src.exists():
            private_dirs(dst.parent, folder)
            _replace(src, dst)
            if os.name == "posix":
                os.chmod(dst, FILE_MODE)  # an archive of schema 1 had the umask's modes
            fsync_dir(dst.parent)
        elif not dst.exists():
            raise ArchiveError(f"l'operazione interrotta descritta in '{folder / JOURNAL}' non si può completare: "
                               f"mancano sia '{src}' sia '{dst}'. Ripristinare l'archivio da una copia di sicurezza.")
        placed.append(move["a"])
    for relative in doc["togli"]:
        try:
            os.unlink(folder / relative)
        except FileNotFoundError:
            pass
    remove_empty_dirs(folder / DATA)
    remove_empty_dirs(folder)  # schema 1 kept its partitions at the top level
    write_json(folder / META, doc["metadati"])
    os.unlink(folder / JOURNAL)
    fsync_dir(folder)
    return placed


def pending(folder: Path) -> dict | None:
    """The journal of a change a killed process left half done (None without one)."""
    path = folder / JOURNAL
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (UnicodeDecodeError, json.JSONDecodeError):
        doc = None
    if not (isinstance(doc, dict) and doc.get("formato") == FORMAT and isinstance(doc.get("sposta"), list)
            and isinstance(doc.get("togli"), list) and isinstance(doc.get("metadati"), dict)):
        raise ArchiveError(f"'{path}' è danneggiato: ripristinare l'archivio da una copia di sicurezza.")
    return doc


def finish(folder: Path) -> list[str]:
    """Complete a change left half done (call with the writer lock and the exclusive lock held);
    what was done, in Italian, one line per file."""
    doc = pending(folder)
    if doc is None:
        return []
    placed = apply(folder, doc)
    what = DONE.get(doc.get("operazione"), "Completata l'operazione interrotta")
    lines = [f"{what} ({JOURNAL}): {len(placed)} file messi al loro posto, "
             f"{len(doc['togli'])} tolti."]
    lines += [f"Messo al suo posto: {folder / p}" for p in placed]
    lines += [f"Tolto: {folder / p}" for p in doc["togli"]]
    return lines


def recover(folder: Path) -> list[str]:
    """finish() for a process that holds no lock (a reader that found a journal): takes both locks."""
    try:
        with file_lock(folder / WRITER_LOCK, exclusive=True), file_lock(folder / LOCK, exclusive=True):
            return finish(folder)
    except PermissionError:
        raise ArchiveError(f"l'archivio '{folder}' ha un'operazione interrotta da completare ({JOURNAL}) e non si "
                           "può scrivere nella sua cartella: eseguire 'registro archivio verifica' con un utente che "
                           "può scriverci.") from None


def staged(folder: Path) -> list[Path]:
    """The files in the staging folder (an interrupted change's, when no writer is at work)."""
    root = folder / STAGING
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def _replace(src: Path, dst: Path) -> None:
    """os.replace, with an Italian message when another program holds the file (Windows)."""
    for attempt in range(_RETRIES):
        try:
            _rename(src, dst)
            return
        except PermissionError:
            if not WINDOWS or attempt == _RETRIES - 1:
                break
            time.sleep(0.2)
    raise ArchiveError(f"impossibile mettere al suo posto '{dst}': il file è aperto in un altro programma (ad es. "
                       "Power BI o Excel) o la cartella non si può scrivere; chiudere il programma ed eseguire "
                       "'registro archivio verifica', che completa l'operazione.")
