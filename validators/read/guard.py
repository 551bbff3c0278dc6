"""Checks made before a file is parsed: empty, wrong type, encrypted, too big, zip bombs, XML entities.

The readers (calamine for spreadsheets, polars for CSV) are fast but trust their input; these
checks bound time and memory and turn hostile or broken files into one clear Italian message.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

# Limits (documented in the README, "Limiti").
MAX_UNCOMPRESSED_BYTES = 2 * 1024**3  # sum of the parts of an .xlsx/.ods once unzipped
MAX_PART_RATIO = 500  # a part compressed more than 500:1 ...
MAX_RATIO_PART_BYTES = 64 * 1024**2  # ... and larger than 64 MB unzipped is treated as a zip bomb
MAX_TEXT_BYTES = 1024**3  # a CSV file
MAX_ROWS = 1_048_576  # Excel's own row limit, per sheet or CSV file

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
XML_DANGER = (b"<!DOCTYPE", b"<!ENTITY")


class Refused(Exception):
    """The file must not be parsed; the message says why, in Italian."""


def kind(path: Path) -> str:
    """'empty', 'zip', 'ole' or 'other', from the first bytes."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not head:
        return "empty"
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head == OLE_MAGIC:
        return "ole"
    return "other"


def is_encrypted_ole(path: Path) -> bool:
    """An OLE container holding an encrypted Office Open XML package (password-protected workbook)."""
    with open(path, "rb") as fh:
        data = fh.read(4 * 1024**2)
    return ENCRYPTED_STREAM in data


def check_zip(path: Path) -> None:
    """Refuse zips that are truncated, too large once unzipped, bombs, or carry XML DTDs/entities."""
    try:
        with zipfile.ZipFile(path) as z:
            parts = z.infolist()
            total = sum(p.file_size for p in parts)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise Refused(f"decompresso occuperebbe {total / 1024**3:.1f} GB, oltre il limite di "
                              f"{MAX_UNCOMPRESSED_BYTES / 1024**3:.0f} GB")
            for p in parts:
                ratio = p.file_size / max(p.compress_size, 1)
                if p.file_size > MAX_RATIO_PART_BYTES and ratio > MAX_PART_RATIO:
                    raise Refused(f"la parte '{p.filename}' è compressa in modo anomalo ({ratio:.0f}:1): "
                                  "possibile file malevolo (zip bomb)")
            for p in parts:
                if p.filename.endswith((".xml", ".rels", ".vml")):
                    with z.open(p) as fh:
                        head = fh.read(4096)
                    if any(d in head for d in XML_DANGER):
                        raise Refused(f"la parte '{p.filename}' contiene dichiarazioni XML (DOCTYPE/ENTITY) "
                                      "non ammesse in un foglio di calcolo: possibile file malevolo")
    except zipfile.BadZipFile:
        raise Refused("il file è danneggiato o incompleto (archivio zip non valido)") from None
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        raise Refused(f"il file è danneggiato o usa una compressione non supportata ({type(exc).__name__})") from None


def check_spreadsheet(path: Path) -> str:
    """Check an Excel/ODS file before parsing; returns its container kind ('zip' or 'ole')."""
    found = kind(path)
    if found == "empty":
        raise Refused("il file è vuoto (0 byte)")
    if found == "ole":
        if is_encrypted_ole(path):
            raise Refused("il file è protetto da password: aprirlo in Excel, togliere la password "
                          "(File > Informazioni > Proteggi cartella di lavoro) e salvarlo di nuovo")
        return "ole"
    if found != "zip":
        raise Refused("non è un file Excel o LibreOffice valido (forse un altro tipo di file rinominato)")
    check_zip(path)
    return "zip"


def check_text(path: Path) -> None:
    """Check a CSV file before decoding it."""
    size = path.stat().st_size
    if size == 0:
        raise Refused("il file è vuoto (0 byte)")
    if size > MAX_TEXT_BYTES:
        raise Refused(f"il file supera il limite di {MAX_TEXT_BYTES / 1024**3:.0f} GB per un CSV")
    if kind(path) in ("zip", "ole"):
        raise Refused("è un file Excel o LibreOffice con estensione .csv: rinominarlo con l'estensione giusta")
