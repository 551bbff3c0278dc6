"""click's own words in Italian: the usage line, the section titles, its error messages.

click looks each of its words up through gettext at the moment it prints it; `italian_click()`
points its modules' lookups at the tables below (other text passes unchanged), and
`italian_usage(group)` puts the usage line's placeholders in Italian on every command.
"""

from __future__ import annotations

import importlib

import click

# A file name is quoted as given ('{filename}', not {filename!r}): repr would double every backslash
# of a Windows path in the message.
CLICK_WORDS = {
    "Usage:": "Uso:",
    "Options": "Opzioni",
    "Commands": "Comandi",
    "Positional arguments": "Argomenti",
    "Show this message and exit.": "Mostra questo aiuto ed esce.",
    "Show the version and exit.": "Mostra la versione ed esce.",
    "Error: {message}": "Errore: {message}",
    "Try '{command} {option}' for help.": "Per l'aiuto: '{command} {option}'.",
    "No such option {name!r}.": "opzione {name!r} sconosciuta.",
    "No such command {name!r}.": "comando {name!r} sconosciuto.",
    "Missing command.": "manca il comando.",
    "Missing argument": "Manca l'argomento",
    "Missing option": "Manca l'opzione",
    "Missing parameter": "Manca il parametro",
    "Missing parameter: {param_name}": "Manca il parametro: {param_name}",
    "Missing {param_type}": "Manca {param_type}",
    "Option {name!r} does not take a value.": "l'opzione {name!r} non vuole un valore.",
    "Argument {name!r} takes {nargs} values.": "l'argomento {name!r} vuole {nargs} valori.",
    "Invalid value for {param_hint}: {message}": "Valore non valido per {param_hint}: {message}",
    "Invalid value: {message}": "Valore non valido: {message}",
    "{value!r} is not a valid {number_type}.": "{value!r} non è un {number_type} valido.",
    "{value} is not in the range {range}.": "{value} non è nell'intervallo {range}.",
    "{name} {filename!r} does not exist.": "{name} '{filename}' non esiste.",
    "{name} {filename!r} is a directory.": "{name} '{filename}' è una cartella.",
    "{name} {filename!r} is a file.": "{name} '{filename}' è un file, non una cartella.",
    "{name} {filename!r} is not readable.": "{name} '{filename}' non è leggibile.",
    "{name} {filename!r} is not writable.": "{name} '{filename}' non è scrivibile.",
    "Could not open file {filename!r}: {message}": "impossibile aprire il file '{filename}': {message}",
    "file": "File",
    "directory": "Cartella",
    "path": "Percorso",
    "default: {default}": "predefinito: {default}",
    "env var: {var}": "variabile d'ambiente: {var}",
    "deprecated": "deprecato",
    "Aborted!": "Interrotto.",
    "unknown error": "errore sconosciuto",
    "required": "obbligatorio",
    "(dynamic)": "(calcolato)",
    "Choose from:\n\t{choices}": "Scegliere tra:\n\t{choices}",
    "Value must be an iterable.": "Il valore deve essere un elenco.",
}
# click's type names, shown as placeholders in the help (TESTO, INTERO) and in its messages ("'abc' non è
# un intero valido"); file, directory and path come through CLICK_WORDS above.
TYPE_NAMES = {click.types.StringParamType: "testo", click.types.IntParamType: "intero", click.types.IntRange: "intero",
              click.types.FloatParamType: "numero", click.types.FloatRange: "numero",
              click.types.BoolParamType: "sì/no", click.types.UUIDParameterType: "uuid"}
CLICK_PLURALS = {  # ngettext(singular, plural, n): both forms
    "{value!r} is not {choice}.": ("{value!r} non è {choice}.", "{value!r} non è tra {choices}."),
    "Got unexpected extra argument ({args})": ("Argomento in più non previsto ({args})",
                                               "Argomenti in più non previsti ({args})"),
    "Takes {nargs} values but 1 was given.": ("vuole {nargs} valori, ne è stato dato 1.",
                                              "vuole {nargs} valori, ne sono stati dati {len}."),
    "Did you mean {possibility}?": ("Forse si intendeva {possibility}?", "Forse si intendeva una di queste: {possibilities}?"),
    "Option {name!r} requires an argument.": ("l'opzione {name!r} vuole un valore.", "l'opzione {name!r} vuole {nargs} valori."),
    "{value!r} does not match the format {format}.": ("{value!r} non è nel formato {format}.",
                                                      "{value!r} non è in nessuno dei formati {formats}."),
    "{len_type} values are required, but {len_value} was given.": (
        "servono {len_type} valori, ne è stato dato {len_value}.", "servono {len_type} valori, ne sono stati dati {len_value}."),
}


class Day(click.DateTime):
    """A date option in Italian: placeholder and message say AAAA-MM-GG or GG/MM/AAAA, not strftime codes."""

    name = "data"
    SHOWN = {"%Y-%m-%d": "AAAA-MM-GG", "%d/%m/%Y": "GG/MM/AAAA"}

    def _shown(self) -> list[str]:
        return [self.SHOWN.get(f, f) for f in self.formats]

    def get_metavar(self, param, ctx=None) -> str:
        return "|".join(self._shown())

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            self.fail(f"{value!r} non è una data: scriverla come {' o '.join(self._shown())}.", param, ctx)


def italian_click() -> None:
    """Point click's gettext lookups at CLICK_WORDS / CLICK_PLURALS (other text passes unchanged)."""

    def words(message: str) -> str:
        return CLICK_WORDS.get(message, message)

    def plurals(singular: str, plural: str, n: int) -> str:
        forms = CLICK_PLURALS.get(singular)
        return (forms[0] if n == 1 else forms[1]) if forms else (singular if n == 1 else plural)

    for kind, name in TYPE_NAMES.items():
        kind.name = name
    for name in ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = words
        if hasattr(module, "ngettext"):
            module.ngettext = plurals


def italian_usage(command: click.Command) -> None:
    """The usage line's placeholders in Italian, on every command ("Uso: registro valida [OPZIONI] REGISTRI...")."""
    command.options_metavar = "[OPZIONI]"
    if isinstance(command, click.Group):
        command.subcommand_metavar = "COMANDO [ARGOMENTI]..."
        for sub in command.commands.values():
            italian_usage(sub)
