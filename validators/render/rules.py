"""The rules of the checks in the terminal (`registro regole`) and as the Markdown table of the guide (docs/guida/regole.md)."""

from __future__ import annotations

from registro.validators.rules import RULES


def print_rules(console) -> None:
    """Every rule: id (what --escludi takes), severity, column, when it fires and the table's sentence.

    Cells are plain Text, never markup: a description such as "[minimo, massimo]" reads as a
    rich style tag and would vanish.
    """
    from rich.table import Table
    from rich.text import Text

    table = Table(header_style="bold")
    for name in ("Regola", "Gravità", "Colonna", "Quando"):
        table.add_column(name, overflow="fold")
    for r in RULES:
        when = Text(r.description)
        if r.source:
            when.append(f"\nTabella regionale: «{r.source}»", style="italic")
        table.add_row(Text(r.id), Text(r.severity), Text(r.column or "file"), when)
    console.print(table)


def markdown() -> str:
    """The rules as the Markdown table of docs/guida/regole.md (a test keeps it in sync)."""
    lines = ["| Regola | Gravità | Colonna | Quando | Fonte nella tabella regionale |", "|---|---|---|---|---|"]
    for r in RULES:
        source = f"«{r.source}»" if r.source else ""
        lines.append(f"| `{r.id}` | {r.severity} | {r.column or 'file'} | {r.description} | {source} |")
    return "\n".join(lines)
