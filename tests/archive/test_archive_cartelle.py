"""The archive from a folder of office subfolders: every row keeps its file and the file's sha256."""

from __future__ import annotations

import datetime as dt
import hashlib

from registro.validators.archive.store import Archive
from tests.support import api
from tests.support.registri import CF, riga, write_xlsx


def test_l_archivio_da_una_cartella_di_sottocartelle_conserva_file_e_impronta_di_ogni_riga(tmp_path):
    month = tmp_path / "ottobre"
    files = {}
    for office in ("Ancona", "Jesi"):
        (month / office).mkdir(parents=True)
        files[office] = write_xlsx(month / office / "registro.xlsx", [riga(sede=office), riga(sede=office, cf=CF["laura"])])
    result = api.archive_add([month], tmp_path / "a", month="2026-10", today=dt.date(2026, 11, 1))
    assert result.balance_line == "4 righe lette = 4 archiviate + 0 scartate"
    table = Archive.open(tmp_path / "a", need_key=False).table()
    assert table["file"].unique().to_list() == ["registro.xlsx"]
    by_office = dict(table.select("sede", "sha256").unique().rows())
    assert by_office == {office: hashlib.sha256(path.read_bytes()).hexdigest() for office, path in files.items()}
