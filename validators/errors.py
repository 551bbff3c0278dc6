"""Domain errors of the API. Only the CLI and the add-in turn them into messages and exit codes."""

from __future__ import annotations

from collections.abc import Mapping

from registro.validators.messages import file_message, text


class RegistroError(Exception):
    """Base class: the message is a complete Italian sentence for the user, about the data.

    An error about an argument names the parameter in `params` (the API's names, e.g. ("key",)),
    and its message is then a template: `{key}` stands where the sentence names that parameter,
    the other fields come from `values`. str(error) names a parameter as the API does ('key');
    an edge names it its own way with `render(names)` (the command line: --chiave). So the API
    never speaks of command-line flags, and the CLI's messages still name them.
    """

    def __init__(self, message: str, *, params: tuple[str, ...] = (), **values):
        self.template, self.params, self.values = message, tuple(params), values
        super().__init__(self.render())

    def render(self, names: Mapping[str, str] | None = None) -> str:
        """The message with each parameter of `params` called by `names` (default: its API name, quoted)."""
        if not self.params and not self.values:
            return self.template  # a plain sentence: braces in it are text
        names = names or {}
        return self.template.format(**self.values, **{p: names.get(p, f"'{p}'") for p in self.params})


class CatalogueError(RegistroError):
    """The catalogue file is unreadable or inconsistent."""


class UsageError(RegistroError):
    """Bad arguments: unknown code asked for, output path on an input file, bad month..."""


class FileProblem(RegistroError):
    """An input register cannot be used at all (exit 2): a file-level rule of the registry, the file
    and the named values of the rule's message (str(): that message, without the file's name)."""

    def __init__(self, rule: str, file: str, sheet: str | None = None, **fields: str):
        super().__init__(file_message(rule, fields))
        self.rule, self.file, self.sheet, self.fields = rule, file, sheet, fields
        self.sheets: list[str] = []  # the sheets found, for foglio.mancante


class UnusableInputs(FileProblem):
    """A step that needs every input (totals, export, archive) refused: the first unusable file's
    problem (a report's Problem), and how many other files could not be used."""

    def __init__(self, problems: list):
        first = problems[0]
        others = f" (e altri {len(problems) - 1} file)" if len(problems) > 1 else ""
        RegistroError.__init__(self, f"{text(first)}{others} Nessun risultato prodotto: correggere il file o "
                                     "toglierlo dall'elenco.")
        self.rule, self.file, self.sheet, self.fields = first.rule, first.file, first.sheet, dict(first.fields)
        self.sheets = []


def user_message(exc: BaseException) -> str:
    """One Italian line for any exception: domain errors speak for themselves."""
    if isinstance(exc, RegistroError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "memoria insufficiente per elaborare i file indicati: dividerli in parti più piccole."
    if isinstance(exc, KeyboardInterrupt):
        return "operazione interrotta."
    if isinstance(exc, OSError):
        name = getattr(exc, "filename", None)
        where = f" '{name}'" if name else ""
        return f"impossibile accedere al file{where}: {exc.strerror or exc}. Verificare percorso e permessi."
    return (
        f"errore imprevisto ({type(exc).__name__}). Riprovare con 'registro --debug ...' "
        "e inviare il messaggio completo all'assistenza (senza dati personali)."
    )


class ProfileError(RegistroError):
    """The JA export profile file is unreadable or inconsistent."""


class BalanceError(RegistroError):
    """Rows read != rows exported + rows rejected: nothing is written."""


class OutputError(RegistroError):
    """An output file cannot be written or put in place (a folder in its place, the file open in Excel):
    no output of the run was changed."""


class ArchiveError(RegistroError):
    """The archive cannot be used: missing, damaged, foreign files, newer schema, wrong or missing key."""
