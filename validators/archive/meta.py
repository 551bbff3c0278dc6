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

SCHEMA_VERSION = 2  # 1: partitions at the top level, one uniquely named file each (version 0.1)
FORMAT = "registro-archivio"
META = "archivio.json"
LOCK = ".registro.lock"  # shared by readers, exclusive while files are put in place
WRITER_LOCK = ".registro-scrittura.lock"  # one writer at a time, for a whole import (history read included)
JOURNAL = "giornale.json"  # the intent journal of a commit under way (registro.validators.archive.journal)
STAGING = "lavoro"  # new files are written here, then moved into place (same file system)
DATA = "dati"  # the dataset folder: Hive partitions and nothing else
PART_NAME = "righe.parquet"  # one file per partition, under a stable name
HISTORY_FILE = re.compile(r"^storico-[0-9a-f]{32}\.parquet(\.tmp)?$")  # registro.validators.archive.index
PART = re.compile(r"^part-[0-9a-f]{32}\.parquet(\.tmp)?$")  # schema 1
MONTH_DIR = re.compile(r"^mese=(\d{4}-\d{2})$")
OFFICE_DIR = re.compile(r"^sede=([a-z0-9-]+)$")
IGNORED = {".DS_Store", "Thumbs.db", "desktop.ini"}  # written by file managers, never by us
FILE_MODE, DIR_MODE = 0o600, 0o700  # readable by the owner only, whatever the umask (docs/guida/dati-personali.md)


def partition_file(month: str, office: str) -> str:
    """Where a partition's rows live, relative to the archive folder (schema 2)."""
    return f"{DATA}/mese={month}/sede={office}/{PART_NAME}"


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
    """Replace a JSON file atomically: temporary file beside it (owner only), flushed to disk, then renamed."""
    tmp = path.with_name(f".{path.name}-{uuid.uuid4().hex}.tmp")
    with os.fdopen(private_file(tmp), "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def private_file(path: Path, flags: int = os.O_WRONLY | os.O_CREAT | os.O_TRUNC) -> int:
    """Open (creating) a file readable and writable by its owner only (600 whatever the umask); a descriptor."""
    fd = os.open(path, flags | getattr(os, "O_BINARY", 0), FILE_MODE)
    if os.name == "posix":
        os.fchmod(fd, FILE_MODE)  # an existing file keeps its mode through os.open: set it
    return fd


def private_dirs(path: Path, top: Path) -> None:
    """Create `path` and the folders up to it below `top` (which must exist) as 700, whatever the umask."""
    missing = []
    while path != top and not path.is_dir():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(folder, DIR_MODE)  # mkdir's mode passes through the umask


def remove_empty_dirs(root: Path) -> list[Path]:
    """Delete the mese=/sede= folders under root left without files (the folders removed)."""
    removed = []
    for month in root.glob("mese=*"):
        for office in month.glob("sede=*"):
            if office.is_dir() and not any(office.iterdir()):
                office.rmdir()
                removed.append(office)
        if month.is_dir() and not any(month.iterdir()):
            month.rmdir()
            removed.append(month)
    return removed


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
    fh = os.fdopen(private_file(path, os.O_RDWR | os.O_CREAT), "r+b")
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


def partitions(meta: dict) -> list[Partition]:
    """The partitions of a metadata document, by month then office name."""
    parts = [Partition.from_json(p) for p in meta["partizioni"]]
    return sorted(parts, key=lambda p: (p.month, p.office_name.casefold()))


def not_found(folder: Path) -> ArchiveError:
    """The error for a folder that holds no archive (its metadata file is missing)."""
    return ArchiveError("archivio non trovato in '{folder}': indicare con {archive} la cartella giusta, o crearne "
                        "uno con 'registro archivio aggiungi'.", params=("archive",), folder=folder)


def foreign(path) -> ArchiveError:
    """The error for a file registro did not write."""
    return ArchiveError(f"file estraneo nell'archivio: '{path}'. L'archivio contiene solo {META}, l'indice dello "
                        f"storico e la cartella {DATA}/ con le cartelle mese=AAAA-MM/sede=NOME scritte da registro: "
                        "spostare il file altrove.")


def now() -> str:
    """The current UTC time, to the second, ISO 8601."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
