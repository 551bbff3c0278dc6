"""The rules of the checks in the terminal (`registro regole`) and as the Markdown table of the guide (docs/guida/regole.md)."""

from __future__ import annotations

from registro.validators.check.rules.registry import RULES, readme_table


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
    """The rules as the Markdown table of docs/guida/regole.md."""
    return readme_table()
