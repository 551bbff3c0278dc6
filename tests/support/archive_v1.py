"""A frozen writer of the archive as version 0.1 wrote it (schema 1), to test the upgrade on an
archive built by that code's rules inside the test (tests cannot use git history).

Schema 1: ARCHIVE/archivio.json, ARCHIVE/storico-<id>.parquet and ARCHIVE/mese=M/sede=S/part-<id>.parquet
side by side, files and folders with the umask's modes. Rows, metadata and index are built as
0.1's store.py and index.py built them; keep this file as it is (it stands for old archives).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from pathlib import Path

import polars as pl

from tests.support import api
from registro.validators.archive.meta import office_slug
from registro.validators.archive.pseudonym import Pseudonyms, create_key, default_key_path

ROW_SCHEMA = {
    "pseudonimo": pl.UInt64(), "tipo_utente": pl.String(), "nome_sede": pl.String(), "operatore": pl.String(),
    "operatore_chiave": pl.String(), "data": pl.Date(), "codice_servizio": pl.String(), "lep": pl.String(),
    "programma": pl.String(), "modalita": pl.String(), "durata_minuti": pl.Int64(), "durata_standard": pl.Int64(),
    "durata_min": pl.Int64(), "durata_max": pl.Int64(), "avvisi": pl.UInt32(), "file": pl.String(),
    "foglio": pl.String(), "riga": pl.Int64(), "sha256": pl.String(), "catalogo": pl.String(),
    "importato": pl.Datetime("us", "UTC"),
}
INDEX = {"pseudonimo": pl.UInt64(), "codice_servizio": pl.String(), "data": pl.Date(), "parte": pl.UInt32()}


def write_v1(folder: Path, months: list[tuple[str, list[Path]]], today: dt.date, leftovers: bool = True) -> None:
    """Import (month, registers) in order into a new schema-1 archive, each checked against the
    registers of the months before it (the verdicts 0.1 got from its archive); with leftovers, the
    files an import killed before its commit left (a part file and temporary metadata)."""
    key = create_key(default_key_path(folder))
    pseudonyms = Pseudonyms(key)
    folder.mkdir(parents=True)
    (folder / ".registro.lock").touch()
    meta = {"formato": "registro-archivio", "versione_schema": 1, "chiave": key.fingerprint,
            "creato": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(), "partizioni": []}
    parts: list[tuple[dict, pl.DataFrame]] = []
    before: list[Path] = []
    for month, files in months:
        checked = api.check(files, month=month, today=today, history=list(before))
        before += files
        clean = checked.clean()
        imported = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        sha = {str(p): hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in checked.inputs}
        rows = clean.select(
            pseudonyms.of(clean["codice_fiscale"]).alias("pseudonimo"), "tipo_utente",
            pl.col("sede").alias("nome_sede"), "operatore", "operatore_chiave", "data", "codice_servizio", "lep",
            "programma", "modalita", "durata_minuti", "durata_standard", "durata_min", "durata_max", "avvisi",
            pl.col("file").map_elements(lambda f: Path(f).name, return_dtype=pl.String).alias("file"),
            "foglio", "riga", pl.col("file").replace_strict(sha, default=None, return_dtype=pl.String).alias("sha256"),
            pl.lit(checked.catalogue.version, dtype=pl.String).alias("catalogo"),
            pl.lit(imported, dtype=pl.Datetime("us", "UTC")).alias("importato"),
        ).cast(ROW_SCHEMA)
        rows = rows.with_columns(pl.col("data").dt.strftime("%Y-%m").alias("m"),
                                 pl.col("nome_sede").map_elements(office_slug, return_dtype=pl.String).alias("s"))
        for (m, s), part in rows.group_by("m", "s", maintain_order=True):
            part = part.drop("m", "s")
            relative = f"mese={m}/sede={s}/part-{uuid.uuid4().hex}.parquet"
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            part.write_parquet(folder / relative, compression="snappy", statistics=True)
            names = part["nome_sede"].value_counts(sort=True)["nome_sede"]
            entry = {"mese": m, "sede": s, "nome_sede": names[0], "file": relative, "righe": part.height,
                     "persone": part["pseudonimo"].n_unique(), "importato": imported.isoformat(),
                     "catalogo": checked.catalogue.version,
                     "origini": [{"file": f, "sha256": h} for f, h in part.select("file", "sha256").unique(
                         maintain_order=True).rows()]}
            parts.append((entry, part))
    parts.sort(key=lambda e: (e[0]["mese"], e[0]["sede"]))
    meta["partizioni"] = [e for e, _ in parts]
    index = pl.concat([p.select("pseudonimo", "codice_servizio", "data").with_columns(
        pl.lit(i, dtype=pl.UInt32).alias("parte")) for i, (_, p) in enumerate(parts)]).cast(INDEX)
    name = f"storico-{uuid.uuid4().hex}.parquet"
    index.write_parquet(folder / name, compression="snappy", statistics=True)
    meta["storico"] = {"file": name, "partizioni": [e["file"] for e, _ in parts]}
    (folder / "archivio.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    if leftovers:
        stray = folder / parts[0][0]["file"]
        stray.with_name(f"part-{uuid.uuid4().hex}.parquet").write_bytes(stray.read_bytes())
        (folder / f".archivio.json-{uuid.uuid4().hex}.tmp").write_text("{}", encoding="utf-8")
