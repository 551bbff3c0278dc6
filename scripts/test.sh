#!/usr/bin/env bash
# Sets everything up and runs the whole test suite (extra arguments go to pytest; the edit loop:
#   bash scripts/test.sh -m "not lento"   skips the slow tests, see tests/conftest.py).
set -euo pipefail
source "$(dirname "$0")/prepara.sh"
set +e
python -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  # pytest: no test collected. With a filter that is the user's choice; on the whole suite it is a fault.
  if [ "$#" -gt 0 ]; then echo "Nessun test corrisponde ai filtri indicati."; exit 0; fi
  echo "Nessun test trovato: la suite è vuota o non raccolta." >&2
  exit 1
fi
exit "$rc"
