"""No English in what the command line prints about itself: every command's and subcommand's --help,
and the usage errors a user meets (missing argument or option, a value that is no number, no date,
no choice, out of range, a missing file, an unknown option, an option without its value)."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from registro.cli import main

# click's English, as it would show if a word escaped commands/click_words.py (whole words, any case
# where marked). Product names (Excel, LibreOffice, JSON, CSV, xlwings Lite) and flags are allowed:
# flags are taken out of the text before the check.
ENGLISH = re.compile(
    r"\b(TEXT|INTEGER|FLOAT|RANGE|BOOLEAN|DIRECTORY|PATH|FILENAME|DATETIME|UUID)\b"
    r"|(?i:\b(usage|options|commands|arguments?|required|default|error|invalid|missing|no such|does not|"
    r"is not|not in the range|match|formats?|try|show this|and exit|got unexpected|requires|takes|"
    r"did you mean|choose from|one of|aborted|env var|integer|float|directory|dynamic|value)\b)")
FLAG = re.compile(r"(?<![\w-])--?[a-z][\w-]*")


def english(text: str) -> list[str]:
    return sorted({m.group(0) for m in ENGLISH.finditer(FLAG.sub(" ", text))})


def commands(command: click.Command = main, path: tuple[str, ...] = ()):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from commands(sub, (*path, name))


def usage_errors(path: tuple[str, ...], command: click.Command):
    """The command lines of a command that click refuses, with what each tries."""
    yield [*path, "--opzione-inesistente"]
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    if any(a.required for a in arguments):
        yield list(path)  # the argument missing
    given = ["esempi/registro_esempio.csv"] if arguments else []
    if arguments and isinstance(arguments[0].type, click.Path) and arguments[0].type.exists:
        yield [*path, "non_esiste.xlsx"]
    for option in (p for p in command.params if isinstance(p, click.Option)):
        if option.is_flag or option.count:
            continue
        flag = option.opts[-1]
        yield [*path, *given, flag]  # the option without its value
        kind = option.type
        if isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
            yield [*path, *given, flag, "abc"]
            yield [*path, *given, flag, "-5"]
        elif isinstance(kind, click.DateTime):
            yield [*path, *given, flag, "ieri"]
        elif isinstance(kind, click.Choice):
            yield [*path, *given, flag, "nessuna_scelta"]
    if any(isinstance(p, click.Option) and p.required for p in command.params):
        yield [*path, *given]  # a required option missing


EVERY = list(commands())


def test_ogni_comando_ha_un_aiuto():
    assert {" ".join(p) for p, _ in EVERY} >= {"", "valida", "mese", "totali", "esporta", "archivio aggiungi"}


@pytest.mark.parametrize("path", [" ".join(p) or "registro" for p, _ in EVERY])
def test_l_aiuto_di_ogni_comando_e_in_italiano(path):
    args = [] if path == "registro" else path.split()
    result = CliRunner().invoke(main, [*args, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    assert english(result.output) == [], result.output


@pytest.mark.parametrize("path", [" ".join(p) for p, c in EVERY if not isinstance(c, click.Group) or p == ()])
def test_gli_errori_d_uso_di_ogni_comando_sono_in_italiano(path, monkeypatch):
    monkeypatch.chdir(__import__("tests.support.registri", fromlist=["ROOT"]).ROOT)
    command = dict((" ".join(p), c) for p, c in EVERY)[path]
    tried = list(usage_errors(tuple(path.split()), command))
    assert tried
    for args in tried:
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert english(result.output) == [], (args, result.output)


def test_il_controllo_trova_l_inglese_che_click_stamperebbe():
    assert english("Error: Invalid value for '--mostra': 'x' is not a valid integer range.") == [
        "Error", "Invalid", "integer", "is not", "value"]
    assert english("  --giornata INTEGER RANGE  [required]") == ["INTEGER", "RANGE", "required"]
    assert english("Uso: registro valida [OPZIONI] REGISTRI... --help --formato") == []
