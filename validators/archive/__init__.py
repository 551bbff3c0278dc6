"""The archive of checked months: Parquet partitions by month and office, pseudonyms, history for the checks.

    store.py      Archive: partitions, metadata, lock, add / remove / status / verify, rows for totals
    pseudonym.py  the secret key outside the archive and the pseudonyms (HMAC-SHA256) of the persons
    history.py    archived rows as history for the cross-row checks of validators.check
"""
