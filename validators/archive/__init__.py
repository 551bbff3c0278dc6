"""The archive of checked months: Parquet partitions by month and office, pseudonyms, history for the checks.

    store.py      Archive: open or create, add / remove / verify, rows for totals (Parquet via polars)
    meta.py       archivio.json, the folder layout and the lock, without polars (fast `stato`)
    pseudonym.py  the secret key outside the archive and the pseudonyms (HMAC-SHA256) of the persons
    history.py    archived rows as history for the cross-row checks of registro.validators.check
"""
