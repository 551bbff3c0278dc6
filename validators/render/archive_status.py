"""The status of an archive as JSON (`registro archivio stato --json`), for scripts and other tools."""

from __future__ import annotations

import json


def status_json(status) -> str:
    """registro.validators.archive.layout.Status as a JSON document (Italian keys, like the report's)."""
    parts = status.partitions
    data = status.data_folder
    doc = {
        "archivio": str(status.folder.absolute()),
        "cartella_dati": str(data) if data is not None else None,
        "versione_schema": status.schema,
        "partizioni": [{"mese": p.month, "sede": p.office, "nome_sede": p.office_name, "righe": p.rows,
                        "persone": p.persons, "importato": p.imported, "catalogo": p.catalogue,
                        "file": str(status.folder.absolute() / p.file)} for p in parts],
        "righe": sum(p.rows for p in parts),
        "mesi": sorted({p.month for p in parts}),
    }
    if data is None:
        doc["da_fare"] = "eseguire 'registro archivio verifica' per aggiornare l'archivio allo schema nuovo"
    return json.dumps(doc, ensure_ascii=False, indent=1)
