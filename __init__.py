"""registro: the register of services of the Centri per l'Impiego (Regione Marche).

The repository root is this package: `validators/` (the engine), `xl_addin/` (Excel) and `cli.py`
(the command line) install as `registro.validators`, `registro.xl_addin` and `registro.cli`.
"""


def main(book=None):
    """The ribbon button of registro.xlam: the month in one pass on the active workbook.

    xlwings' ribbon macro imports the module named like the add-in file (`registro`) and calls
    its main(); the add-in's code lives in registro.xl_addin and is imported only here.
    """
    from registro.xl_addin import main as run_all

    return run_all(book)
