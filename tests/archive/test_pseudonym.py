"""Pseudonyms: HMAC-SHA256 of the normalised codice fiscale under the archive's key."""

import hashlib
import hmac
import os

import polars as pl
import pytest

from registro.validators.archive.pseudonym import Key, Pseudonyms, create_key, read_key
from registro.validators.errors import ArchiveError


def test_lo_pseudonimo_e_l_hmac_sha256_del_codice_fiscale_con_la_chiave():
    key = Key(os.urandom(32), None)
    codes = pl.Series(["RSSMRA80A01H501U", None, "RSSMRA80A01H501U", "00743110157"])
    got = Pseudonyms(key).of(codes).to_list()
    expected = int.from_bytes(hmac.new(key.secret, b"RSSMRA80A01H501U", hashlib.sha256).digest()[:8], "big")
    assert got[0] == got[2] == expected and got[1] is None and got[3] != expected
    assert Pseudonyms(Key(os.urandom(32), None)).of(codes).to_list()[0] != expected  # another key, another pseudonym


def test_la_chiave_si_crea_una_volta_sola_e_si_rilegge(tmp_path):
    key = create_key(tmp_path / "a.chiave")
    assert read_key(tmp_path / "a.chiave") == key and len(key.fingerprint) == 32
    assert key.secret.hex() not in key.fingerprint
    with pytest.raises(ArchiveError, match="esiste già"):
        create_key(tmp_path / "a.chiave")
