"""Every command of `registro` (subgroups included, walked from the click group) has Italian help with an
example and its section in the command reference (docs/guida/comandi.md, generated from click); the options
shared by valida, totali and esporta are declared once."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from registro.cli import main
from registro.commands import shared

# Frequent words that tell Italian from English in a help text.
ITALIAN = {"il", "la", "le", "di", "del", "della", "dei", "delle", "un", "una", "per", "con", "che", "da", "non", "è"}
ENGLISH = {"the", "and", "of", "with", "this", "to", "for", "is", "file(s)", "show", "write", "writes"}


def _walk(command: click.Command, path: tuple[str, ...] = ()):
    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from _walk(command.commands[name], (*path, name))


COMMANDS = {" ".join(("registro", *path)): (path, command) for path, command in _walk(main)}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w()']+", text.lower()))


def test_la_visita_trova_tutti_i_comandi_anche_nei_sottogruppi():
    assert {"registro", "registro valida", "registro totali", "registro esporta", "registro addin",
            "registro addin crea"} <= set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_ogni_comando_ha_un_aiuto_in_italiano_con_un_esempio(name):
    path, command = COMMANDS[name]
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="registro")
    assert result.exit_code == 0, result.output
    own = command.help or ""
    assert _words(own) & ITALIAN and not _words(own) & ENGLISH, own
    examples = re.search(r"^ *Esemp[io]+:\n((?: +registro.*\n?)+)", result.output, re.M)
    assert examples, f"{name}: nessun 'Esempi:' seguito da righe 'registro ...' nell'aiuto"
    assert any(line.strip().startswith(name) for line in examples.group(1).splitlines()), examples.group(1)
    for param in command.params:
        if isinstance(param, click.Option) and param.name != "help":
            assert param.help and not _words(param.help) & ENGLISH, f"{name} {param.opts}: aiuto mancante o in inglese"
    # click's own words too: the usage line, the section titles, the help option
    assert result.output.startswith(f"Uso: {name} [OPZIONI]"), result.output[:80]
    for english in ("Usage", "Options", "Commands", "Show this message", "[OPTIONS]", "COMMAND", "ARGS"):
        assert english not in result.output, f"{name}: '{english}' nell'aiuto"


@pytest.mark.parametrize(("args", "words"), [
    (["valida"], ["Manca l'argomento 'REGISTRI...'"]),
    (["valida", "--nonexist", "x"], ["opzione '--nonexist' sconosciuta"]),
    (["valid"], ["comando 'valid' sconosciuto", "Forse si intendeva 'valida'?"]),
    (["catalogo", "--formato", "xx"], ["Valore non valido per '--formato'", "'xx' non è tra 'tabella', 'csv', 'json'"]),
    (["valida", "non_esiste.xlsx"], ["Percorso 'non_esiste.xlsx' non esiste"]),
    (["valida", "--mese"], ["l'opzione '--mese' vuole un valore"]),
])
def test_un_comando_scritto_male_riceve_un_messaggio_in_italiano_e_uscita_2(args, words):
    result = CliRunner().invoke(main, args, prog_name="registro")
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "Errore:" in text and "Error:" not in text and "Try" not in text, text
    for w in words:
        assert w in text, text


def test_il_riferimento_dei_comandi_e_quello_generato_da_click():
    """docs/guida/comandi.md is what scripts/riferimento_comandi.py writes: every command, every option."""
    from scripts.riferimento_comandi import OUTPUT, render

    assert OUTPUT.read_text(encoding="utf-8") == render(), (
        "docs/guida/comandi.md non aggiornato: eseguire '.venv/bin/python scripts/riferimento_comandi.py'")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_ogni_comando_e_ogni_opzione_sono_nel_riferimento_dei_comandi(name):
    from scripts.riferimento_comandi import OUTPUT

    page = OUTPUT.read_text(encoding="utf-8")
    start = page.index(f"\n## {name}\n")
    section = page[start:page.find("\n## ", start + 1)]
    for param in COMMANDS[name][1].params:
        for opt in getattr(param, "opts", ()):
            if isinstance(param, click.Option):
                assert opt in section, f"{name}: opzione {opt} assente da docs/guida/comandi.md"


def test_le_opzioni_di_controllo_sono_le_stesse_per_valida_totali_ed_esporta():
    def opts(command):
        return {o for p in main.commands[command].params if isinstance(p, click.Option) for o in p.opts}

    common = {o for option in shared.CHECK_OPTIONS for o in option(lambda: None).__click_params__[0].opts}
    assert {"--storico", "--mese", "--foglio", "--giornata", "--oggi", "--catalogo"} <= common
    for command in ("valida", "totali", "esporta"):
        assert common <= opts(command), command
    assert "--escludi" in opts("valida") and "--escludi" not in opts("totali") | opts("esporta") | opts("mese")


def test_i_valori_predefiniti_della_riga_di_comando_sono_quelli_del_motore():
    from registro.validators.check.rules.context import Options
    from registro.validators.totals import compute

    def default(command, name):
        return next(p.default for p in main.commands[command].params if p.name == name)

    assert default("valida", "workday_minutes") == Options.__dataclass_fields__["workday_minutes"].default == 432
    assert default("mese", "fte_hours") == default("totali", "fte_hours") == compute.__kwdefaults__["fte_hours"] == 156


def test_ogni_opzione_di_controllo_e_un_campo_delle_checkoptions_dell_api():
    from dataclasses import fields

    from registro import CheckOptions

    names = [shared.option_name(option) for option in (*shared.CHECK_OPTIONS, shared.ESCLUDI)]
    assert sorted(names) == sorted(f.name for f in fields(CheckOptions))


def test_il_comando_installato_esce_col_codice_giusto_senza_perdere_output(tmp_path):
    """`registro` (cli:run) ends the process with os._exit: every line must still arrive."""
    import subprocess
    import sys

    from tests.support.registri import riga, write_xlsx

    exe = str(Path(sys.executable).parent / "registro")
    listed = subprocess.run([exe, "catalogo", "--formato", "csv"], capture_output=True, text=True)
    assert listed.returncode == 0
    assert listed.stdout == CliRunner().invoke(main, ["catalogo", "--formato", "csv"]).output
    wrong = write_xlsx(tmp_path / "r.xlsx", [riga(codice="Z.9")])
    checked = subprocess.run([exe, "valida", str(wrong), "--oggi", "2026-11-01"], capture_output=True, text=True)
    assert checked.returncode == 1 and "Controllata 1 riga" in checked.stdout
    usage = subprocess.run([exe, "valida"], capture_output=True, text=True)
    assert usage.returncode == 2 and "Manca l'argomento 'REGISTRI...'" in usage.stderr
