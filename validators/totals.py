"""Time totals and workload from checked rows: a plain value, computed once, rendered elsewhere.

Only rows without errori are totalled (their date, code and duration are valid). Per row:
- recorded minutes = 'Durata (min)' when given;
- standard minutes = the catalogue's average, range = the catalogue's minimum and maximum (a bound
  the table does not print takes the nearest printed value: O.2 prints only 240, read as 240-240);
- working minutes = recorded minutes where given, else the standard average (else nothing);
hours = working minutes / 60, FTE = hours / (monthly hours of one FTE x months in the period).
Nothing identifying the people served (codice fiscale, notes) enters this value.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import polars as pl

from registro.validators.catalogue import Catalogue
from registro.validators.options import DEFAULT_FTE_HOURS
from registro.validators.read.carichi import PlannedVolume


MEASURES = ("servizi", "minuti_registrati", "minuti_standard", "minuti_min", "minuti_max",
            "servizi_senza_durata", "servizi_senza_standard", "minuti_lavoro", "ore")
DETAIL_KEYS = ("mese", "sede", "operatore", "lep", "codice")


@dataclass
class Totals:
    """Totals of a set of registers: finest table, roll-ups, counts and notes (no personal data)."""

    _detail: pl.DataFrame = field(repr=False)  # month x office x operator x LEP x code: see `detail`
    by_operator: list[dict]
    by_office: list[dict]
    by_lep: list[dict]
    by_month: list[dict]
    by_code: list[dict]
    total: dict
    rows_read: int
    rows_counted: int
    rows_excluded: int  # rows with at least one errore
    warnings: int  # avvisi on the counted rows
    rows_with_warnings: int
    fte_hours: float
    months: list[str]
    notes: list[str]
    files: list[str]
    catalogue_version: str
    plan: list[dict] | None = None  # planned against actual hours per code (--carichi)
    plan_total: dict | None = None
    plan_notes: list[str] = field(default_factory=list)
    _detail_records: list[dict] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def detail(self) -> list[dict]:
        """The finest table (month x office x operator x LEP x code) as plain records, built on first use:
        a year of the region has hundreds of thousands of them, and the CSV writer does not need them."""
        if self._detail_records is None:
            self._detail_records = self._detail.to_dicts()
        return self._detail_records

    def detail_frame(self) -> pl.DataFrame:
        """The finest table as a frame with the columns of `detail` (for the fast file writers)."""
        return self._detail


def _sum_or_null(value: pl.Expr) -> pl.Expr:
    """Sum of the values present; null when none is (unknown, not zero)."""
    return pl.when(value.is_not_null().any()).then(value.sum()).cast(pl.Int64)


SUMMED = ("servizi", "minuti_registrati", "servizi_senza_durata", "servizi_senza_standard", "minuti_lavoro",
          "_senza_minuti")
SUMMED_OR_NULL = ("minuti_standard", "minuti_min", "minuti_max")


def _sum_groups(groups: pl.DataFrame, keys: list[str], extra=()) -> pl.DataFrame:
    """Groups summed into coarser ones (keys), measure by measure."""
    return groups.group_by(keys).agg(
        *(pl.col(m).sum().cast(pl.Int64) for m in SUMMED if m in groups.columns),
        *(_sum_or_null(pl.col(m)).alias(m) for m in SUMMED_OR_NULL),
        *extra,
    )


def _display_names(groups: pl.DataFrame, key: pl.Expr, name: str) -> dict:
    """{spelling: display name} for one key: its most frequent spelling (ties: alphabetical),
    counted over the services; only the spellings that change are listed."""
    spellings = (
        groups.group_by(key.alias("_k"), pl.col(name).alias("_v")).agg(pl.col("servizi").sum().alias("len"))
        .sort(["_k", "len", "_v"], descending=[False, True, False])
    )
    shown = spellings.group_by("_k", maintain_order=True).first().select("_k", pl.col("_v").alias("_shown"))
    pairs = spellings.join(shown, on="_k").filter(pl.col("_v") != pl.col("_shown"))
    return dict(zip(pairs["_v"].to_list(), pairs["_shown"].to_list()))


def _detail_groups(clean: pl.DataFrame, cat: Catalogue) -> pl.DataFrame:
    """Services and minutes per month x office x operator x LEP x code: the only pass over the rows.

    Per row: recorded minutes, the catalogue's average and range (a bound the table does not print
    takes the nearest value it does print, so min <= max holds). The rows are grouped as written,
    then the spellings of an office (any case) or of an operator (case, accents and spaces ignored)
    are shown as their most frequent one and their groups summed: every measure is a sum (or a sum
    left null when no value is present), so the groups, and every roll-up summed from them, give
    the same figures as the rows themselves.
    """
    rows = clean.select(
        pl.col("data").dt.truncate("1mo").alias("_mese"), "sede", "operatore", "operatore_chiave", "lep",
        pl.col("codice_servizio").alias("codice"), pl.col("durata_minuti").alias("_rec"),
        pl.col("durata_standard").alias("_std"),
        pl.coalesce("durata_min", "durata_standard", "durata_max").alias("_min"),
        pl.coalesce("durata_max", "durata_standard", "durata_min").alias("_max"),
    )
    rec, std = pl.col("_rec"), pl.col("_std")
    # operatore_chiave follows from operatore and lep from codice: grouped by, they would split no group
    groups = rows.group_by("_mese", "sede", "operatore", "codice").agg(
        pl.col("operatore_chiave").first(), pl.col("lep").first(),
        pl.len().cast(pl.Int64).alias("servizi"),
        rec.sum().cast(pl.Int64).alias("minuti_registrati"),
        _sum_or_null(std).alias("minuti_standard"),
        _sum_or_null(pl.col("_min")).alias("minuti_min"),
        _sum_or_null(pl.col("_max")).alias("minuti_max"),
        rec.is_null().sum().cast(pl.Int64).alias("servizi_senza_durata"),
        std.is_null().sum().cast(pl.Int64).alias("servizi_senza_standard"),
        pl.coalesce(rec, std).sum().cast(pl.Int64).alias("minuti_lavoro"),
        (rec.is_null() & std.is_null()).sum().cast(pl.Int64).alias("_senza_minuti"),
    )
    offices = _display_names(groups, pl.col("sede").str.to_lowercase(), "sede")
    operators = _display_names(groups, pl.col("operatore_chiave"), "operatore")
    groups = groups.drop("operatore_chiave")
    if offices or operators:  # some spellings differ: one per key, and their groups summed
        groups = groups.with_columns(pl.col("sede").replace(offices), pl.col("operatore").replace(operators))
        groups = _sum_groups(groups, ["_mese", "sede", "operatore", "lep", "codice"])
    code_order = {code: i for i, code in enumerate(cat.services)}
    lep_order = {lep.letter: i for i, lep in enumerate(cat.leps)}
    return groups.with_columns(
        pl.col("_mese").dt.strftime("%Y-%m").alias("mese"),
        pl.col("codice").replace_strict(code_order, default=len(code_order), return_dtype=pl.Int64).alias("_ord_codice"),
        pl.col("lep").replace_strict(lep_order, default=len(lep_order), return_dtype=pl.Int64).alias("_ord_lep"),
    ).drop("_mese")


def _position(frame: pl.DataFrame, column: str) -> pl.Expr:
    """A text column as the rank of each value among the column's distinct values (sorted as text; nulls first)."""
    values = frame[column].unique().sort(nulls_last=False)
    return pl.col(column).replace_strict(values, pl.int_range(0, values.len(), eager=True), return_dtype=pl.UInt32)


def _aggregate(groups: pl.DataFrame, keys: list[str], sort: list[str]) -> pl.DataFrame:
    """Services and minutes per group of keys, summed from the detail groups."""
    out = _sum_groups(groups, keys, [pl.col(s).first() for s in sort if s not in keys])
    return out.sort([*sort, *keys]).select(*keys, *MEASURES[:-1])


def _with_hours(frame: pl.DataFrame, fte_hours: float | None, months: int) -> pl.DataFrame:
    """The frame with hours (and FTE when fte_hours is given), computed by polars."""
    hours = pl.col("minuti_lavoro") / 60
    extra = [hours.round(2).alias("ore")]
    if fte_hours:
        extra.append((hours / (fte_hours * months)).round(3).alias("fte") if months else pl.lit(0.0).alias("fte"))
    return frame.with_columns(extra)


def _records(frame: pl.DataFrame, fte_hours: float | None, months: int) -> list[dict]:
    """Plain dicts with hours (and FTE when fte_hours is given)."""
    return _with_hours(frame, fte_hours, months).to_dicts()


def _notes(rows: pl.DataFrame, cat: Catalogue) -> list[str]:
    """(rows: the detail groups) Say which codes lack standard minutes or a full range, and what that means for the figures."""
    notes = []
    per_code = rows.group_by("codice", "_ord_codice").agg(
        pl.col("servizi").sum().alias("n"), pl.col("_senza_minuti").sum().alias("no_minutes"),
    ).sort("_ord_codice")
    for code, _, n, no_minutes in per_code.iter_rows():
        d = cat.services[code].duration if code in cat.services else None
        if d is None:
            continue
        origin = f" (durata '{d.provenance}' nel catalogo)"
        if d.average is None:
            notes.append(f"minuti standard non disponibili per {code}{origin}: {_services(n)} senza minuti "
                         "standard medi.")
        missing = [name for name, v in (("minimo", d.minimum), ("massimo", d.maximum)) if v is None]
        if missing and (d.minimum, d.average, d.maximum) != (None, None, None):
            notes.append(f"intervallo incompleto per {code}{origin}: manca il {' e il '.join(missing)}, sostituito "
                         f"dal valore più vicino presente ({_services(n)}).")
        elif missing:
            notes.append(f"intervallo minimo-massimo non disponibile per {code}{origin}: {_services(n)} fuori "
                         "dall'intervallo.")
        if no_minutes:
            verb = "non conta" if no_minutes == 1 else "non contano"
            notes.append(f"{_services(no_minutes)} {code} senza durata registrata né durata standard media: "
                         f"{verb} nelle ore.")
    return notes


def _services(n: int) -> str:
    return f"{n} servizio" if n == 1 else f"{n} servizi"


def compute(clean: pl.DataFrame, cat: Catalogue, *, files: list[str], rows_read: int,
            fte_hours: float = DEFAULT_FTE_HOURS) -> Totals:
    """Totals of the rows without errori (Checked.clean()); rows_read - clean.height rows were left out."""
    if fte_hours <= 0:
        from registro.validators.errors import UsageError

        raise UsageError("le ore mensili di un FTE ({fte_hours}) devono essere più di zero, ad es. 156.",
                         params=("fte_hours",))
    groups = _detail_groups(clean, cat)
    months = sorted(groups["mese"].unique().to_list())
    n_months = len(months)

    def roll(keys, sort=()):
        return _records(_aggregate(groups, list(keys), list(sort) or list(keys)), fte_hours, n_months)

    # the groups are the detail already: only sorted (like _aggregate does) and cut to its columns;
    # text keys sorted by their place among their few distinct values (half the time of sorting text)
    order = [pl.col("mese"), _position(groups, "sede"), _position(groups, "operatore"), pl.col("_ord_lep"),
             pl.col("_ord_codice"), _position(groups, "lep"), _position(groups, "codice")]
    detail = _with_hours(groups.sort(order).select(*DETAIL_KEYS, *MEASURES[:-1]), None, n_months)
    by_month = [
        {**r, "fte": round(r["minuti_lavoro"] / 60 / fte_hours, 3)} for r in roll(["mese"])
    ]
    by_lep = roll(["lep"], ["_ord_lep"])
    for r in by_lep:
        r["nome"] = _lep_name(cat, r["lep"])
    by_code = roll(["lep", "codice"], ["_ord_codice"])
    for r in by_code:
        r["nome"] = cat.services[r["codice"]].name if r["codice"] in cat.services else ""
    by_operator = roll(["operatore"])
    offices = groups.group_by("operatore").agg(pl.col("sede").unique().sort().str.join(", ").alias("sedi"))
    office_of = dict(offices.iter_rows())
    for r in by_operator:
        r["sedi"] = office_of.get(r["operatore"], "")
    total_rows = _records(_aggregate(groups.with_columns(pl.lit("Totale").alias("_tutto")), ["_tutto"], ["_tutto"]),
                          fte_hours, n_months)
    total = total_rows[0] if total_rows else _empty_total()
    total.pop("_tutto", None)
    return Totals(
        _detail=detail,
        by_operator=by_operator,
        by_office=roll(["sede"]),
        by_lep=by_lep,
        by_month=by_month,
        by_code=by_code,
        total=total,
        rows_read=rows_read,
        rows_counted=clean.height,
        rows_excluded=rows_read - clean.height,
        warnings=int(clean["avvisi"].sum()) if clean.height else 0,
        rows_with_warnings=int((clean["avvisi"] > 0).sum()) if clean.height else 0,
        fte_hours=fte_hours,
        months=months,
        notes=_notes(groups, cat),
        files=files,
        catalogue_version=cat.version,
    )


def _empty_total() -> dict:
    zero = {m: 0 for m in MEASURES}
    zero.update(minuti_standard=None, minuti_min=None, minuti_max=None, ore=0.0, fte=0.0)
    return zero


def _lep_name(cat: Catalogue, letter: str) -> str:
    try:
        return cat.lep(letter).name
    except StopIteration:
        return ""


# ---------------------------------------------------------------------------------------------
# Planned workload (Carichi sheet) against actual hours


def compare_plan(totals: Totals, plan: list[PlannedVolume], cat: Catalogue) -> Totals:
    """Add planned against actual hours per code and in total (planned = volume x months x average / 60)."""
    months = max(len(totals.months), 1)
    actual = {r["codice"]: r for r in totals.by_code}
    planned = {p.code: p.volume for p in plan}
    order = {code: i for i, code in enumerate(cat.services)}
    lines, notes = [], []
    for code in sorted(set(actual) | set(planned), key=lambda c: order.get(c, len(order))):
        service = cat.services[code]
        average = service.duration.average if service.duration else None
        volume = planned.get(code, 0)
        planned_minutes = volume * months * average if average is not None else None
        if average is None and volume:
            notes.append(f"ore previste non calcolabili per {code}: il catalogo non ha la durata standard media.")
        done = actual.get(code)
        hours = done["ore"] if done else 0.0
        planned_hours = round(planned_minutes / 60, 2) if planned_minutes is not None else None
        lines.append({
            "codice": code,
            "nome": service.name,
            "volume_mensile_previsto": volume,
            "servizi_previsti": volume * months,
            "servizi_effettivi": done["servizi"] if done else 0,
            "ore_previste": planned_hours,
            "ore_effettive": hours,
            "differenza_ore": round(hours - planned_hours, 2) if planned_hours is not None else None,
        })
    planned_total = round(sum(x["ore_previste"] or 0 for x in lines), 2)
    actual_total = totals.total["ore"]
    plan_total = {
        "servizi_previsti": sum(x["servizi_previsti"] for x in lines),
        "servizi_effettivi": sum(x["servizi_effettivi"] for x in lines),
        "ore_previste": planned_total,
        "ore_effettive": actual_total,
        "differenza_ore": round(actual_total - planned_total, 2),
        "fte_previsti": round(planned_total / (totals.fte_hours * months), 3),
        "fte_effettivi": round(actual_total / (totals.fte_hours * months), 3),
        "mesi": months,
    }
    return replace(totals, plan=lines, plan_total=plan_total, plan_notes=notes)
