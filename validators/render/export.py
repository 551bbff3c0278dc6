"""The export in the terminal (`registro esporta`): the balance, where the files went, the rejects by rule."""

from __future__ import annotations


def print_export(console, result) -> bool:
    """Print what an export wrote (an ExportResult); False when its balance does not add up."""
    console.print(result.balance_line)
    console.print(f"File per JA scritto in {result.target} (profilo: {result.profile}).")
    if result.rejected:
        reasons = ", ".join(f"{rule} {n}" for rule, n in result.rejected_by_rule)
        rows = "1 riga scartata" if result.rejected == 1 else f"{result.rejected} righe scartate"
        console.print(f"[bold yellow]{rows} perché con errori[/] ({reasons}): elenco con file, riga e motivi in "
                      f"{result.rejects}. {'Correggerla' if result.rejected == 1 else 'Correggerle'} e ripetere "
                      "l'esportazione.")
    else:
        console.print(f"Nessuna riga scartata (file degli scarti vuoto: {result.rejects}).")
    if not result.balanced:  # the export refuses to write an unbalanced export: this is a second guard
        console.print("[bold red]I conti non tornano.[/]")
    return result.balanced
