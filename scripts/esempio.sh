#!/usr/bin/env bash
# Sets everything up and runs the month's job on the bundled example in one command: the October
# register of two offices (with one of each problem) checked against September's history, then
# its report, annotated copy, time totals, clean file for JA and rejects. Results go to uscita/.
set -euo pipefail
source "$(dirname "$0")/prepara.sh"
set +e
registro mese esempi/registro_esempio.csv --storico esempi/storico_settembre.csv --mese 2026-10 \
  --oggi 2026-11-01 -o uscita --mostra 40
rc=$?
set -e
# Exit 1 means "the register has errors", which the example has on purpose; 2 is a real failure.
if [ "$rc" -ge 2 ]; then exit "$rc"; fi
echo
echo "Risultati in uscita/: rapporto.xlsx e rapporto.json (tutti i problemi), registro_esempio_annotato.xlsx"
echo "(copia annotata), riepilogo.xlsx (tempi di lavoro con grafici), ja.csv (file pulito per JA),"
echo "scarti.xlsx (righe scartate e motivi)."
