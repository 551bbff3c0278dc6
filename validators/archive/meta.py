"""The archive's metadata, folder layout and lock, without polars (`registro archivio stato` answers
from here in a fraction of a second, whatever the archive's size)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from registro.validators.errors import ArchiveError

SCHEMA_VERSION = 1
FORMAT = "registro-archivio"
META = "archivio.json"
LOCK = ".registro.lock"
HISTORY_FILE = re.compile(r"^storico-[0-9a-f]{32}\.parquet(\.tmp)?$")  # registro.validators.archive.index
PART = re.compile(r"^part-[0-9a-f]{32}\.parquet(\.tmp)?$")
MONTH_DIR = re.compile(r"^mese=(\d{4}-\d{2})$")
OFFICE_DIR = re.compile(r"^sede=([a-z0-9-]+)$")
IGNORED = {".DS_Store", "Thumbs.db", "desktop.ini"}  # written by file managers, never by us


def office_slug(name: str) -> str:
    """The folder name of an office: 'Civitanova  Marche' -> 'civitanova-marche' (case and accents ignored)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "senza-nome"


@dataclass(frozen=True)
class Partition:
    """One (month, office) pair of the archive, as the metadata describes it."""

    month: str
    office: str  # slug
    office_name: str
    file: str  # relative to the archive folder
    rows: int
    persons: int
    imported: str
    catalogue: str
    sources: tuple[tuple[str, str], ...]  # (file name, SHA-256)

    @property
    def key(self) -> tuple[str, str]:
        return self.month, self.office

    def to_json(self) -> dict:
        return {"mese": self.month, "sede": self.office, "nome_sede": self.office_name, "file": self.file,
                "righe": self.rows, "persone": self.persons, "importato": self.imported,
                "catalogo": self.catalogue, "origini": [{"file": f, "sha256": s} for f, s in self.sources]}

    @classmethod
    def from_json(cls, doc: dict) -> "Partition":
        return cls(doc["mese"], doc["sede"], doc["nome_sede"], doc["file"], int(doc["righe"]), int(doc["persone"]),
                   doc["importato"], doc["catalogo"], tuple((o["file"], o["sha256"]) for o in doc["origini"]))


def read_meta(folder: Path) -> dict:
    """archivio.json, checked: ours, a schema this version reads, well formed."""
    path = folder / META
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArchiveError(f"archivio non trovato in '{folder}' (manca {META}).") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ArchiveError(f"'{path}' è danneggiato: ripristinare l'archivio da una copia di sicurezza.") from None
    if not isinstance(meta, dict) or meta.get("formato") != FORMAT:
        raise ArchiveError("'{path}' non è il file di un archivio di registro: indicare la cartella giusta con "
                           "{archive}.", params=("archive",), path=path)
    version = meta.get("versione_schema")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise ArchiveError(f"l'archivio '{folder}' è stato scritto da una versione più recente di registro (schema "
                           f"{version}, questa versione legge fino allo schema {SCHEMA_VERSION}): aggiornare registro.")
    try:
        [Partition.from_json(p) for p in meta["partizioni"]]
        str(meta["chiave"])
    except (KeyError, TypeError, ValueError):
        raise ArchiveError(f"'{path}' è danneggiato: ripristinare l'archivio da una copia di sicurezza.") from None
    return meta


def write_json(path: Path, doc: dict) -> None:
    """Replace a JSON file atomically: temporary file beside it, flushed to disk, then renamed."""
    tmp = path.with_name(f".{path.name}-{uuid.uuid4().hex}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def remove_file(folder: Path, relative: str) -> None:
    """Delete a partition file (already unreferenced) and the folders it leaves empty."""
    try:
        os.unlink(folder / relative)
    except FileNotFoundError:
        pass
    remove_empty_dirs(folder)


def remove_empty_dirs(folder: Path) -> None:
    """Delete the mese=/sede= folders left without files."""
    for month in folder.glob("mese=*"):
        for office in month.glob("sede=*"):
            if office.is_dir() and not any(office.iterdir()):
                office.rmdir()
        if month.is_dir() and not any(month.iterdir()):
            month.rmdir()


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries to disk (a rename is durable only then); POSIX only."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def file_lock(path: Path, exclusive: bool):
    """An advisory lock on a file: shared for readers, exclusive for writers (waits for the other holder)."""
    fh = open(path, "a+b")
    try:
        try:
            import fcntl
        except ImportError:  # Windows: one exclusive lock on the first byte
            import msvcrt

            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
            return
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    finally:
        fh.close()


def history_file(meta: dict) -> str | None:
    """The history index file the metadata names (registro.validators.archive.index); None without one."""
    entry = meta.get("storico")
    return entry.get("file") if isinstance(entry, dict) else None


def check_folder(folder: Path, partitions: list[Partition], *, remove_leftovers: bool,
                 history: str | None = None) -> list[str]:
    """Refuse foreign files; list (and remove) the files of an interrupted import (history: the
    history index file the metadata names)."""
    referenced = {p.file for p in partitions}
    leftovers = []
    for entry in os.scandir(folder):
        if entry.name in (META, LOCK) or entry.name in IGNORED or entry.name.startswith(f".{META}-"):
            if entry.name.startswith(f".{META}-"):
                leftovers.append(entry.path)
            continue
        if HISTORY_FILE.match(entry.name) and entry.is_file():
            if entry.name != history:
                leftovers.append(entry.path)
            continue
        month = MONTH_DIR.match(entry.name)
        if not (month and entry.is_dir()):
            raise foreign(entry.path)
        for office in os.scandir(entry.path):
            if office.name in IGNORED:
                continue
            if not (OFFICE_DIR.match(office.name) and office.is_dir()):
                raise foreign(office.path)
            for part in os.scandir(office.path):
                if part.name in IGNORED:
                    continue
                relative = f"{entry.name}/{office.name}/{part.name}"
                if not (PART.match(part.name) and part.is_file()):
                    raise foreign(part.path)
                if relative not in referenced:
                    leftovers.append(part.path)
    if remove_leftovers:
        for path in leftovers:
            os.unlink(path)
        remove_empty_dirs(folder)
    return leftovers


def status(folder: Path) -> list[Partition]:
    """The partitions of an archive, from its metadata (shared lock, layout checked)."""
    folder = Path(folder)
    if not (folder / META).exists():
        raise not_found(folder)
    with file_lock(folder / LOCK, exclusive=False):
        meta = read_meta(folder)
        parts = partitions(meta)
        check_folder(folder, parts, remove_leftovers=False, history=history_file(meta))
    return parts


def partitions(meta: dict) -> list[Partition]:
    """The partitions of a metadata document, by month then office name."""
    parts = [Partition.from_json(p) for p in meta["partizioni"]]
    return sorted(parts, key=lambda p: (p.month, p.office_name.casefold()))


def not_found(folder: Path) -> ArchiveError:
    """The error for a folder that holds no archive (its metadata file is missing)."""
    return ArchiveError("archivio non trovato in '{folder}': indicare con {archive} la cartella giusta, o crearne "
                        "uno con 'registro archivio aggiungi'.", params=("archive",), folder=folder)


def foreign(path: str) -> ArchiveError:
    """The error for a file registro did not write."""
    return ArchiveError(f"file estraneo nell'archivio: '{path}'. L'archivio contiene solo {META} e le cartelle "
                        "mese=AAAA-MM/sede=NOME scritte da registro: spostare il file altrove.")


def now() -> str:
    """The current UTC time, to the second, ISO 8601."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
