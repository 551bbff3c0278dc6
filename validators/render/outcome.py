"""How a check's outcome is shown on a register, as values: the Esito text of each row, the colour
and comment of each faulty cell, the rows and links of the Verifica sheet.

One rendering for the annotated copy (render/annotated.py) and the add-in (xl_addin/actions.py):
neither decides the worst severity, a colour or a wording on its own. No openpyxl, no xlwings here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from registro.validators.messages import SHEET, text, title
from registro.validators.ooxml.refs import cell_ref
from registro.validators.ooxml.text import cut
from registro.validators.rules import AVVISO, ERRORE
from registro.validators.report import Problem

RED, YELLOW, GREEN = "FFC7CE", "FFEB9C", "C6EFCE"
GREY = "EDEDED"  # a row that is not a service (the register's own total row)
LINK_BLUE = "0563C1"
SEVERITY_COLOUR = {ERRORE: RED, AVVISO: YELLOW}
OK = "OK"
TOTAL_ROW = "Riga di totale: esclusa"
ESITO = "Esito"
VERIFICA = "Verifica"
NO_PROBLEMS = "Nessun problema."
# The Verifica sheet: the cell (a text cell holding the link: LibreOffice keeps links on text cells
# only), then row, column, what, how bad, what to do; the rule id last, for whoever filters or
# matches it against the JSON report.
VERIFICA_HEADER = ("Cella", "Riga", "Colonna", "Problema", "Gravità", "Messaggio", "Regola")
VERIFICA_WIDTHS = (8, 7, 18, 30, 9, 80, 24)
VERIFICA_WRAPPED = (False, False, False, True, False, True, False)
# The Esito column: as wide as its longest text, within these bounds (characters), wrapped beyond.
ESITO_MIN_WIDTH, ESITO_MAX_WIDTH = 12, 60
# Excel's limits: 32,767 characters in a cell; comments are cut well before.
CELL_LIMIT, COMMENT_LIMIT = 32000, 30000
COMMENT_AUTHOR = "registro"


def worst(problems) -> str:
    """errore if any problem is an errore, else avviso."""
    return ERRORE if any(p.severity == ERRORE for p in problems) else AVVISO


def esito_text(problems) -> str:
    """'ERRORE: …' / 'AVVISO: …' with every problem of the row, or OK without problems."""
    if not problems:
        return OK
    shown = f"{worst(problems).upper()}: " + " | ".join(text(p, SHEET) for p in problems)
    return cut(shown, CELL_LIMIT)


def esito_colour(problems) -> str:
    """The fill of an Esito cell."""
    return SEVERITY_COLOUR[worst(problems)] if problems else GREEN


def comment_text(problems) -> str:
    """The comment of a faulty cell: one line per problem, the rule's title first."""
    return cut("\n".join(f"{title(p.rule)}: {text(p, SHEET)}" for p in problems), COMMENT_LIMIT)


def quoted_sheet(name: str) -> str:
    """A sheet name as a reference writes it: 'Registro' (quotes doubled inside)."""
    return "'" + name.replace("'", "''") + "'"


def link_location(sheet: str, row: int, column: int) -> str:
    """An internal link target: "'Registro'!G3" (works in Excel and LibreOffice)."""
    return f"{quoted_sheet(sheet)}!{cell_ref(row, column)}"


LINE_HEIGHT = 15  # points per line of 11-point text


def text_lines(text: str, width: int) -> int:
    """How many lines a wrapped text takes in a column of this width (characters), at most 20."""
    per_line = max(int(width * 1.15) - 1, 1)  # text averages narrower than the width unit (a digit)
    return max(1, min(20, sum(-(-len(part) // per_line) or 1 for part in str(text).split("\n"))))


def esito_width(texts) -> int:
    """Column width for the Esito texts: the longest one, within the bounds."""
    longest = max((len(t) for t in texts if t), default=0)
    return max(ESITO_MIN_WIDTH, min(longest + 2, ESITO_MAX_WIDTH))


@dataclass
class Outcome:
    """The outcome of one register sheet, laid out on its columns (1-based)."""

    problems: list[Problem]
    columns: dict[str, int]
    by_row: dict[int, list[Problem]] = field(default_factory=dict)
    by_cell: dict[tuple[int, int], list[Problem]] = field(default_factory=dict)
    total_rows: frozenset = frozenset()  # rows read as the register's own totals (no Esito of a service)

    @classmethod
    def of(cls, problems, columns: dict[str, int], total_rows=()) -> "Outcome":
        """Group the row problems of one sheet by row and by cell of a known column (total_rows:
        the rows read as the register's own totals)."""
        problems = [p for p in problems if p.row is not None]
        by_row: dict[int, list[Problem]] = defaultdict(list)
        by_cell: dict[tuple[int, int], list[Problem]] = defaultdict(list)
        for p in problems:
            by_row[p.row].append(p)
            col = columns.get(p.column)
            if col:
                by_cell[(p.row, col)].append(p)
        return cls(problems, dict(columns), dict(by_row), dict(by_cell), frozenset(total_rows))

    def esito(self, row: int, filled: bool) -> tuple[str, str] | None:
        """(text, colour) of the Esito cell of a row; None for an empty row without problems."""
        ps = self.by_row.get(row)
        if ps:
            return esito_text(ps), esito_colour(ps)
        if row in self.total_rows:
            return TOTAL_ROW, GREY
        return (OK, GREEN) if filled else None

    def esito_texts(self, first_row: int, last_row: int, filled) -> list[str]:
        """The Esito texts of rows first_row..last_row ('' for empty rows without problems)."""
        out = []
        for r in range(first_row, last_row + 1):
            e = self.esito(r, r in filled)
            out.append(e[0] if e else "")
        return out

    def cell_colours(self) -> dict[tuple[int, int], str]:
        """{(row, column): fill} of every faulty cell, the worst severity winning."""
        return {cell: SEVERITY_COLOUR[worst(ps)] for cell, ps in self.by_cell.items()}

    def cell_severities(self) -> dict[tuple[int, int], str]:
        """{(row, column): worst severity} of every faulty cell."""
        return {cell: worst(ps) for cell, ps in self.by_cell.items()}

    def cell_comments(self) -> dict[tuple[int, int], str]:
        """{(row, column): comment text} of every faulty cell."""
        return {cell: comment_text(ps) for cell, ps in self.by_cell.items()}

    def target(self, p: Problem) -> tuple[int, int]:
        """The cell a Verifica row points at: the problem's cell, or column A of its row."""
        return p.row, self.columns.get(p.column, 1)

    def verifica_rows(self) -> list[list]:
        """The Verifica table: header, then one row per problem (or one 'Nessun problema.' row)."""
        rows = [list(VERIFICA_HEADER)]
        rows += [[cell_ref(*self.target(p)), p.row, p.column, title(p.rule), p.severity, text(p, SHEET), p.rule]
                 for p in self.problems]
        if not self.problems:
            rows.append([NO_PROBLEMS])
        return rows

    def verifica_links(self, sheet: str) -> list[tuple[int, str, str]]:
        """(Verifica row, 1-based, with the header in row 1; internal location; text) per problem.

        The link sits in the first column ('Cella').
        """
        return [(i, link_location(sheet, *self.target(p)), cell_ref(*self.target(p)))
                for i, p in enumerate(self.problems, start=2)]
