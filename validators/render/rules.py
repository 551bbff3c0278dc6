"""The rules of the checks in the terminal (`registro regole`) and as the README's Markdown table."""

from __future__ import annotations

from registro.validators.rules import RULES


def print_rules(console) -> None:
    """Every rule: id (what --escludi takes), severity, column, when it fires."""
    from rich.table import Table

    table = Table(header_style="bold")
    for name in ("Regola", "Gravità", "Colonna", "Quando"):
        table.add_column(name, overflow="fold")
    for r in RULES:
        table.add_row(r.id, r.severity, r.column or "file", r.description)
    console.print(table)


def markdown() -> str:
    """The rules as the Markdown table of the README (a test keeps it in sync)."""
    lines = ["| Regola | Gravità | Colonna | Quando | Fonte nella tabella regionale |", "|---|---|---|---|---|"]
    for r in RULES:
        source = f"«{r.source}»" if r.source else ""
        lines.append(f"| `{r.id}` | {r.severity} | {r.column or 'file'} | {r.description} | {source} |")
    return "\n".join(lines)
