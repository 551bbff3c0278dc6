"""Pseudonyms of the persons served: HMAC-SHA256 of the normalised codice fiscale under a secret key.

The key is a file outside the archive (created with it, mode 600); the archive keeps only the
key's fingerprint, so a wrong or missing key is an error, never a silent mismatch of persons.
A pseudonym is the first 8 bytes of the HMAC as an unsigned 64-bit integer: joins on integers
are several times faster than on text (measured: 5,000,000 archived rows scanned in 0.3 s
instead of 0.9 s), and two of a region's two million persons share one with a probability of
about one in ten million (the only effect would be one merged history).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from registro.validators.errors import ArchiveError

KEY_BYTES = 32
KEY_SUFFIX = ".chiave"
_FINGERPRINT_LABEL = b"registro-archivio-impronta-v1"


@dataclass(frozen=True)
class Key:
    """The secret key of an archive and where it was read from."""

    secret: bytes
    path: Path

    @property
    def fingerprint(self) -> str:
        """What the archive stores to recognise its key (reveals nothing of the key)."""
        return hashlib.sha256(_FINGERPRINT_LABEL + self.secret).hexdigest()[:32]


def default_key_path(archive: Path) -> Path:
    """The key file beside the archive folder: /dati/archivio -> /dati/archivio.chiave."""
    archive = Path(archive).absolute()
    return archive.with_name(archive.name + KEY_SUFFIX)


def read_key(path: Path) -> Key:
    """Read a key file; ArchiveError when it is missing or not a key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii").strip()
        secret = bytes.fromhex(text)
    except FileNotFoundError:
        raise ArchiveError("chiave dell'archivio non trovata: '{path}'. Indicarla con {key}; senza la sua chiave "
                           "l'archivio non si può usare.", params=("key",), path=path) from None
    except (UnicodeDecodeError, ValueError):
        raise _not_a_key(path) from None
    except OSError as exc:
        raise ArchiveError(f"impossibile leggere la chiave '{path}': {exc.strerror or exc}.") from None
    if len(secret) != KEY_BYTES:
        raise _not_a_key(path)
    return Key(secret, path)


def _not_a_key(path: Path) -> ArchiveError:
    return ArchiveError("il file '{path}' non è una chiave dell'archivio (attese 64 cifre esadecimali): "
                        "indicare il file di chiave giusto con {key}.", params=("key",), path=path)


def create_key(path: Path) -> Key:
    """Write a new random key readable by its owner only (mode 600); never overwrites a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ArchiveError("il file di chiave '{path}' esiste già: indicarlo con {key} oppure spostarlo.",
                           params=("key",), path=path) from None
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secret.hex() + "\n")
    return Key(secret, path)


class Pseudonyms:
    """Pseudonyms under one key, each computed once per process (an import asks twice: for the
    history of its persons, then for the rows it stores).

    HMAC-SHA256 is computed from the two SHA-256 states of the padded key (RFC 2104) copied for
    each code: the same value as hmac.new(key, code, sha256), in a third of the time of
    hmac's own copy (300,000 persons: 0.3 s instead of 0.9 s).
    """

    def __init__(self, key: Key):
        block = key.secret.ljust(64, b"\0")  # SHA-256 block size; keys are 32 bytes
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
        self._known = pl.DataFrame(schema={"codice": pl.String, "pseudonimo": pl.UInt64})

    def _compute(self, codes: list[str]) -> pl.Series:
        inner, outer, digests = self._inner.copy, self._outer.copy, []
        append = digests.append
        for code in codes:
            h = inner()
            h.update(code.encode("utf-8"))
            o = outer()
            o.update(h.digest())
            append(o.digest()[:8])
        return pl.Series(digests, dtype=pl.Binary).bin.reinterpret(dtype=pl.UInt64, endianness="big")

    def of(self, codes: pl.Series) -> pl.Series:
        """The pseudonym (UInt64) of each normalised codice fiscale (null stays null)."""
        frame = codes.cast(pl.String).to_frame("codice")
        joined = frame.join(self._known, on="codice", how="left", maintain_order="left")
        missing = joined.filter(pl.col("pseudonimo").is_null())["codice"].drop_nulls().unique()
        if missing.len():
            found = pl.DataFrame({"codice": missing, "pseudonimo": self._compute(missing.to_list())})
            self._known = pl.concat([self._known, found])
            joined = frame.join(self._known, on="codice", how="left", maintain_order="left")
        return joined["pseudonimo"].rename("pseudonimo")
