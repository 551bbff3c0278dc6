"""Every wording of a problem, rendered from the templates of the rule registry (validators/rules.py).

A problem keeps its fields (file, sheet, row, column, rule, value and the named values of its
rule's templates, validators/report.py `Problem`) until an edge asks here for its text: the
terminal and the report files (.json, .csv) in the TERMINAL wording; the .xlsx report, the
annotated copy (Esito, comments, Verifica) and the add-in in the SHEET wording; the rejects in
the REJECTS wording. Nothing else formats a rule's template, and no code cuts a rendered message
apart or rewrites it.
"""

from __future__ import annotations

from collections.abc import Mapping
from string import Formatter
from typing import NamedTuple

from registro.validators.rules import BY_ID

# Where a problem is, said before its message when no column beside it says it.
ROW_WHERE = "Riga {riga}, '{colonna}': "
FILE_WHERE = "File '{file}': "
# The named values every problem has from its own fields (the rules' templates add their own).
OWN = ("riga", "colonna", "valore", "file", "regola")
VALUE_LIMIT = 60  # characters of a cell quoted in a message (a 32,000-character cell stays readable)


class Wording(NamedTuple):
    """How a problem reads in one place: with Excel's templates (no command or option named) or the
    command line's, and whether a row problem's text says its row and column first."""

    excel: bool
    located: bool


TERMINAL = Wording(excel=False, located=True)  # the terminal and the report files .json and .csv
SHEET = Wording(excel=True, located=False)  # .xlsx report, Esito, comments, Verifica, add-in: row and column beside
REJECTS = Wording(excel=True, located=True)  # the rejects: the reasons of a row in one cell, each with its column

_TEMPLATES: dict[tuple[str, Wording], str] = {}


def template(rule_id: str, wording: Wording = TERMINAL) -> str:
    """The whole template of a rule's problem in a wording (a file-level rule: the file, then its message)."""
    key = (rule_id, wording)
    found = _TEMPLATES.get(key)
    if found is None:
        found = _TEMPLATES[key] = _template(rule_id, wording)
    return found


def _template(rule_id: str, wording: Wording) -> str:
    r = BY_ID.get(rule_id)
    if r is None:  # a problem of a rule the registry does not know (built by hand): its id
        return (ROW_WHERE if wording.located else "") + "{regola}"
    message = r.excel_message if wording.excel and r.excel_message is not None else r.message
    if r.file_level:  # one line per file, wherever it is shown; the hint is in the docs
        return FILE_WHERE + message
    hint = r.excel_hint if wording.excel and r.excel_hint is not None else r.hint
    return (ROW_WHERE if wording.located else "") + message + " " + hint


def field_names(rule_id: str) -> tuple[str, ...]:
    """The named values a rule's templates use besides a problem's own (OWN), in order of appearance."""
    r = BY_ID[rule_id]
    texts = (r.message, r.hint, r.excel_message or "", r.excel_hint or "")
    names = [name for text in texts for _, name, _, _ in Formatter().parse(text) if name]
    return tuple(dict.fromkeys(n for n in names if n not in OWN))


def shown_value(value: object) -> str:
    """A cell as a message quotes it: cut after VALUE_LIMIT characters with '…' ('' for an empty cell)."""
    if value is None:
        return ""
    text = str(value)
    return text if len(text) <= VALUE_LIMIT else text[:VALUE_LIMIT - 1] + "…"


def text(problem, wording: Wording = TERMINAL) -> str:
    """The Italian message of one problem in a wording."""
    values = {"riga": problem.row, "colonna": problem.column, "valore": shown_value(problem.value),
              "file": problem.file, "regola": problem.rule}
    values.update(problem.fields)
    return template(problem.rule, wording).format_map(values)


def file_message(rule_id: str, fields: Mapping[str, object]) -> str:
    """The message of a file-level rule without the file's name (what a FileProblem says)."""
    return BY_ID[rule_id].message.format_map(fields)


def title(rule_id: str) -> str:
    """The rule's Italian title (the id itself for a rule the registry does not know)."""
    r = BY_ID.get(rule_id)
    return r.title if r is not None else rule_id
