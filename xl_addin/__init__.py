"""Everything Excel-facing: the template builder, the add-in builders and the actions run in Excel.

The ribbon button of registro.xlam runs `registro.main()` on the active workbook.
"""


def main(book=None):
    """The month in one pass on the active workbook: check, totals, JA export (what the ribbon button calls)."""
    from registro.xl_addin.actions import run_all

    return run_all(book)
