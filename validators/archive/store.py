"""The archive of checked months: a dataset folder of Hive-partitioned Parquet, and beside it the
metadata, the history index, the locks, the staging folder and the journal (layout.py).

    ARCHIVE/archivio.json                                 schema version, key fingerprint, partitions
    ARCHIVE/dati/mese=2026-10/sede=ancona/righe.parquet   the rows without errori of Ancona, October

Any program that reads Hive-partitioned Parquet (DuckDB, pyarrow, pandas, polars, Spark, Power BI)
reads `dati/` as it is, with the rows `registro archivio stato` counts. A partition is one (month,
office) pair; importing registers replaces every pair they cover. Each partition is one file under
a stable name, replaced whole with os.replace through the intent journal (journal.py): a reader
sees each partition as it was or as it will be, and a change killed at any point is rolled back
(before its journal) or forward (after it) by the next command. Two locks: one writer at a time
for a whole import, from the reading of the history to the commit (so concurrent imports give the
archive of the same imports in sequence); readers share the other, which a writer holds
exclusively only while it puts files in place.

No codice fiscale and no note is ever written: persons are kept as pseudonyms (pseudonym.py).
Files are created readable by their owner only (600, folders 700), whatever the umask.
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

from registro.validators.archive import index, journal
from registro.validators.archive.layout import check_folder, upgrade_plan
from registro.validators.text import total_rows_note
from registro.validators.archive.meta import (DATA, DIR_MODE, FILE_MODE, FORMAT, IGNORED, JOURNAL, LOCK, META,
                                              SCHEMA_VERSION, STAGING, WRITER_LOCK, Partition, file_lock, not_found,
                                              now, office_slug, partition_file, partitions, private_dirs, private_file,
                                              read_meta)
from registro.validators.archive.meta import write_json as _write_json
from registro.validators.archive.pseudonym import Key, Pseudonyms, create_key, default_key_path, read_key
from registro.validators.errors import ArchiveError
from registro.validators.text import balance

# The columns of an archived row (the Hive keys mese and sede live in the folder names only: a
# column of the same name would make readers complain of a duplicate).
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
    total_rows: int = 0  # the registers' own total rows: not services, not among the rows read

    @property
    def balance_line(self) -> str:
        return (balance(self.rows_read, (self.archived, "archiviata", "archiviate"), (self.rejected, "scartata", "scartate"))
                + total_rows_note(self.total_rows))


@dataclass
class Verification:
    """What `verifica` checked."""

    partitions: int
    rows: int
    removed_leftovers: list[str]
    history_rebuilt: bool = False  # the history index was missing or did not match the partitions
    schema: int = SCHEMA_VERSION  # the archive's schema version (after an upgrade by the verification)
    key_path: Path | None = None  # the key file found matching
    history_file: str | None = None  # the index written when rebuilt
    data_folder: Path | None = None  # the dataset folder (dati/), for other programs


class Archive:
    """An archive folder, its metadata and (when needed) its key."""

    def __init__(self, folder: Path, key: Key | None, meta: dict, new_key: bool = False):
        self.folder, self.key, self._meta = folder, key, meta
        self.new_key = new_key  # the key file was created with the archive
        self._pseudonyms = Pseudonyms(key) if key else None
        self._writing = 0  # depth of importing(): the writer lock is held while > 0
        self._leftovers: list[str] = []
        # What was done to the archive on the way, in Italian, one line each: an interrupted change
        # completed or rolled back, the upgrade from schema 1 (the commands print them).
        self.notices: list[str] = []

    def pseudonyms(self, codes: pl.Series) -> pl.Series:
        """The pseudonyms of normalised codici fiscali under this archive's key."""
        if self._pseudonyms is None:
            raise ArchiveError("serve la chiave dell'archivio ({key}).", params=("key",))
        return self._pseudonyms.of(codes)

    @property
    def schema(self) -> int:
        """The schema version of the archive as last read (1: version 0.1's layout, upgraded by any writer)."""
        return self._meta["versione_schema"]

    @property
    def data_folder(self) -> Path:
        """The dataset folder: Hive partitions that other programs read as they are."""
        return self.folder / DATA

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
        notices = journal.recover(folder) if (folder / JOURNAL).exists() else []
        meta = read_meta(folder)
        key = None
        if need_key:
            key = read_key(Path(key_path) if key_path else default_key_path(folder))
            if key.fingerprint != meta["chiave"]:
                raise ArchiveError("la chiave '{path}' non è quella dell'archivio '{folder}': indicare la chiave "
                                   "giusta con {key} (con un'altra chiave le persone non si ritrovano).",
                                   params=("key",), path=key.path, folder=folder)
        archive = cls(folder, key, meta)
        archive.notices += notices
        return archive

    @classmethod
    def _create(cls, folder: Path, key_path) -> "Archive":
        ours = IGNORED | {LOCK, WRITER_LOCK}
        if folder.exists() and any(p.name not in ours for p in folder.iterdir()):
            raise ArchiveError(f"la cartella '{folder}' non è vuota e non contiene un archivio (manca {META}): "
                               "indicare una cartella nuova o vuota per creare l'archivio.")
        path = Path(key_path) if key_path else default_key_path(folder)
        if _inside(path, folder):
            raise ArchiveError(f"la chiave '{path}' non può stare dentro l'archivio: tenerla in un'altra cartella.")
        new = not path.exists()
        key = create_key(path) if new else read_key(path)
        if not folder.exists():
            folder.parent.mkdir(parents=True, exist_ok=True)
            private_dirs(folder, folder.parent)
        private_dirs(folder / DATA, folder)
        meta = {"formato": FORMAT, "versione_schema": SCHEMA_VERSION, "chiave": key.fingerprint,
                "creato": now(), "partizioni": []}
        with file_lock(folder / WRITER_LOCK, exclusive=True), file_lock(folder / LOCK, exclusive=True):
            if not (folder / META).exists():  # another process may have created it meanwhile
                _write_json(folder / META, meta)
            meta = read_meta(folder)
        return cls(folder, key, meta, new)

    # -- reading ------------------------------------------------------------------------------

    @property
    def partitions(self) -> list[Partition]:
        """Partitions by month then office name."""
        return partitions(self._meta)

    @contextmanager
    def reading(self):
        """Hold a shared lock while files are read, with the metadata as it is now."""
        while True:
            with self._locked(exclusive=False):
                if not (self.folder / JOURNAL).exists():  # under the shared lock a journal is a killed writer's
                    self._meta = read_meta(self.folder)
                    check_folder(self.folder, self._meta, remove_leftovers=False)
                    yield self
                    return
            if self._writing:
                with self._locked(exclusive=True):
                    self.notices += journal.finish(self.folder)
            else:
                self.notices += journal.recover(self.folder)

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
        except (pl.exceptions.PolarsError, OSError):
            raise ArchiveError(f"un file dell'archivio '{self.folder}' è danneggiato o estraneo: eseguire "
                               "'registro archivio verifica' per trovarlo.") from None

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

    @contextmanager
    def importing(self):
        """Hold the writer lock (reentrant) for a whole change: check registers against the archive
        inside it and add() them, and no other writer commits in between. On entry an interrupted
        change is completed or rolled back and an archive of schema 1 is upgraded (see notices)."""
        if self._writing:
            self._writing += 1
            try:
                yield self
            finally:
                self._writing -= 1
            return
        try:
            with file_lock(self.folder / WRITER_LOCK, exclusive=True):
                self._writing = 1
                try:
                    self._prepare()
                    yield self
                finally:
                    self._writing = 0
        except PermissionError:
            raise ArchiveError(f"non si può scrivere nella cartella dell'archivio '{self.folder}': usare un utente "
                               "che può scriverci.") from None

    def add(self, checked) -> AddResult:
        """Store the rows without errori of a Checked, replacing every (month, office) pair they cover."""
        if self.key is None:
            raise ArchiveError("serve la chiave dell'archivio per aggiungere righe ({key}).", params=("key",))
        clean = checked.clean()
        imported = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        sha = {name: _sha256(path) for name, path in checked.sources.items()}  # by the report's names
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
        result = AddResult(checked.rows_read, clean.height, checked.rows_read - clean.height,
                           total_rows=checked.report.total_rows)
        with self.importing():
            self._meta = read_meta(self.folder)
            old = {p.key: p for p in self.partitions}
            written, parts, moves = [], [], []
            for (month, office), part in rows.group_by("mese_partizione", "sede_partizione", maintain_order=True):
                part = part.drop("mese_partizione", "sede_partizione")
                staged = self._staging_name()
                parts.append((part, self.folder / staged))
                names = part["nome_sede"].value_counts(sort=True)["nome_sede"]
                sources = part.select("file", "sha256").unique(maintain_order=True).rows()
                target = partition_file(month, office)
                moves.append((staged, target))
                written.append(Partition(month, office, names[0], target, part.height,
                                         part["pseudonimo"].n_unique(), imported.isoformat(),
                                         checked.catalogue.version, tuple(sources)))
            # polars writes and the disk flushes without the GIL: two partitions at a time
            with ThreadPoolExecutor(max_workers=2) as pool:
                list(pool.map(lambda job: _write_parquet(*job), parts))
            # pairs the registers cover without any row left to archive lose their old rows too
            keys = {p.key for p in written} | {(month, office_slug(office)) for office, month in checked.covered}
            kept = [p for p in self.partitions if p.key not in keys]
            emptied = [old[k].file for k in keys if k in old and k not in {p.key for p in written}]
            self._commit("importazione", kept + written, moves, emptied,
                         [(frame, p) for (frame, _), p in zip(parts, written)], kept)
            result.written = sorted(written, key=lambda p: (p.month, p.office_name.casefold()))
            result.replaced = [old[k] for k in sorted(keys) if k in old]
        return result

    def remove(self, *, office: str | None = None, month: str | None = None, before: str | None = None) -> list[Partition]:
        """Delete the partitions of an office and/or a month, or of every month before `before` (retention)."""
        slug = office_slug(office) if office else None
        with self.importing():
            self._meta = read_meta(self.folder)

            def chosen(p: Partition) -> bool:
                return ((slug is None or p.office == slug) and (month is None or p.month == month)
                        and (before is None or p.month < before))

            gone = [p for p in self.partitions if chosen(p)]
            if gone:
                kept = [p for p in self.partitions if not chosen(p)]
                self._commit("rimozione", kept, [], [p.file for p in gone], [], kept)
        return gone

    def verify(self) -> Verification:
        """Check schema, key, files and row counts against the metadata; finish or roll back an
        interrupted change, upgrade schema 1, rebuild the history index when it does not match."""
        if self.key is None:
            raise ArchiveError("serve la chiave dell'archivio per verificarlo ({key}).", params=("key",))
        with self.importing():
            self._meta = read_meta(self.folder)
            total = 0
            for p in self.partitions:
                path = self.folder / p.file
                remedy = ("ripristinarlo da una copia di sicurezza o togliere dall'archivio la partizione di "
                          f"{p.office_name} del mese {p.month} ('registro archivio rimuovi').")
                if not path.exists():
                    raise ArchiveError(f"file dell'archivio mancante: '{path}' ({p.office_name} {p.month}): {remedy}")
                try:
                    schema = pl.read_parquet_schema(path)
                    rows = pl.scan_parquet(path).select(pl.len()).collect().item()
                except Exception:  # noqa: BLE001 - any unreadable file is a damaged file
                    raise ArchiveError(f"file dell'archivio danneggiato: '{path}' non è un file Parquet leggibile "
                                       f"({p.office_name} {p.month}): {remedy}") from None
                if dict(schema) != ROW_SCHEMA:
                    raise ArchiveError(f"file dell'archivio estraneo: '{path}' non ha le colonne dell'archivio.")
                if rows != p.rows:
                    raise ArchiveError(f"file dell'archivio alterato: '{path}' ha {rows} righe, {META} ne indica "
                                       f"{p.rows}: ripristinarlo da una copia di sicurezza.")
                total += rows
            expected = index.from_partitions(self.folder, self.partitions)  # the partition files read once
            rebuilt = not self._history_matches(expected)
            name = None
            if rebuilt:
                name = index.new_name()
                staged = self._staging_name()
                _write_parquet(expected, self.folder / staged)
                old = index.referenced(self._meta)
                meta = dict(self._meta, storico=index.entry(name, self.partitions))
                with self._locked(exclusive=True):
                    journal.commit(self.folder, "verifica", [(staged, name)], [old] if old else [], meta)
                self._meta = meta
        return Verification(len(self.partitions), total, self._leftovers, rebuilt, self.schema, self.key.path, name,
                            self.data_folder)

    # -- internals ----------------------------------------------------------------------------

    def _prepare(self) -> None:
        """On taking the writer lock: finish a change left half done (its journal), delete what a
        change killed before its journal left (rolled back), upgrade an archive of schema 1."""
        with self._locked(exclusive=True):
            notices = journal.finish(self.folder)
            meta = read_meta(self.folder)
            leftovers = check_folder(self.folder, meta, remove_leftovers=True)
            if leftovers:
                notices.append(f"Annullata un'operazione interrotta prima di completarsi: tolti {len(leftovers)} "
                               "file che non erano ancora parte dell'archivio.")
                notices += [f"Tolto il file di un'importazione interrotta: {p}" for p in leftovers]
            if meta["versione_schema"] == 1:
                moves, new = upgrade_plan(meta)
                journal.commit(self.folder, "aggiornamento", moves, [], new)
                if new.get("storico") and os.name == "posix":
                    os.chmod(self.folder / new["storico"]["file"], FILE_MODE)
                if os.name == "posix":  # as a new archive: the folder and its files for the owner only
                    os.chmod(self.folder, DIR_MODE)
                    for name in (LOCK, WRITER_LOCK):
                        os.chmod(self.folder / name, FILE_MODE)
                notices.append(f"Archivio aggiornato dallo schema 1 allo schema {SCHEMA_VERSION}: {len(moves)} "
                               f"partizioni spostate nella cartella {self.folder / DATA}, che ora contiene solo i "
                               "dati (file leggibili solo dal proprietario).")
            self._meta = read_meta(self.folder)
        self._leftovers = leftovers
        self.notices += notices

    def _commit(self, operation: str, partitions: list[Partition], moves: list[tuple[str, str]], removals: list[str],
                new: list[tuple[pl.DataFrame, Partition]], kept: list[Partition]) -> None:
        """Stage the history index of kept + new partitions, then put everything in place through the journal."""
        name, staged = self._history(kept, new)
        old = index.referenced(self._meta)
        meta = dict(self._meta, partizioni=[p.to_json() for p in sorted(partitions, key=lambda p: (p.month, p.office))],
                    storico=index.entry(name, kept + [p for _, p in new]))
        with self._locked(exclusive=True):
            journal.commit(self.folder, operation, [*moves, (staged, name)], [*removals, *([old] if old else [])], meta)
        self._meta = meta

    def _history(self, kept: list[Partition], new: list[tuple[pl.DataFrame, Partition]]) -> tuple[str, str]:
        """Stage the history index of kept + new partitions (the current index's rows of kept
        partitions carried over; read from their files when it is missing or unusable): its name
        and its staged file."""
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
        staged = self._staging_name()
        _write_parquet(pl.concat(frames), self.folder / staged)
        return index.new_name(), staged

    def _staging_name(self) -> str:
        private_dirs(self.folder / STAGING, self.folder)
        return f"{STAGING}/{uuid.uuid4().hex}.parquet"

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
    """Write a staged file, readable by its owner only, flushed to disk (the journal moves it into place)."""
    os.close(private_file(path))  # polars writes into the file as created (mode 600, whatever the umask)
    frame.write_parquet(path, compression="snappy", statistics=True)  # read by every Parquet reader (Power BI too)
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


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


