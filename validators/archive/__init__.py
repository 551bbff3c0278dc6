"""The archive of checked months: Parquet partitions by month and office, pseudonyms, history for the checks.

    store.py      Archive: open or create, add / remove / verify, rows for totals (Parquet via polars)
    layout.py     the folder layout (dati/ beside metadata, index, staging, journal, locks), the
                  upgrade from schema 1, `stato`, without polars
    journal.py    the intent journal: staged files put in place so that a kill at any point is
                  rolled back or forward, without polars
    meta.py       archivio.json, Partition, the locks, private files and folders, without polars
    pseudonym.py  the secret key outside the archive and the pseudonyms (HMAC-SHA256) of the persons
    history.py    archived rows as history for the cross-row checks of registro.validators.check
    index.py      the history index: person, code, date and partition of every archived row
"""
