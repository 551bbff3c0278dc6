"""Build the Excel template `templates/registro.xlsx` from the catalogue (`registro modello`).

    build_template(path, catalogue=None, rows=1000, config=None) -> Path

The workbook works without Python in Excel 2013+ and LibreOffice 7.4: dropdowns, lookups, the
Controllo column, live totals and charts are plain validations, formulas and charts. The build is
reproducible: the same catalogue, rows and config give the same bytes (fixed document times and
zip entry times), so the committed template only changes when its content does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from registro.validators.catalogue import Catalogue, load_catalogue
from registro.validators.errors import UsageError
from registro.validators.output import atomic_path, save_workbook
from registro.xl_addin.build.template_catalogue import write_catalogue, write_lists
from registro.xl_addin.build.template_guide import write_guide
from registro.xl_addin.build.template_register import write_register
from registro.xl_addin.build.template_reports import write_summary, write_workload

DEFAULT_OUTPUT = Path("templates/registro.xlsx")
DEFAULT_ROWS = 1000
MAX_ROWS = 50_000
CONFIG_KEYS = {"sedi": "offices", "operatori": "operators"}
# Fixed document time (zip entry times: registro.validators.output.save_workbook) make the build reproducible.
BUILD_TIME = dt.datetime(2019, 1, 1)


@dataclass(frozen=True)
class TemplateConfig:
    """Offices and operators offered by the template's dropdowns."""

    offices: tuple[str, ...] = ()
    operators: tuple[str, ...] = ()


def _names(values: object, key: str, where: str) -> tuple[str, ...]:
    if values is None:
        return ()
    if not isinstance(values, list):
        raise UsageError(f"configurazione {where}: '{key}' deve essere un elenco (ad es. {key}: [Ancona, Jesi]).")
    out: list[str] = []
    seen: set[str] = set()
    for value in values:
        if not isinstance(value, (str, int)) or isinstance(value, bool) or not str(value).strip():
            raise UsageError(f"configurazione {where}: in '{key}' il valore {value!r} non è un nome valido.")
        name = " ".join(str(value).split())
        if name.casefold() in seen:
            raise UsageError(f"configurazione {where}: '{name}' compare più volte in '{key}'.")
        seen.add(name.casefold())
        out.append(name)
    return tuple(out)


def load_config(source: str | Path | Mapping | TemplateConfig | None) -> TemplateConfig:
    """Offices and operators from a YAML file (`sedi: [...]`, `operatori: [...]`) or a mapping."""
    if source is None:
        return TemplateConfig()
    if isinstance(source, TemplateConfig):
        return source
    where = "(in memoria)"
    if not isinstance(source, Mapping):
        from registro.validators.yamlfile import read_yaml

        path = Path(source)
        where = f"'{path}'"
        raw = read_yaml(path, f"configurazione {where}", UsageError)
        source = raw if raw is not None else {}
        if not isinstance(source, Mapping):
            raise UsageError(f"configurazione {where}: attese le chiavi 'sedi' e 'operatori'.")
    unknown = sorted(set(map(str, source)) - set(CONFIG_KEYS))
    if unknown:
        raise UsageError(f"configurazione {where}: chiave sconosciuta {', '.join(unknown)} "
                         f"(ammesse: {', '.join(CONFIG_KEYS)}).")
    return TemplateConfig(**{field: _names(source.get(key), key, where) for key, field in CONFIG_KEYS.items()})


def build_workbook(cat: Catalogue, rows: int = DEFAULT_ROWS, config: TemplateConfig | None = None) -> Workbook:
    """The template as an openpyxl Workbook (not saved)."""
    if not isinstance(rows, int) or isinstance(rows, bool) or not 1 <= rows <= MAX_ROWS:
        raise UsageError(f"il numero di righe del modello deve essere tra 1 e {MAX_ROWS:,}".replace(",", ".")
                         + f" (indicato: {rows}).")
    config = config or TemplateConfig()
    wb = Workbook()
    write_register(wb, cat, rows)
    lists = write_catalogue(wb, cat)
    write_lists(wb, lists, list(config.offices), list(config.operators))
    write_summary(wb, cat, lists)
    write_workload(wb, cat, lists, len(config.operators) or None)
    write_guide(wb, cat, rows)
    # Sheet order: daily use first, the hidden catalogue last.
    order = ["Registro", "Riepilogo", "Carichi", "Elenchi", "Istruzioni", "Catalogo"]
    wb._sheets.sort(key=lambda ws: order.index(ws.title))
    wb.active = 0
    props = wb.properties
    props.creator = props.lastModifiedBy = "registro modello"
    props.title = "Registro dei servizi dei Centri per l'Impiego"
    props.subject = f"{cat.title} – catalogo {cat.version}"
    props.created = props.modified = BUILD_TIME
    return wb


def build_template(path: str | Path = DEFAULT_OUTPUT, catalogue: Catalogue | str | Path | None = None,
                   rows: int = DEFAULT_ROWS, config: str | Path | Mapping | TemplateConfig | None = None,
                   lite_package: str | None = None) -> Path:
    """Build the template workbook from the catalogue and write it atomically to path.

    With lite_package (a requirement line: wheel URL or package name) the workbook also carries
    xlwings Lite's main.py, requirements.txt and a Comandi sheet with its buttons.
    """
    cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)
    settings = load_config(config)
    wb = build_workbook(cat, rows, settings)
    if lite_package:
        from registro.xl_addin.build.lite import write_commands_sheet

        write_commands_sheet(wb)
    inputs = [Path(cat.path)] + ([Path(config)] if isinstance(config, (str, Path)) else [])
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise UsageError(f"il modello si scrive in un file .xlsx (indicato: '{target}').")
    with atomic_path(target, inputs) as tmp:
        save_workbook(wb, tmp, document_time=BUILD_TIME, mode=0o644)
        if lite_package:
            from registro.xl_addin.build.lite import inject

            # openpyxl drops web-extension parts on save: add xlwings Lite's after it.
            inject(tmp, tmp.with_name(tmp.name + ".lite"), lite_package, id_name=target.name)
            tmp.with_name(tmp.name + ".lite").replace(tmp)
    return target
