"""Checks made before a file is parsed: empty, wrong type, encrypted, too big, zip bombs, XML entities.

The readers (calamine for spreadsheets, polars for CSV) are fast but trust their input; these
checks bound time and memory and turn hostile or broken files into one clear Italian message.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

from registro.validators.ooxml.zipfiles import data_offset

# Limits (documented in docs/guida/problemi-frequenti.md, "File danneggiati, limiti e sicurezza").
MAX_UNCOMPRESSED_BYTES = 2 * 1024**3  # sum of the parts of an .xlsx/.ods once unzipped
# A part compressed more than 100:1 and larger than 64 MB unzipped is treated as a zip bomb. Real
# registers compress about 10:1 (a 1M-row sheet: 484 MB in 50 MB); XML of repeated cells reaches
# 20-30:1; deflate's own limit is about 1032:1.
MAX_PART_RATIO = 100
MAX_RATIO_PART_BYTES = 64 * 1024**2
# Sizes in a zip's directory are written by whoever made the file, and calamine trusts them. So
# the first bytes of each part that could hide a bomb are really inflated (at most this much, a
# few tens of milliseconds), to check that the part is no larger than declared and that it
# does not compress more than MAX_PART_RATIO:1.
VERIFIED_BYTES = 16 * 1024**2
DEFLATE_MAX_RATIO = 1032
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


WHAT_TO_DO = ("se è un registro vero, aprirlo in Excel o LibreOffice e salvarlo di nuovo; "
              "se arriva da fuori, non aprirlo e segnalarlo")


def _bomb(name: str, detail: str) -> Refused:
    return Refused(f"la parte '{name}' {detail}: possibile file malevolo (zip bomb), non viene letto ({WHAT_TO_DO})")


def _size(count: int) -> str:
    return f"{count / 1024**3:.1f} GB".replace(".", ",") if count >= 1024**3 else f"{count / 1024**2:.0f} MB"


def check_zip(path: Path) -> None:
    """Refuse zips that are truncated, too large once unzipped, bombs, or carry XML DTDs/entities.

    Sizes are read from the zip's central directory, before anything is inflated; then the parts
    that could hide a bomb behind false sizes are inflated up to VERIFIED_BYTES (`_inflated_size`).
    """
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
                    raise _bomb(p.filename, f"è compressa in modo anomalo ({ratio:.0f}:1, {_size(p.file_size)} "
                                            "una volta decompressa)")
            with open(path, "rb") as raw:
                for p in parts:
                    if p.compress_type == zipfile.ZIP_DEFLATED and p.compress_size * DEFLATE_MAX_RATIO > MAX_RATIO_PART_BYTES:
                        _check_declared_size(raw, p)
            for p in parts:
                if p.filename.endswith((".xml", ".rels", ".vml")):
                    with z.open(p) as fh:
                        head = fh.read(4096)
                    if any(d in head for d in XML_DANGER):
                        raise Refused(f"la parte '{p.filename}' contiene dichiarazioni XML (DOCTYPE/ENTITY) "
                                      "non ammesse in un foglio di calcolo: possibile file malevolo")
    except zipfile.BadZipFile:
        raise Refused("il file è danneggiato o incompleto (archivio zip non valido)") from None
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, zlib.error, struct.error) as exc:
        raise Refused(f"il file è danneggiato o usa una compressione non supportata ({type(exc).__name__})") from None


def _check_declared_size(raw, part: zipfile.ZipInfo) -> None:
    """Refuse a part that inflates to more than its declared size, or more than MAX_PART_RATIO:1
    over its first VERIFIED_BYTES (a bomb whose directory entry lies)."""
    produced, consumed = _inflated_size(raw, part, min(part.file_size, VERIFIED_BYTES) + 1)
    if produced > part.file_size:
        raise _bomb(part.filename, f"dichiara {part.file_size} byte ma decompressa ne occupa di più")
    if produced >= VERIFIED_BYTES and produced / max(consumed, 1) > MAX_PART_RATIO:
        raise _bomb(part.filename, f"è compressa in modo anomalo (oltre {MAX_PART_RATIO}:1)")


def _inflated_size(raw, part: zipfile.ZipInfo, limit: int) -> tuple[int, int]:
    """(bytes produced, compressed bytes read) inflating the raw deflate stream of a part until it
    ends, its compressed size is read, or `limit` bytes have come out; memory stays about 1 MB."""
    raw.seek(data_offset(raw, part))
    inflate = zlib.decompressobj(-15)
    produced = consumed = 0
    left = part.compress_size
    while left > 0 and produced < limit and not inflate.eof:
        chunk = raw.read(min(left, 1 << 16))
        if not chunk:
            break
        left -= len(chunk)
        consumed += len(chunk)
        while chunk and produced < limit and not inflate.eof:
            produced += len(inflate.decompress(chunk, 1 << 20))
            chunk = inflate.unconsumed_tail
    return produced, consumed


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
