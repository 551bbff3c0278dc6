"""The archive in the terminal: its partitions and dataset folder (`archivio stato`), what an import
wrote and replaced (`archivio aggiungi`, `mese --archivia`), what a removal took away, what a
verification found, and what opening or writing the archive did on the way (notices)."""

from __future__ import annotations

from rich.markup import escape

from registro.validators.text import counted


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def partition_line(p) -> str:
    """'Ancona 2026-10: 120 righe, 80 persone' (a Partition of the archive's metadata)."""
    return f"{escape(p.office_name)} {p.month}: {counted(p.rows, 'riga', 'righe')}, {counted(p.persons, 'persona', 'persone')}"


def print_notices(console, archive) -> None:
    """What opening or writing the archive did on the way (an interrupted change completed or rolled
    back, the upgrade from schema 1), one line each, every file named; then forgotten."""
    for line in archive.notices:
        console.print(escape(line))
    archive.notices.clear()


def print_status(console, folder, status) -> None:
    """Where the dataset folder is (or that an archive of schema 1 awaits its upgrade), the archived
    partitions as a table, then how many months and rows (a Status of archive_status)."""
    from rich.table import Table

    if status.data_folder is None:
        console.print(f"[bold yellow]L'archivio {escape(str(folder))} è nel formato dello schema {status.schema}[/]: "
                      "eseguire 'registro archivio verifica' per aggiornarlo (i dati passano nella cartella dati/, "
                      "che DuckDB, pandas, polars, Spark e Power BI leggono così com'è).")
    else:
        console.print(f"Cartella dei dati: {escape(str(status.data_folder))}")
    parts = status.partitions
    if not parts:
        console.print(f"L'archivio {escape(str(folder))} è vuoto.")
        return
    table = Table(title=f"Archivio {escape(str(folder))}", title_justify="left", header_style="bold")
    for name, justify in (("Mese", "left"), ("Sede", "left"), ("Righe", "right"), ("Persone", "right"),
                          ("Importato", "left"), ("Catalogo", "left")):
        table.add_column(name, justify=justify)
    for p in parts:
        table.add_row(p.month, escape(p.office_name), _number(p.rows), _number(p.persons),
                      p.imported[:16].replace("T", " "), escape(p.catalogue))
    console.print(table)
    months = sorted({p.month for p in parts})
    rows = _number(sum(p.rows for p in parts))
    console.print(f"{counted(len(parts), 'partizione', 'partizioni')}, {counted(len(months), 'mese', 'mesi')} "
                  f"({months[0]} – {months[-1]}), {rows} {'riga' if rows == '1' else 'righe'}.")


def print_added(console, result, archive) -> None:
    """What an import into the archive wrote and replaced (an AddResult), and a new key to keep safe."""
    console.print(result.balance_line)
    replaced = {p.key: p for p in result.replaced}
    for p in result.written:
        old = replaced.get(p.key)
        if old:
            console.print(f"Sostituito {partition_line(p)} (prima {counted(old.rows, 'riga', 'righe')}, importat"
                          f"{'a' if old.rows == 1 else 'e'} il {old.imported[:10]}).")
        else:
            console.print(f"Archiviato {partition_line(p)}.")
    written = {p.key for p in result.written}
    for old in result.replaced:
        if old.key not in written:
            console.print(f"[bold yellow]Svuotato {partition_line(old)}[/]: i registri importati coprono quel mese "
                          "ma non hanno righe senza errori.")
    if result.rejected:
        console.print(f"[bold yellow]{counted(result.rejected, 'riga', 'righe')} con errori non "
                      f"{'archiviata' if result.rejected == 1 else 'archiviate'}[/]: correggerle e "
                      "importare di nuovo il registro (sostituisce il mese).")
    console.print(f"Archivio: {escape(str(archive.folder))}")
    if archive.new_key:
        console.print(f"[bold]Creata la chiave dell'archivio {escape(str(archive.key.path))}[/]: conservarne una "
                      "copia in un luogo sicuro, fuori dall'archivio. Senza la chiave i mesi archiviati non "
                      "servono più come storico.")


def print_removed(console, gone: list) -> None:
    """The partitions a removal took away (none: the archive is unchanged)."""
    if not gone:
        console.print("Nessuna partizione corrisponde: archivio invariato.")
        return
    for p in gone:
        console.print(f"Tolto {partition_line(p)}.")
    rows = sum(p.rows for p in gone)
    console.print(f"{counted(len(gone), 'partizione tolta', 'partizioni tolte')}, {counted(rows, 'riga', 'righe')}.")


def print_verified(console, result, archive) -> None:
    """What a verification (a Verification) did and found on an archive that is intact: the interrupted
    change it completed or rolled back and the upgrade (the archive's notices, every file named), the
    history index it rebuilt, and where the dataset folder is."""
    print_notices(console, archive)
    if result.history_rebuilt:
        console.print("L'indice dello storico (persone, codici e date per i controlli) mancava o non corrispondeva "
                      "alle partizioni: indice dello storico ricostruito dai file delle partizioni "
                      f"({escape(str(archive.folder / result.history_file))}).")
    console.print(f"Archivio integro: schema {result.schema}, chiave corretta ({escape(str(result.key_path))}), "
                  f"{counted(result.partitions, 'partizione', 'partizioni')}, {counted(result.rows, 'riga', 'righe')} "
                  "come nei metadati. Cartella dei dati: "
                  f"{escape(str(result.data_folder))}")
