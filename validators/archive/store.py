"""The archive of checked months: a Hive-partitioned Parquet dataset with a metadata file.

    ARCHIVE/archivio.json                               schema version, key fingerprint, partitions
    ARCHIVE/mese=2026-10/sede=ancona/part-<id>.parquet  the rows without errori of Ancona, October

Any program that reads Hive-partitioned Parquet (DuckDB, Spark, Power BI, polars) reads the
folder as it is. A partition is one (month, office) pair; importing registers replaces every
pair they cover. The metadata file is the commit point: new partition files are written aside
first, then one atomic rename of archivio.json makes them the archive, then the replaced files
are deleted. A process killed before that rename leaves the archive as it was (its unreferenced
files are removed by the next import or `verifica`). A lock file serialises writers and keeps
readers from seeing files deleted under them.

No codice fiscale and no note is ever written: persons are kept as pseudonyms (pseudonym.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from registro.validators.archive import index
from registro.validators.archive.meta import (FORMAT, IGNORED, LOCK, META, SCHEMA_VERSION, Partition, check_folder, file_lock,
                                     fsync_dir, not_found, now, office_slug, partitions, read_meta, remove_file)
from registro.validators.archive.meta import write_json as _write_json
from registro.validators.archive.pseudonym import Key, Pseudonyms, create_key, default_key_path, read_key
from registro.validators.errors import ArchiveError

# The columns of an archived row (the Hive keys mese and sede live in the folder names).
ROW_SCHEMA: dict[str, pl.DataType] = {
    "pseudonimo": pl.UInt64(),
    "tipo_utente": pl.String(),
    "nome_sede": pl.String(),
    "operatore": pl.String(),
    "operatore_chiave": pl.String(),
    "data": pl.Date(),
    "codice_servizio": pl.String(),
    "lep": pl.String(),
    "programma": pl.String(),
    "modalita": pl.String(),
    "durata_minuti": pl.Int64(),
    "durata_standard": pl.Int64(),
    "durata_min": pl.Int64(),
    "durata_max": pl.Int64(),
    "avvisi": pl.UInt32(),
    "file": pl.String(),
    "foglio": pl.String(),
    "riga": pl.Int64(),
    "sha256": pl.String(),
    "catalogo": pl.String(),
    "importato": pl.Datetime("us", "UTC"),
}


@dataclass
class AddResult:
    """What an import did: the balance of the rows read and the partitions written or replaced."""

    rows_read: int
    archived: int
    rejected: int
    written: list[Partition] = field(default_factory=list)
    replaced: list[Partition] = field(default_factory=list)  # the partitions as they were before

    @property
    def balance_line(self) -> str:
        return f"{self.rows_read} righe lette = {self.archived} archiviate + {self.rejected} scartate"


@dataclass
class Verification:
    """What `verifica` checked."""

    partitions: int
    rows: int
    removed_leftovers: list[str]
    history_rebuilt: bool = False  # the history index was missing or did not match the partitions
    schema: int = SCHEMA_VERSION  # the archive's schema version
    key_path: Path | None = None  # the key file found matching


class Archive:
    """An archive folder, its metadata and (when needed) its key."""

    def __init__(self, folder: Path, key: Key | None, meta: dict, new_key: bool = False):
        self.folder, self.key, self._meta = folder, key, meta
        self.new_key = new_key  # the key file was created with the archive
        self._pseudonyms = Pseudonyms(key) if key else None

    def pseudonyms(self, codes: pl.Series) -> pl.Series:
        """The pseudonyms of normalised codici fiscali under this archive's key."""
        if self._pseudonyms is None:
            raise ArchiveError("serve la chiave dell'archivio ({key}).", params=("key",))
        return self._pseudonyms.of(codes)

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, folder, key_path=None, *, create: bool = False, need_key: bool = True) -> "Archive":
        """Open an archive (create=True: create it, and its key, when the folder holds none yet)."""
        folder = Path(folder)
        if not (folder / META).exists():
            if not create:
                if folder.exists() and not folder.is_dir():
                    raise ArchiveError("'{folder}' non è una cartella: indicare con {archive} la cartella "
                                       "dell'archivio.", params=("archive",), folder=folder)
                raise not_found(folder)
            return cls._create(folder, key_path)
        meta = read_meta(folder)
        key = None
        if need_key:
            key = read_key(Path(key_path) if key_path else default_key_path(folder))
            if key.fingerprint != meta["chiave"]:
                raise ArchiveError("la chiave '{path}' non è quella dell'archivio '{folder}': indicare la chiave "
                                   "giusta con {key} (con un'altra chiave le persone non si ritrovano).",
                                   params=("key",), path=key.path, folder=folder)
        return cls(folder, key, meta)

    @classmethod
    def _create(cls, folder: Path, key_path) -> "Archive":
        if folder.exists() and any(p.name not in IGNORED and p.name != LOCK for p in folder.iterdir()):
            raise ArchiveError(f"la cartella '{folder}' non è vuota e non contiene un archivio (manca {META}): "
                               "indicare una cartella nuova o vuota per creare l'archivio.")
        path = Path(key_path) if key_path else default_key_path(folder)
        if _inside(path, folder):
            raise ArchiveError(f"la chiave '{path}' non può stare dentro l'archivio: tenerla in un'altra cartella.")
        new = not path.exists()
        key = create_key(path) if new else read_key(path)
        folder.mkdir(parents=True, exist_ok=True)
        meta = {"formato": FORMAT, "versione_schema": SCHEMA_VERSION, "chiave": key.fingerprint,
                "creato": now(), "partizioni": []}
        archive = cls(folder, key, meta, new)
        with archive._locked(exclusive=True):
            _write_json(folder / META, meta)
        return archive

    # -- reading ------------------------------------------------------------------------------

    @property
    def partitions(self) -> list[Partition]:
        """Partitions by month then office name."""
        return partitions(self._meta)

    @contextmanager
    def reading(self):
        """Hold a shared lock while files are read, with the metadata as it is now."""
        with self._locked(exclusive=False):
            self._meta = read_meta(self.folder)
            check_folder(self.folder, self.partitions, remove_leftovers=False, history=index.referenced(self._meta))
            yield self

    def files(self, exclude: set[tuple[str, str]] = frozenset(), since: str | None = None,
              until: str | None = None) -> list[Path]:
        """Partition files, leaving out the (month, office slug) pairs in exclude and months outside since..until."""
        return [self.folder / p.file for p in self.partitions
                if p.key not in exclude and (since is None or p.month >= since) and (until is None or p.month <= until)]

    def scan(self, files: list[Path], columns: list[str]) -> pl.LazyFrame:
        """The given partition files as one lazy frame of the given columns."""
        if not files:
            return pl.LazyFrame(schema={c: ROW_SCHEMA[c] for c in columns})
        return pl.scan_parquet(files, hive_partitioning=False).select(columns)

    def collect(self, query: pl.LazyFrame) -> pl.DataFrame:
        """Run a query on the partition files, naming the damaged file when one cannot be read."""
        try:
            return query.collect()
        except (pl.exceptions.ComputeError, pl.exceptions.SchemaError, pl.exceptions.ColumnNotFoundError,
                OSError) as exc:
            raise ArchiveError(f"un file dell'archivio '{self.folder}' è danneggiato o estraneo ({_first_line(exc)}): "
                               "eseguire 'registro archivio verifica' per trovarlo.") from None

    def history_rows(self) -> tuple[pl.DataFrame, list[tuple[str, str]]]:
        """(pseudonimo, codice_servizio, data, parte of every archived row; the (month, office slug)
        of each parte), from the history index, or from the partition files of an archive written
        without one. Call inside reading()."""
        parts = self.partitions
        rows = index.read(self.folder, self._meta, parts)
        if rows is not None:
            return rows, index.listed_keys(self._meta, parts)
        return index.from_partitions(self.folder, parts), [p.key for p in parts]

    def table(self, since: str | None = None, until: str | None = None) -> pl.DataFrame:
        """The archived rows of the months since..until with the public names of Checked.clean() (no persons)."""
        columns = [c for c in ROW_SCHEMA if c != "pseudonimo"]
        with self.reading():
            frame = self.collect(self.scan(self.files(since=since, until=until), columns))
        return frame.rename({"nome_sede": "sede"})

    # -- writing ------------------------------------------------------------------------------

    def add(self, checked) -> AddResult:
        """Store the rows without errori of a Checked, replacing every (month, office) pair they cover."""
        if self.key is None:
            raise ArchiveError("serve la chiave dell'archivio per aggiungere righe ({key}).", params=("key",))
        clean = checked.clean()
        imported = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        sha = {str(p): _sha256(Path(p)) for p in checked.inputs}
        rows = clean.select(
            self.pseudonyms(clean["codice_fiscale"]).alias("pseudonimo"),
            "tipo_utente",
            pl.col("sede").alias("nome_sede"),
            "operatore", "operatore_chiave", "data", "codice_servizio", "lep", "programma", "modalita",
            "durata_minuti", "durata_standard", "durata_min", "durata_max", "avvisi",
            _per_distinct("file", lambda f: Path(f).name).alias("file"),
            "foglio", "riga",
            pl.col("file").replace_strict(sha, default=None, return_dtype=pl.String).alias("sha256"),
            pl.lit(checked.catalogue.version, dtype=pl.String).alias("catalogo"),
            pl.lit(imported, dtype=pl.Datetime("us", "UTC")).alias("importato"),
        ).cast(ROW_SCHEMA)
        rows = rows.with_columns(pl.col("data").dt.strftime("%Y-%m").alias("mese_partizione"),
                                 _per_distinct("nome_sede", office_slug).alias("sede_partizione"))
        result = AddResult(checked.rows_read, clean.height, checked.rows_read - clean.height)
        with self._locked(exclusive=True):
            self._meta = read_meta(self.folder)
            check_folder(self.folder, self.partitions, remove_leftovers=True, history=index.referenced(self._meta))
            old = {p.key: p for p in self.partitions}
            written, parts = [], []
            for (month, office), part in rows.group_by("mese_partizione", "sede_partizione", maintain_order=True):
                part = part.drop("mese_partizione", "sede_partizione")
                relative = f"mese={month}/sede={office}/part-{uuid.uuid4().hex}.parquet"
                parts.append((part, self.folder / relative))
                names = part["nome_sede"].value_counts(sort=True)["nome_sede"]
                sources = part.select("file", "sha256").unique(maintain_order=True).rows()
                written.append(Partition(month, office, names[0], relative, part.height,
                                         part["pseudonimo"].n_unique(), imported.isoformat(),
                                         checked.catalogue.version, tuple(sources)))
            # polars writes and the disk flushes without the GIL: two partitions at a time
            with ThreadPoolExecutor(max_workers=2) as pool:
                list(pool.map(lambda job: _write_parquet(*job), parts))
            # pairs the registers cover without any row left to archive lose their old rows too
            keys = {p.key for p in written} | {(month, office_slug(office)) for office, month in checked.covered}
            kept = [p for p in self.partitions if p.key not in keys]
            self._commit(kept + written, self._history(kept, [(frame, p) for (frame, _), p in zip(parts, written)]))
            result.written = sorted(written, key=lambda p: (p.month, p.office_name.casefold()))
            result.replaced = [old[k] for k in sorted(keys) if k in old]
            for p in result.replaced:
                remove_file(self.folder, p.file)
        return result

    def remove(self, *, office: str | None = None, month: str | None = None, before: str | None = None) -> list[Partition]:
        """Delete the partitions of an office and/or a month, or of every month before `before` (retention)."""
        slug = office_slug(office) if office else None
        with self._locked(exclusive=True):
            self._meta = read_meta(self.folder)
            check_folder(self.folder, self.partitions, remove_leftovers=True, history=index.referenced(self._meta))

            def chosen(p: Partition) -> bool:
                return ((slug is None or p.office == slug) and (month is None or p.month == month)
                        and (before is None or p.month < before))

            gone = [p for p in self.partitions if chosen(p)]
            if gone:
                kept = [p for p in self.partitions if not chosen(p)]
                self._commit(kept, self._history(kept, []))
                for p in gone:
                    remove_file(self.folder, p.file)
        return gone

    def verify(self) -> Verification:
        """Check schema, key, files and row counts against the metadata; remove an interrupted import's files."""
        if self.key is None:
            raise ArchiveError("serve la chiave dell'archivio per verificarlo ({key}).", params=("key",))
        with self._locked(exclusive=True):
            self._meta = read_meta(self.folder)
            leftovers = check_folder(self.folder, self.partitions, remove_leftovers=True,
                                     history=index.referenced(self._meta))
            total = 0
            for p in self.partitions:
                path = self.folder / p.file
                if not path.exists():
                    raise ArchiveError(f"file dell'archivio mancante: '{path}' ({p.office_name} {p.month}): "
                                       "ripristinarlo da una copia di sicurezza o togliere dall'archivio la "
                                       f"partizione di {p.office_name} del mese {p.month} ('registro archivio rimuovi').")
                try:
                    schema = pl.read_parquet_schema(path)
                    rows = pl.scan_parquet(path).select(pl.len()).collect().item()
                except Exception as exc:  # noqa: BLE001 - any unreadable file is a damaged file
                    raise ArchiveError(f"file dell'archivio danneggiato: '{path}' ({_first_line(exc)}): ripristinarlo "
                                       "da una copia di sicurezza o togliere dall'archivio la partizione di "
                                       f"{p.office_name} del mese {p.month} ('registro archivio rimuovi').") from None
                if dict(schema) != ROW_SCHEMA:
                    raise ArchiveError(f"file dell'archivio estraneo: '{path}' non ha le colonne dell'archivio.")
                if rows != p.rows:
                    raise ArchiveError(f"file dell'archivio alterato: '{path}' ha {rows} righe, {META} ne indica "
                                       f"{p.rows}: ripristinarlo da una copia di sicurezza.")
                total += rows
            expected = index.from_partitions(self.folder, self.partitions)  # the partition files read once
            rebuilt = not self._history_matches(expected)
            if rebuilt:
                name = index.new_name()
                _write_parquet(expected, self.folder / name)
                self._commit(self.partitions, index.entry(name, self.partitions))
        return Verification(len(self.partitions), total, leftovers, rebuilt, self._meta["versione_schema"], self.key.path)

    # -- internals ----------------------------------------------------------------------------

    def _commit(self, partitions: list[Partition], history: dict) -> None:
        """Make partitions and a history index (already written) the archive: one rename of the
        metadata; then the index it replaces is deleted."""
        before = index.referenced(self._meta)
        meta = dict(self._meta, partizioni=[p.to_json() for p in
                                            sorted(partitions, key=lambda p: (p.month, p.office))], storico=history)
        _write_json(self.folder / META, meta)
        self._meta = meta
        if before and before != history["file"]:
            remove_file(self.folder, before)

    def _history(self, kept: list[Partition], new: list[tuple[pl.DataFrame, Partition]]) -> dict:
        """Write the history index of kept + new partitions under a new name (the current index's
        rows of kept partitions carried over; read from their files when it is missing or unusable)."""
        base = None
        try:
            current = index.read(self.folder, self._meta, self.partitions)
        except ArchiveError:
            current = None
        if current is not None:
            base = index.carried(current, self._meta["storico"]["partizioni"], kept)
        if base is None:
            base = index.from_partitions(self.folder, kept)
        frames = [base, *(index.rows_of(frame, len(kept) + i) for i, (frame, _) in enumerate(new))]
        name = index.new_name()
        _write_parquet(pl.concat(frames), self.folder / name)
        return index.entry(name, kept + [p for _, p in new])

    def _history_matches(self, expected: pl.DataFrame) -> bool:
        """Whether the history index holds exactly `expected` (index.from_partitions of self.partitions):
        the same rows in the same partition files, whatever the numbering of its partitions."""
        try:
            current = index.read(self.folder, self._meta, self.partitions)
        except ArchiveError:
            return False
        if current is None:
            return False

        def by_file(rows: pl.DataFrame, files: list[str]) -> pl.DataFrame:
            rows = rows.with_columns(pl.col("parte").replace_strict(dict(enumerate(files)), return_dtype=pl.String))
            return rows.sort(rows.columns)

        return by_file(current, self._meta["storico"]["partizioni"]).equals(
            by_file(expected, [p.file for p in self.partitions]))

    @contextmanager
    def _locked(self, exclusive: bool):
        with file_lock(self.folder / LOCK, exclusive):
            yield


def _per_distinct(column: str, function) -> pl.Expr:
    """A text column mapped through a Python function called once per distinct value."""
    return pl.col(column).map_batches(
        lambda s: s.replace_strict({v: function(v) for v in s.unique().drop_nulls().to_list()}, default=None,
                                   return_dtype=pl.String),
        return_dtype=pl.String)


# ---------------------------------------------------------------------------------------------
# Files


def _write_parquet(frame: pl.DataFrame, path: Path) -> None:
    """Write a partition file under a temporary name, flushed to disk, then renamed (still unreferenced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    frame.write_parquet(tmp, compression="snappy", statistics=True)  # read by every Parquet reader (Power BI too)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _inside(path: Path, folder: Path) -> bool:
    try:
        Path(path).absolute().relative_to(Path(folder).absolute())
        return True
    except ValueError:
        return False


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else type(exc).__name__


