"""Equity commands: `disparity` (the district's disparity table, or one school's), `outcomes`
(outcomes over time) and `evaluate` (did removing officers change an outcome?).

The service decides what is hidden; a hidden count, and every number computed from it, prints
as the word ``suppressed`` in every format.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import click
from rich.table import Table

from safeschools import services
from safeschools.cli._app import Context, _console, cli, pass_ctx, translate_errors
from safeschools.render import equity_views, evaluation_views
from safeschools.render.i18n import language
from safeschools.services import equity as service_equity
from safeschools.services import evaluation as service_evaluation

__all__: list[str] = []

SUPPRESSED = "suppressed"


_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="Output format.",
)
_FORMAT_NO_CSV = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)


def _json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str, ensure_ascii=False))


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.2f}"


def _hidden(cell: Mapping[str, Any]) -> bool:
    return bool(cell["count"]["status"] == SUPPRESSED)


def _count(cell: Mapping[str, Any]) -> str:
    count = cell["count"]
    if count["status"] == SUPPRESSED:
        return SUPPRESSED
    return "—" if count["value"] is None else str(count["value"])


def _interval(cell: Mapping[str, Any]) -> str:
    if cell["ci_low"] is None or cell["ci_high"] is None:
        return "—"
    return f"{cell['ci_low']:.2f} to {cell['ci_high']:.2f}"


def _caption(table: Mapping[str, Any]) -> str:
    return (
        f"Risk ratio against {table['reference']}; flagged above {table['threshold']}, "
        f"identified after {table['consecutive_years']} consecutive flagged years. Counts under "
        f"{table['min_cell']} (and the counts that would give them away) are suppressed; no "
        f"ratio for groups under {table['min_n']} students."
    )


# ---------------------------------------------------------------------- disparity
@cli.command()
@click.option(
    "--measure",
    default="students_oss",
    show_default=True,
    help="Students (each counted once) with: " + ", ".join(service_equity.DISPARITY_MEASURES) + ".",
)
@click.option("--year", default=None, help="School year such as 2022-23 (default: newest).")
@click.option(
    "--reference",
    default="others",
    show_default=True,
    help="Comparison group: others (all other students, the federal method) or a race or sex "
    "group such as white.",
)
@click.option(
    "--dimension",
    type=click.Choice(["race", "sex", "program"]),
    default="race",
    show_default=True,
    help="Groups of the district table.",
)
@click.option("--school", "school_id", default=None, help="One school's table (its id).")
@_FORMAT
@pass_ctx
@translate_errors
def disparity(
    ctx: Context,
    measure: str,
    year: str | None,
    reference: str,
    dimension: str,
    school_id: str | None,
    fmt: str,
) -> None:
    """Discipline disparities the federal way (34 CFR 300.647): the district's table, one row
    per school with each group's risk ratio, flags and identification; or one school's groups
    with --school.

    Example: safeschools disparity --measure students_expelled --reference white --format csv
    """
    store, settings = ctx.store, ctx.settings
    if school_id is not None:
        table = service_equity.school_equity(
            store,
            school_id,
            settings=settings,
            measure=measure,
            school_year=year,
            reference=reference,
        )
        name = service_equity.school_name(store, school_id)
        if fmt == "json":
            _json(table)
        elif fmt == "csv":
            click.echo(service_equity.school_disparity_csv(table, name=name), nl=False)
        else:
            _print_school(table, name)
        return
    district = service_equity.district_disparity(
        store,
        settings=settings,
        measure=measure,
        school_year=year,
        reference=reference,
        dimension=dimension,
    )
    if fmt == "json":
        _json(district)
    elif fmt == "csv":
        click.echo(service_equity.disparity_csv(district), nl=False)
    else:
        _print_district(district)


def _coverage_lines(table: Mapping[str, Any]) -> list[str]:
    """Which school years have groups to compare, and why the others do not."""
    coverage = table["group_coverage"]
    compared = [c["school_year"] for c in coverage["years"] if c["compared"]]
    lines = ["Groups compared in: " + (", ".join(compared) if compared else "no school year")]
    return lines + [f"* {note['text']}" for note in coverage["notes"]]


def _print_not_compared(title: str, table: Mapping[str, Any]) -> None:
    console = _console()
    console.print(f"{title}: no groups compared, so nothing can be flagged.", markup=False)
    for line in _coverage_lines(table):
        console.print(line, markup=False)


def _print_school(table: Mapping[str, Any], name: str) -> None:
    if not table["compared"]:
        _print_not_compared(
            f"{name} ({table['school_id']}): {table['measure']}, {table['school_year']}", table
        )
        return
    out = Table(
        title=f"{name} ({table['school_id']}): {table['measure']}, {table['school_year']}",
        title_justify="left",
        caption=_caption(table),
        caption_justify="left",
    )
    out.add_column("group", no_wrap=True)
    for column in ("count", "enrolled", "risk"):
        out.add_column(column, justify="right", min_width=len(SUPPRESSED))
    out.add_column("risk ratio (95% interval)", justify="right", min_width=len(SUPPRESSED))
    notes: list[str] = []
    for row in table["rows"]:
        hidden = _hidden(row)
        if hidden or row["ratio"] is None:
            ratio = SUPPRESSED if hidden else "—"
        else:
            ratio = f"{_ratio(row['ratio'])} ({_interval(row)})"
        out.add_row(
            row["group"],
            _count(row),
            "—" if row["enrolled"] is None else str(row["enrolled"]),
            SUPPRESSED if hidden else _percent(row["risk"]),
            ratio,
        )
        marks = [word for word in ("flagged", "identified") if row.get(word)]
        why = row["reason"] or row.get("identification") or ""
        notes.append(f"* {row['group']}: " + "; ".join([*marks, why] if why else marks))
    console = _console()
    console.print(out)
    for note in notes:
        console.print(note)


def _district_cell(cell: Mapping[str, Any]) -> str:
    if _hidden(cell):
        return SUPPRESSED
    text = f"{_count(cell)}\n{_ratio(cell['ratio'])}"
    if cell["identified"]:
        return text + "\nidentified"
    return text + "\nflagged" if cell["flagged"] else text


def _print_district(table: Mapping[str, Any]) -> None:
    if not table["compared"]:
        _print_not_compared(f"{table['measure']}, {table['school_year']}", table)
        return
    out = Table(
        title=(
            f"{table['measure']}, {table['school_year']}: {table['identified']} schools "
            f"identified, {table['flagged']} flagged"
        ),
        title_justify="left",
        caption="Each cell: the count, then the risk ratio. " + _caption(table),
        caption_justify="left",
    )
    out.add_column("school", ratio=1, overflow="fold")
    out.add_column("id", no_wrap=True)
    for group in table["groups"]:
        # wide enough for the word "suppressed", never cut short
        out.add_column(group, justify="right", min_width=len(SUPPRESSED), overflow="fold")
    for row in table["rows"]:
        out.add_row(
            row["name"],
            row["school_id"] or "",
            *(_district_cell(c) for c in row["cells"]),
        )
    console = _console()
    console.print(out)
    if not table["ratios_calculated"]:
        console.print(
            "No ratio could be calculated: every group is below the minimum sizes, so none "
            "can be flagged."
        )
    if table["group_coverage"]["notes"]:
        for line in _coverage_lines(table):
            console.print(line, markup=False)


# ---------------------------------------------------------------------- outcomes
@cli.command()
@click.option(
    "--school", "school_id", default=None, help="One school (its id); default: the district."
)
@_FORMAT
@pass_ctx
@translate_errors
def outcomes(ctx: Context, school_id: str | None, fmt: str) -> None:
    """Outcomes over time: suspensions, expulsions, police notifications and misconducts per
    school year (with a rate per 100 students), the officers, and for one school the shootings
    near it (under the outcome preset).

    Example: safeschools outcomes --school 609966 --format csv
    """
    store, settings = ctx.store, ctx.settings
    if school_id is None:
        data = service_equity.outcomes(store, settings=settings)
    else:
        index = services.exposure_index(store, settings=settings)
        data = service_evaluation.school_outcomes(
            store, school_id, settings=settings, index=index, require_figures=True
        )
    if fmt == "json":
        _json(data)
    elif fmt == "csv":
        click.echo(service_equity.outcomes_csv(data), nl=False)
    else:
        _print_outcomes(data)


def _outcome_cells(cell: Mapping[str, Any]) -> tuple[str, str]:
    """A count and its rate per 100 students as printed (both ``suppressed`` when hidden)."""
    if cell["status"] == SUPPRESSED:
        return SUPPRESSED, SUPPRESSED
    count = "—" if cell["value"] is None else str(cell["value"])
    rate = "—" if cell.get("per_100") is None else f"{cell['per_100']:.2f}"
    return count, rate


def _print_outcomes(data: Mapping[str, Any]) -> None:
    officers = {
        o["school_year"]: f"{o['officers']} at the {o['schools_recorded']} school(s) recorded"
        for o in data["officers"]
    }
    removal = data["removal_year"]
    title = f"Outcomes of school {data['school_id']}" if data["school_id"] else "District outcomes"
    if removal:
        title += f"; officers removed in {removal}"
    out = Table(
        title=title,
        title_justify="left",
        caption=f"Counts under {data['min_cell']} (and those that would give them away) are "
        "suppressed, with their rates.",
        caption_justify="left",
    )
    out.add_column("school year", no_wrap=True)
    out.add_column("measure")
    out.add_column("count", justify="right", min_width=len(SUPPRESSED))
    out.add_column("per 100 students", justify="right", min_width=len(SUPPRESSED))
    for s in data["series"]:
        year = s["school_year"]
        rows: list[tuple[str, str, str]] = [
            ("enrolled", "—" if s["enrolled"] is None else str(s["enrolled"]), "")
        ]
        for measure in data["measures"]:
            if measure in s["values"]:
                rows.append((measure.replace("_", " "), *_outcome_cells(s["values"][measure])))
        if s.get("discipline") == "not_loaded":
            rows.append(("discipline", "not in the loaded files", ""))
        if s.get("shootings") == "not_covered":
            rows.append(("shootings near", "not in the loaded files", ""))
        elif s.get("shootings_near") is not None:
            rows.append(("shootings near", str(s["shootings_near"]), ""))
        if year in officers:
            rows.append(("officers", officers[year], ""))
        for i, row in enumerate(rows):
            label = (f"{year} (removal)" if year == removal else year) if i == 0 else ""
            out.add_row(label, *row)
        out.add_section()
    _console().print(out)
    for gap in equity_views.outcome_gaps(language("en"), data):
        _console().print(f"* {gap}")


# ---------------------------------------------------------------------- evaluate
@cli.command()
@click.option(
    "--outcome",
    default="police_notifications",
    show_default=True,
    help="One of: " + ", ".join(service_evaluation.EVALUATION_OUTCOMES) + ".",
)
@click.option(
    "--reversals",
    type=click.Choice(service_evaluation.REVERSAL_RULES),
    default="leave_out",
    show_default=True,
    help="Schools whose officers came back after removal: leave them out, or count them as "
    "removed from their first removal on.",
)
@_FORMAT_NO_CSV
@pass_ctx
@translate_errors
def evaluate(ctx: Context, outcome: str, reversals: str, fmt: str) -> None:
    """Did removing officers change an outcome? A staggered difference-in-differences
    (Callaway and Sant'Anna) of schools that removed their officers against schools that had
    not yet: the cohorts, the overall effect with its interval, the event study, and the
    assumptions and limits in plain words.

    Example: safeschools evaluate --outcome suspensions
    """
    store, settings = ctx.store, ctx.settings
    # the victims near each school are read only for the outcome that counts them
    near = outcome == "shootings_near"
    index = services.exposure_index(store, settings=settings) if near else None
    data = service_evaluation.evaluation(
        store, settings=settings, outcome=outcome, index=index, reversals=reversals
    )
    if fmt == "json":
        _json(data)
    else:
        _print_evaluation(data)


def _print_evaluation(data: Mapping[str, Any]) -> None:
    console = _console()
    confidence = round(100 * data["confidence"])
    L = language("en")
    schools = (
        "no school compared"
        if data["schools"] is None
        else f"{data['schools']} schools that had officers"
    )
    console.print(
        f"[bold]{data['outcome']}[/bold] ({data['unit']}): {schools}, "
        f"{data['still_with_officers']} still have them; controls: {data['control_group']}."
    )
    overall = data["overall"]
    if overall is None:
        console.print("Overall effect: not estimated.")
        for reason in evaluation_views.not_estimated_reasons(L, data):
            console.print(f"* {reason}")
    else:
        console.print(
            f"Overall effect after removal: [bold]{_signed(overall['estimate'])}[/bold] "
            f"{data['unit']} ({confidence}% interval {_signed(overall['ci_low'])} to "
            f"{_signed(overall['ci_high'])})."
        )
    for check in evaluation_views.assumption_checks(L, data):
        console.print(f"* {check}")
    years = Table(title="School years with and without the outcome", title_justify="left")
    for column in ("school year", "figures", "removals"):
        years.add_column(column)
    for y in data["data_years"]:
        years.add_row(
            y["school_year"], evaluation_views.year_status(L, y["status"]), str(y["removals"])
        )
    console.print(years)
    cohorts = Table(title="Cohorts (first school year without officers)", title_justify="left")
    cohorts.add_column("cohort")
    cohorts.add_column("schools", justify="right")
    for c in data["cohorts"]:
        cohorts.add_row(c["cohort"], str(c["schools"]))
    console.print(cohorts)
    if data["not_estimable"]:
        console.print(
            "Not estimable (no school left to compare): " + ", ".join(data["not_estimable"])
        )
    study = Table(
        title="Event study (years since removal; before 0: placebo checks)",
        title_justify="left",
    )
    for column in ("years", "estimate", f"{confidence}% interval", "cohorts"):
        study.add_column(column, justify="right")
    for e in data["event_study"]:
        study.add_row(
            str(e["event_time"]),
            _signed(e["estimate"]),
            f"{_signed(e['ci_low'])} to {_signed(e['ci_high'])}",
            str(e["n_groups"]),
        )
    console.print(study)
    console.print("[bold]Assumptions[/bold]")
    for text in data["assumptions"]:
        console.print(f"* {text}")
    console.print("[bold]Limits[/bold]")
    for text in data["limits"]:
        console.print(f"* {text}")
    if data["bootstrap_iterations"] is not None:
        console.print(
            f"[dim]{data['bootstrap_iterations']} bootstrap draws, seed {data['seed']}.[/dim]"
        )
