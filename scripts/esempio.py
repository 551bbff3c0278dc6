"""Sets everything up and runs the month's job on the bundled example: `python scripts/esempio.py`.

September's register goes into the example's archive (uscita/archivio, with its key
uscita/archivio.chiave), then October's register of two offices (with one of each problem) is checked
against it in one command that writes the report, the annotated copy, the time totals, the clean file
for JA and the rejects. The same on Windows, macOS and Linux (tests/export runs these two commands).
"""

import os
import subprocess
import sys

# The two commands, as `registro` arguments run from the project folder.
SEPTEMBER = ["archivio", "aggiungi", "esempi/storico_settembre.csv", "--mese", "2026-09", "--oggi", "2026-11-01",
             "--archivio", "uscita/archivio"]
OCTOBER = ["mese", "esempi/registro_esempio.csv", "--archivio", "uscita/archivio", "--mese", "2026-10",
           "--oggi", "2026-11-01", "-o", "uscita", "--mostra", "40"]
COMMANDS = [SEPTEMBER, OCTOBER]


def main():
    """Run the example's two commands; 0 when they ran (the example has errors on purpose)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # here, so that tests can read COMMANDS
    import prepara  # the sibling module, also when run from another folder

    python = prepara.prepare()
    for args in COMMANDS:
        code = subprocess.run([python, "-m", "registro"] + args, cwd=prepara.ROOT, env=prepara.environment()).returncode
        # Exit 1 means "the register has errors", which the example has on purpose; 2 is a real failure.
        if code >= 2:
            return code
        print()
    print("Risultati in uscita/: rapporto.xlsx e rapporto.json (tutti i problemi), registro_esempio_annotato.xlsx")
    print("(copia annotata), riepilogo.xlsx (tempi di lavoro con grafici), ja.csv (file pulito per JA),")
    print("scarti.xlsx (righe scartate e motivi); l'archivio con settembre in uscita/archivio.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
