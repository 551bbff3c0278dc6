"""Write docs/guida/comandi.md: every command of `registro` and every option, taken from click itself.

Each command's section is its `--help` exactly as the command line prints it (Italian usage line,
description, examples, options), so the page cannot say anything the program does not. A test
(tests/cli/test_cli_comandi.py) fails when the committed page differs from the generated one.
Run from the project folder:  .venv/bin/python scripts/riferimento_comandi.py
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "guida" / "comandi.md"
WIDTH = 100  # fixed, so the page does not depend on the terminal that generates it

INTRO = """\
# Riferimento dei comandi

<!-- Generato da scripts/riferimento_comandi.py: non modificare a mano. -->

Tutti i comandi di `registro` con tutte le opzioni, come li stampa `registro COMANDO --help`.
Anche le parole della riga di comando sono in italiano ("Uso:", "Opzioni", "Comandi") e così gli
errori di scrittura del comando, con uscita 2: "Errore: comando 'valid' sconosciuto. Forse si
intendeva 'valida'?", "Errore: Manca l'argomento 'REGISTRI...'.". `registro --debug COMANDO ...`
mostra il traceback Python di un errore imprevisto (da allegare a una segnalazione).

Codici di uscita, di regola: **0** tutto in ordine, **1** problemi nei dati (righe con errori), **2** file
inutilizzabile o comando scritto male; le pagine della [guida](README.md) dicono quelli di ogni comando.
"""


def _walk(command, path=()):
    """(path, command) of the group and of every command below it, subgroups included, sorted by name."""
    import click

    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from _walk(command.commands[name], (*path, name))


def _anchor(title: str) -> str:
    """GitHub's anchor of a heading made of words and spaces."""
    return title.lower().replace(" ", "-")


def render() -> str:
    """The page's text."""
    from click.testing import CliRunner

    from registro.cli import main

    sections, index = [], []
    for path, command in _walk(main):
        name = " ".join(("registro", *path))
        result = CliRunner().invoke(main, [*path, "--help"], prog_name="registro", terminal_width=WIDTH)
        if result.exit_code != 0:
            raise SystemExit(f"{name} --help: uscita {result.exit_code}\n{result.output}")
        summary = command.get_short_help_str(limit=WIDTH)
        index.append(f"| [`{name}`](#{_anchor(name)}) | {summary} |")
        sections.append(f"## {name}\n\n```text\n{result.output.rstrip()}\n```\n")
    table = "| Comando | Che cosa fa |\n|---|---|\n" + "\n".join(index) + "\n"
    return INTRO + "\n" + table + "\n" + "\n".join(sections)


def main() -> None:
    """Rewrite the page when it differs from the generated text."""
    text = render()
    if OUTPUT.exists() and OUTPUT.read_text(encoding="utf-8") == text:
        print(f"{OUTPUT.relative_to(ROOT)} è già aggiornato.")
        return
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"{OUTPUT.relative_to(ROOT)} scritto.")


if __name__ == "__main__":
    main()
