"""Sets everything up and runs the whole test suite: `python scripts/test.py` (Windows, macOS, Linux).

Extra arguments go to pytest; the edit loop skips the slow tests (see tests/conftest.py):
    python scripts/test.py -m "not lento"
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import prepara  # noqa: E402  (the sibling module, also when run from another folder)

NO_TESTS = 5  # pytest's exit code when no test was collected


def main(args):
    """Run pytest in .venv with args; the exit code, with pytest's 'no test collected' decided here."""
    python = prepara.prepare()
    code = subprocess.run([python, "-m", "pytest"] + list(args), cwd=prepara.ROOT, env=prepara.environment()).returncode
    if code == NO_TESTS:
        # With a filter, no test matching is the user's choice; on the whole suite it is a fault.
        if args:
            print("Nessun test corrisponde ai filtri indicati.")
            return 0
        sys.stderr.write("Nessun test trovato: la suite è vuota o non raccolta.\n")
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
