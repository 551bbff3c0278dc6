#!/usr/bin/env bash
# Sets everything up and runs the month's job on the bundled example: September's register goes
# into the example's archive (uscita/archivio, with its key uscita/archivio.chiave), then October's
# register of two offices (with one of each problem) is checked against it in one command that
# writes the report, the annotated copy, the time totals, the clean file for JA and the rejects.
set -euo pipefail
source "$(dirname "$0")/prepara.sh"
registro archivio aggiungi esempi/storico_settembre.csv --mese 2026-09 --oggi 2026-11-01 --archivio uscita/archivio
echo
set +e
registro mese esempi/registro_esempio.csv --archivio uscita/archivio --mese 2026-10 --oggi 2026-11-01 \
  -o uscita --mostra 40
rc=$?
set -e
# Exit 1 means "the register has errors", which the example has on purpose; 2 is a real failure.
if [ "$rc" -ge 2 ]; then exit "$rc"; fi
echo
echo "Risultati in uscita/: rapporto.xlsx e rapporto.json (tutti i problemi), registro_esempio_annotato.xlsx"
echo "(copia annotata), riepilogo.xlsx (tempi di lavoro con grafici), ja.csv (file pulito per JA),"
echo "scarti.xlsx (righe scartate e motivi); l'archivio con settembre in uscita/archivio."
