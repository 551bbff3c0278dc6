"""Everything Excel-facing: the template builder, the add-in builders and the actions run in Excel.

The ribbon button of xl_addin.xlam runs `xl_addin.main()` on the active workbook.
"""


def main(book=None):
    """Run valida, totali and esporta on the active workbook (what the ribbon button calls)."""
    from xl_addin.actions import run_all

    return run_all(book)
