#!/usr/bin/env bash
# Sets everything up and runs the main job on the bundled example: the October register of two
# offices (with one of each problem) checked against September's history, then its time totals
# and the clean file for JA. Results go to uscita/.
set -euo pipefail
source "$(dirname "$0")/prepara.sh"
mkdir -p uscita
EXAMPLE=(esempi/registro_esempio.csv --storico esempi/storico_settembre.csv --mese 2026-10 --oggi 2026-11-01)
set +e
registro valida "${EXAMPLE[@]}" --mostra 40 \
  --rapporto uscita/rapporto.xlsx --annota uscita/registro_annotato.xlsx
rc=$?
set -e
# Exit 1 means "the register has errors", which the example has on purpose; 2 is a real failure.
if [ "$rc" -ge 2 ]; then exit "$rc"; fi
echo
registro totali "${EXAMPLE[@]}" -o uscita/riepilogo.xlsx
echo
registro esporta "${EXAMPLE[@]}" -o uscita/ja.csv --scarti uscita/scarti.xlsx
echo
echo "Risultati in uscita/: rapporto.xlsx (tutti i problemi), registro_annotato.xlsx (copia annotata),"
echo "riepilogo.xlsx (tempi di lavoro con grafici), ja.csv (file pulito per JA), scarti.xlsx (righe scartate e motivi)."
