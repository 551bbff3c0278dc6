"""Everything Excel-facing: the template builder, the add-in builders and the actions run in Excel.

The ribbon button of xl_addin.xlam runs `xl_addin.main()` on the active workbook.
"""


def main(book=None):
    """The month in one pass on the active workbook: check, totals, JA export (what the ribbon button calls)."""
    from xl_addin.actions import run_all

    return run_all(book)
