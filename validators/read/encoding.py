"""The encoding of a CSV register: UTF-8 (with or without BOM), UTF-16 (BOM), Windows-1252, cp850.

UTF-8 and UTF-16 are recognised for sure (a BOM, or bytes that decode as UTF-8). The two 8-bit
code pages Italian offices meet, Windows-1252 (Excel's "CSV") and cp850 (the MS-DOS code page
of older programs and of the Windows console), both decode any text: the choice between them is
a measured rule. Each candidate decodes the head of the file; the one whose header line names
more of the register's columns wins (the accented 'Modalità' reads 'Modalit…' in the wrong one);
on a tie, the one whose non-ASCII characters are more often letters and signs of Italian text
(à è é ì ò ù, ’ “ ” €, °...). tests/read/test_encoding.py measures the rule on generated
registers in both code pages. When neither reads as plausible text, or both equally while
giving different text, the encoding cannot be decided and the user is told to save the file
as "CSV UTF-8".
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass

# How much of the file decides between the 8-bit code pages (whole lines of it).
SAMPLE_BYTES = 1 << 20
# Characters a register's text in Italian holds beyond ASCII (names, notes, places).
PLAUSIBLE = frozenset("àèéìòùÀÈÉÌÒÙáíóúÁÍÓÚâêîôûçÇñÑäëïöüÄËÏÖÜß’‘“”«»€°ª–—·")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16", "cp1252": "Windows-1252",
         "cp850": "MS-DOS (cp850)"}
SAVE_AS_UTF8 = ("aprirlo in Excel e salvarlo con 'Salva con nome' scegliendo 'CSV UTF-8 (delimitato da virgole)' "
                "(in LibreOffice: 'Testo CSV' con set di caratteri 'Unicode (UTF-8)')")


class Undecidable(Exception):
    """The file's encoding cannot be told; the message says so in Italian, with what to do."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # a Python codec name: utf-8, utf-8-sig, utf-16, cp1252, cp850

    @property
    def utf8(self) -> bool:
        return self.encoding in ("utf-8", "utf-8-sig")

    @property
    def label(self) -> str:
        """The encoding as users know it."""
        return NAMES[self.encoding]


def decode(raw: bytes, header_score: Callable[[str], int]) -> Decoded:
    """The text of a CSV file. header_score(text) tells how many register columns the header
    among the first lines of a decoded text names (read/register.py's header locator)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(raw.decode("utf-16"), "utf-16")
        except UnicodeDecodeError:
            raise Undecidable("il file dichiara la codifica UTF-16 ma contiene caratteri non validi: "
                              + SAVE_AS_UTF8) from None
    try:
        return Decoded(raw.decode("utf-8-sig"), "utf-8-sig" if raw.startswith(codecs.BOM_UTF8) else "utf-8")
    except UnicodeDecodeError:
        if raw.startswith(codecs.BOM_UTF8):
            raise Undecidable("il file dichiara la codifica UTF-8 ma contiene caratteri non validi: "
                              + SAVE_AS_UTF8) from None
    encoding = choose_code_page(raw[:SAMPLE_BYTES], header_score)
    return Decoded(raw.decode(encoding), encoding)


def choose_code_page(sample: bytes, header_score: Callable[[str], int]) -> str:
    """'cp1252' or 'cp850' for bytes that are not UTF-8, or Undecidable."""
    cut = sample.rfind(b"\n")
    if cut > 0 and len(sample) == SAMPLE_BYTES:
        sample = sample[:cut]
    scored = []
    for encoding in ("cp1252", "cp850"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:  # bytes Windows-1252 leaves undefined
            continue
        scored.append(((header_score(text), plausibility(text)), encoding, text))
    scored.sort(key=lambda s: s[0], reverse=True)
    if not scored or scored[0][0][1] < 0 or len(scored) > 1 and scored[0][0] == scored[1][0] \
            and scored[0][2] != scored[1][2]:
        raise Undecidable("la codifica dei caratteri del file non è riconoscibile (non è UTF-8, né Windows-1252, "
                          "né MS-DOS): " + SAVE_AS_UTF8)
    return scored[0][1]


def plausibility(text: str) -> int:
    """Non-ASCII characters of Italian text minus the other non-ASCII characters."""
    found = _NON_ASCII.findall(text)
    plausible = sum(1 for char in found if char in PLAUSIBLE)
    return plausible - (len(found) - plausible)
