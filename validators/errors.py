"""Domain errors of the API. Only the CLI and the add-in turn them into messages and exit codes."""

from __future__ import annotations


class RegistroError(Exception):
    """Base class: the message is a complete Italian sentence for the user."""


class CatalogueError(RegistroError):
    """The catalogue file is unreadable or inconsistent."""


class UsageError(RegistroError):
    """Bad arguments: unknown code asked for, output path on an input file, bad month..."""


class FileProblem(RegistroError):
    """An input register cannot be used at all (exit 2): carries a rule id and the file."""

    def __init__(self, rule: str, file: str, message: str, sheet: str | None = None):
        super().__init__(message)
        self.rule, self.file, self.sheet = rule, file, sheet
        self.sheets: list[str] = []  # the sheets found, for foglio.mancante


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


class ArchiveError(RegistroError):
    """The archive cannot be used: missing, damaged, foreign files, newer schema, wrong or missing key."""
