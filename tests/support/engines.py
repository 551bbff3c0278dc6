"""The dataset folder of an archive read as an analyst would, with each engine's default options:
DuckDB, pyarrow.dataset, pandas and polars (Spark needs Java: docs/guida/archivio.md, "Leggere l'archivio con altri
strumenti")."""

from __future__ import annotations

from pathlib import Path

ENGINES = ("duckdb", "pyarrow", "pandas", "polars")


def read(engine: str, dati: Path):
    """Every row of the folder: (column names, {(mese, sede): rows}, the engine's own table)."""
    dati = str(dati)
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect()
        rel = con.sql(f"select * from read_parquet('{dati}/**/*.parquet', hive_partitioning=true)")
        table = rel.arrow().read_all()  # duckdb 2 returns a RecordBatchReader
        con.close()
        return table.column_names, _counts(zip(table["mese"].to_pylist(), table["sede"].to_pylist())), table
    if engine == "pyarrow":
        import pyarrow.dataset as ds

        table = ds.dataset(dati, partitioning="hive").to_table()
        return table.column_names, _counts(zip(table["mese"].to_pylist(), table["sede"].to_pylist())), table
    if engine == "pandas":
        import pandas as pd

        frame = pd.read_parquet(dati)
        return list(frame.columns), _counts(zip(frame["mese"].astype(str), frame["sede"].astype(str))), frame
    if engine == "polars":
        import polars as pl

        frame = pl.scan_parquet(dati, hive_partitioning=True).collect()
        return frame.columns, _counts(zip(frame["mese"].to_list(), frame["sede"].to_list())), frame
    raise ValueError(engine)


def counts(engine: str, dati: Path) -> dict[tuple[str, str], int]:
    """Rows per (mese, sede) as the engine sees them."""
    return read(engine, dati)[1]


def _counts(pairs) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for pair in pairs:
        pair = (str(pair[0]), str(pair[1]))
        out[pair] = out.get(pair, 0) + 1
    return out
