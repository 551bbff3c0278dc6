"""Proves the headless LibreOffice harness in tests/support against a real Calc."""

from __future__ import annotations

import re
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from tests.support import libreoffice as lo

pytestmark = pytest.mark.libreoffice

FAMILIES = ["F1", "F2", "F3"]
CODES = [10, 20, 30]
# Dependent lists, reached through INDIRECT("LEP_"&A2); F3 has no list on purpose.
DEPENDENT = {"F1": ["a1", "a2", "a3"], "F2": ["b1", "b2"]}
# Rows typed into Registro: family, subtype, quantity (1..100).
ROWS = [
    ("F1", "a2", 50),  # row 2: valid
    ("F1", "a1", 5),  # row 3: valid
    ("F2", "a1", 20),  # row 4: subtype not in LEP_F2 -> invalid B4
    ("F2", "b2", 500),  # row 5: quantity out of range -> invalid C5
    ("F3", None, 7),  # row 6: empty subtype is allowed
    (None, None, "abc"),  # row 7: text in a whole-number cell -> invalid C7
]
EXPECTED_INVALID = ["B4", "C5", "C7"]


def build_workbook(path: Path) -> None:
    """Write the sample workbook with validations, formulas and a chart."""
    wb = Workbook()
    reg = wb.active
    reg.title = "Registro"
    reg.append(["Familia", "Subtipo", "Cantidad", "Codigo", "Doble"])
    for r in range(2, 21):
        reg.cell(r, 4, f'=IF(A{r}="","",INDEX(Listas!$B$2:$B$4,MATCH(A{r},Listas!$A$2:$A$4,0)))')

    lists = wb.create_sheet("Listas")
    lists.append(["Familia", "Codigo", None, "LEP_F1", "LEP_F2"])
    for i, (family, code) in enumerate(zip(FAMILIES, CODES), start=2):
        lists.cell(i, 1, family)
        lists.cell(i, 2, code)
    for col, family in ((4, "F1"), (5, "F2")):
        for i, item in enumerate(DEPENDENT[family], start=2):
            lists.cell(i, col, item)
    lists.sheet_state = "hidden"
    lists.protection.sheet = True

    for name, ref in (
        ("Familias", "Listas!$A$2:$A$4"),
        ("LEP_F1", "Listas!$D$2:$D$4"),
        ("LEP_F2", "Listas!$E$2:$E$3"),
    ):
        wb.defined_names[name] = DefinedName(name, attr_text=ref)

    family = DataValidation(type="list", formula1="=Familias", allow_blank=True)
    family.add("A2:A20")
    subtype = DataValidation(type="list", formula1='=INDIRECT("LEP_"&A2)', allow_blank=True)
    subtype.add("B2:B20")
    quantity = DataValidation(
        type="whole",
        operator="between",
        formula1="1",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Cantidad",
        error="Entre 1 y 100",
    )
    quantity.add("C2:C20")
    for dv in (family, subtype, quantity):
        reg.add_data_validation(dv)

    summary = wb.create_sheet("Resumen")
    summary.append(["Familia", "N"])
    for i, fam in enumerate(FAMILIES, start=2):
        summary.cell(i, 1, fam)
        summary.cell(
            i, 2, f'=COUNTIFS(Registro!$A$2:$A$20,A{i},Registro!$C$2:$C$20,">=10")'
        )
    chart = BarChart()
    chart.add_data(Reference(summary, min_col=2, min_row=1, max_row=4), titles_from_data=True)
    chart.set_categories(Reference(summary, min_col=1, min_row=2, max_row=4))
    summary.add_chart(chart, "D2")
    wb.save(path)


class Plan:
    """Collects named ops so results can be looked up by name."""

    def __init__(self) -> None:
        """Start with no ops."""
        self.ops: list[dict] = []
        self.names: dict[str, int] = {}

    def add(self, op: dict, name: str | None = None) -> None:
        """Append an op, remembering its index under name."""
        if name:
            self.names[name] = len(self.ops)
        self.ops.append(op)

    def pick(self, results: list) -> dict:
        """Map names to the results of the named ops."""
        return {name: results[i] for name, i in self.names.items()}


def pdf_pages(path: Path) -> int:
    """Count page objects in a PDF written by LibreOffice."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", path.read_bytes()))


@pytest.fixture(scope="module")
def session(libreoffice, tmp_path_factory):
    """Run every check's ops in a single soffice session (two documents)."""
    tmp = tmp_path_factory.mktemp("lo_harness")
    book = tmp / "registro.xlsx"
    build_workbook(book)
    original = book.read_bytes()
    out = tmp / "out"

    plan = Plan()
    for r, row in enumerate(ROWS, start=2):
        for col, value in zip("ABC", row):
            if value is not None:
                plan.add({"op": "set", "sheet": "Registro", "cell": f"{col}{r}", "value": value})
    plan.add({"op": "set", "sheet": "Registro", "cell": "E2", "formula": "=C2*2"})
    plan.add(
        {
            "op": "set",
            "sheet": "Registro",
            "cell": "E3",
            "formula_xlsx": '=IF(C3>=10,"big",Listas!A2&"-small")',
        }
    )
    plan.add({"op": "calculate_all"})
    plan.add({"op": "get", "sheet": "Registro", "range": "A2:E7"}, "registro")
    plan.add({"op": "get", "sheet": "Resumen", "range": "A2:B4"}, "resumen")
    plan.add({"op": "validation", "sheet": "Registro", "cell": "A2"}, "val_family")
    plan.add({"op": "validation", "sheet": "Registro", "cell": "C9"}, "val_quantity")
    plan.add({"op": "list_entries", "sheet": "Registro", "cell": "A9"}, "families")
    for r in (2, 4, 6):
        plan.add({"op": "list_entries", "sheet": "Registro", "cell": f"B{r}"}, f"subtypes_B{r}")
    for cell in ("B2", "C2", "B6", "B4", "C5", "C7"):
        plan.add({"op": "is_valid", "sheet": "Registro", "cell": cell}, f"valid_{cell}")
    plan.add({"op": "invalid_cells", "sheet": "Registro"}, "invalid")
    plan.add({"op": "sheet_names"}, "sheet_names")
    plan.add({"op": "sheet_info"}, "sheets_before")
    plan.add({"op": "named_ranges"}, "names")
    plan.add({"op": "charts"}, "charts")
    plan.add({"op": "export_pdf", "path": str(out / "all.pdf")}, "pdf_all")
    plan.add({"op": "export_pdf", "path": str(out / "resumen.pdf"), "sheets": ["Resumen"]}, "pdf")
    plan.add({"op": "sheet_info"}, "sheets_after")
    plan.add({"op": "save_as", "path": str(out / "saved.xlsx")}, "saved")
    plan.add({"op": "save_as", "path": str(out / "saved.ods"), "filter": "calc8"}, "saved_ods")

    # Second document in the same soffice session: the copy saved above.
    reopen = Plan()
    reopen.add({"op": "get", "sheet": "Registro", "range": "A2:E2"}, "row2")
    reopen.add({"op": "list_entries", "sheet": "Registro", "cell": "B3"}, "subtypes_B3")

    started = time.monotonic()
    first, second = libreoffice.run_many([(book, plan.ops), (out / "saved.xlsx", reopen.ops)])
    return SimpleNamespace(
        book=book,
        original=original,
        out=out,
        r=plan.pick(first),
        reopened=reopen.pick(second),
        seconds=time.monotonic() - started,
    )


def test_formulas_recalculate_after_setting_cells(session):
    rows = session.r["registro"]
    # INDEX/MATCH on the hidden sheet: code of the row's family.
    assert [row[3]["value"] for row in rows[:5]] == [10, 10, 20, 20, 30]
    assert rows[0][3]["type"] == "FORMULA" and rows[0][3]["result"] == "VALUE"
    assert rows[5][3]["string"] == "" and rows[5][3]["result"] == "STRING"
    # Formula set through the harness.
    assert rows[0][4]["value"] == 100 and rows[0][4]["formula"] == "=C2*2"
    assert rows[1][4]["string"] == "F1-small"
    assert rows[1][4]["formula"] == '=IF(C3>=10;"big";$Listas.A2&"-small")'
    # Strings and numbers as typed.
    assert rows[0][0] == {"value": 0.0, "string": "F1", "error": 0, "type": "TEXT"}
    assert rows[0][2]["type"] == "VALUE" and rows[0][2]["value"] == 50
    # COUNTIFS per family with quantity >= 10: F1 row 2; F2 rows 4 and 5.
    assert [(a["string"], b["value"]) for a, b in session.r["resumen"]] == [
        ("F1", 1),
        ("F2", 2),
        ("F3", 0),
    ]


def test_validation_properties_come_back_from_calc(session):
    family = session.r["val_family"]
    assert family["Type"] == "LIST"
    assert family["Formula1"] == "Familias"
    assert family["ShowList"] == 1  # TableValidationVisibility.UNSORTED
    assert family["IgnoreBlankCells"] is True
    quantity = session.r["val_quantity"]
    assert quantity["Type"] == "WHOLE"
    assert quantity["Operator"] == "BETWEEN"
    assert (quantity["Formula1"], quantity["Formula2"]) == ("1", "100")
    assert quantity["ShowErrorMessage"] is True
    assert (quantity["ErrorTitle"], quantity["ErrorMessage"]) == ("Cantidad", "Entre 1 y 100")
    assert quantity["SourcePosition"] == "C2"


def test_list_entries_equal_the_source_list(session):
    families = session.r["families"]
    assert families["entries"] == FAMILIES
    assert families["error"] == 0 and families["has_blank"] is False


def test_the_dependent_dropdown_follows_its_row_through_indirect(session):
    # The relative A2 in Formula1 follows the cell: B4 looks at A4 (F2).
    assert session.r["subtypes_B2"]["formula"] == 'INDIRECT("LEP_"&A2)'
    assert session.r["subtypes_B2"]["entries"] == DEPENDENT["F1"]
    assert session.r["subtypes_B4"]["formula"] == 'INDIRECT("LEP_"&A4)'
    assert session.r["subtypes_B4"]["entries"] == DEPENDENT["F2"]
    # No LEP_F3 name: the dropdown is empty and the evaluation error is reported.
    assert session.r["subtypes_B6"]["entries"] == []
    assert session.r["subtypes_B6"]["error"] != 0


def test_invalid_values_are_detected(session):
    for cell in ("B2", "C2", "B6"):
        assert session.r[f"valid_{cell}"] is True, cell
    for cell in EXPECTED_INVALID:
        assert session.r[f"valid_{cell}"] is False, cell
    assert session.r["invalid"] == EXPECTED_INVALID


def test_sheet_names_visibility_protection_and_charts_come_back(session):
    assert session.r["sheet_names"] == ["Registro", "Listas", "Resumen"]
    info = {s["name"]: s for s in session.r["sheets_before"]}
    assert info["Listas"]["visible"] is False and info["Listas"]["protected"] is True
    assert info["Registro"]["visible"] is True and info["Registro"]["protected"] is False
    assert session.r["charts"] == {"Registro": 0, "Listas": 0, "Resumen": 1}
    names = {n["name"]: n for n in session.r["names"]}
    assert names["LEP_F1"]["content"] == "$Listas.$D$2:$D$4"
    assert names["LEP_F1"]["scope"] is None
    assert set(names) == {"Familias", "LEP_F1", "LEP_F2"}


def test_the_pdf_export_prints_only_the_selected_sheets(session):
    selected, everything = Path(session.r["pdf"]), Path(session.r["pdf_all"])
    assert selected.read_bytes().startswith(b"%PDF")
    assert everything.read_bytes().startswith(b"%PDF")
    assert 0 < pdf_pages(selected) < pdf_pages(everything)
    # Sheets hidden for the export are shown again afterwards.
    assert session.r["sheets_after"] == session.r["sheets_before"]


def test_save_as_and_reopen_in_the_same_session(session):
    saved = Path(session.r["saved"])
    assert Path(session.r["saved_ods"]).read_bytes()[:2] == b"PK"
    row = session.reopened["row2"][0]
    assert [c["string"] for c in row] == ["F1", "a2", "50", "10", "100"]
    assert session.reopened["subtypes_B3"]["entries"] == DEPENDENT["F1"]
    wb = load_workbook(saved)
    assert wb["Registro"]["A2"].value == "F1"
    assert wb["Listas"].sheet_state == "hidden"


def test_the_original_workbook_is_untouched_by_the_session(session):
    assert session.book.read_bytes() == session.original
    assert sorted(p.name for p in session.book.parent.iterdir()) == ["out", "registro.xlsx"]
    print(f"LibreOffice session for two documents: {session.seconds:.1f} s")


def test_errors_come_back_as_exceptions(libreoffice, tmp_path):
    book = tmp_path / "book.xlsx"
    build_workbook(book)
    ops = [
        {"op": "sheet_names"},
        {"op": "get", "sheet": "Nope", "range": "A1"},
        {"op": "sheet_names"},
    ]
    with pytest.raises(lo.LibreOfficeError, match="no sheet named 'Nope'") as caught:
        libreoffice.run(book, ops, timeout=120)
    assert (caught.value.job, caught.value.op_index, caught.value.op) == (0, 1, "get")
    with pytest.raises(lo.LibreOfficeError, match="document not found"):
        libreoffice.run(tmp_path / "missing.xlsx", [], timeout=120)


def _processes_mentioning(text: str) -> list[int]:
    """PIDs whose command line contains text."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "cmdline").read_bytes():
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def test_timeout_kills_soffice(libreoffice, tmp_path):
    book = tmp_path / "book.xlsx"
    build_workbook(book)
    with pytest.raises(lo.LibreOfficeTimeout, match="timed out") as caught:
        libreoffice.run(book, [{"op": "sleep", "seconds": 60}], timeout=4)
    session_id = caught.value.session_id
    assert session_id
    deadline = time.monotonic() + 10
    while _processes_mentioning(session_id) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_mentioning(session_id) == []


def test_require_libreoffice_skips_locally_and_fails_in_ci(monkeypatch):
    monkeypatch.setenv("REGISTRO_SOFFICE", "/nonexistent/soffice")
    assert lo.lo_available() is False
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        lo.require_libreoffice()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        lo.require_libreoffice()
