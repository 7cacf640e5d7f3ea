"""Small .xlsx files in the layouts of the CPS reports, written with openpyxl for broken-file
tests (the real files are read in place; these only copy their layout)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

MISCONDUCT_HEADER = [
    "School ID",
    "School Name",
    "School Network",
    "School Year",
    "Time Period",
    "# of Misconducts",
    "# of Group 1-2 Misconducts",
    "# of Group 3-4 Misconducts",
    "# of Group 5-6 Misconducts",
    "# of Suspensions (includes ISS and OSS)",
    "% of Misconducts Resulting in a Suspension\n(includes ISS and OSS)",
    "# of ISS",
    "% of Misconducts Resulting in an ISS",
    "ISS per 100 Students",
    "# of Unique Students Receiving ISS",
    "% of Unique Students Receiving ISS",
    "Average Length of ISS",
    "# of OSS",
    "% of Misconducts Resulting in an OSS",
    "OSS per 100 Students",
    "# of Unique Students Receiving OSS",
    "% of Unique Students Receiving OSS",
    "Average Length of OSS",
    "# of Police Notifications",
    "% of Misconducts Resulting in a Police Notification",
    "Police Notifications per 100 Students",
    "# of Unique Students Receiving Police Notification",
    "% of Unique Students Receiving Police Notification",
    "# of Students Expelled",
    "Expulsions per 100 Students",
]

#: ADDAMS (609772) 2018-19 EOY as the real report gives it.
ADDAMS_EOY_2019 = [
    "609772",
    "ADDAMS",
    "ISP",
    "2018-2019",
    "EOY",
    39,
    8,
    27,
    4,
    22,
    56.4,
    10,
    25.6,
    1.45,
    9,
    1.3,
    1.1,
    12,
    30.8,
    1.74,
    6,
    0.9,
    1.17,
    1,
    2.6,
    0.15,
    1,
    0.1,
    0,
    0,
]
#: A charter row: only the expulsions are given.
CHARTER_EOY_2018 = (
    ["400121", "ACERO - DE LA CRUZ", "Charter", "2017-2018", "EOY"]
    + ["--"] * 23
    + [
        1,
        0.15,
    ]
)


def misconduct_row(**changes: Any) -> list[Any]:
    """The ADDAMS row with some cells changed, by header: ``misconduct_row(**{"# of OSS": -1})``
    or with the keywords ``school_id``, ``school_year``, ``period``."""
    row = list(ADDAMS_EOY_2019)
    aliases = {"school_id": "School ID", "school_year": "School Year", "period": "Time Period"}
    for name, value in changes.items():
        row[MISCONDUCT_HEADER.index(aliases.get(name, name))] = value
    return row


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """Write ``sheets`` (name to rows, first sheet first) as an .xlsx file at ``path``."""
    book = openpyxl.Workbook()
    first = True
    for name, rows in sheets.items():
        ws = book.active if first else book.create_sheet()
        assert ws is not None
        ws.title = name
        first = False
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


def misconduct_file(path: Path, rows: list[list[Any]], *, title_rows: int = 0) -> Path:
    """A misconduct report with ``rows`` under the header (after ``title_rows`` title lines)."""
    titles: list[list[Any]] = [[f"Report title line {i + 1}"] for i in range(title_rows)]
    return write_xlsx(
        path,
        {
            "Overview": [["Misconduct, Police Notification and Expulsion Report"]],
            "School Level Behavior Data": [*titles, MISCONDUCT_HEADER, *rows],
        },
    )


RACE_CATEGORIES = [
    "School Information",
    None,
    None,
    None,
    None,
    None,
    None,
    "White",
    None,
    "African American",
    None,
    "Asian/ Pacific Islander (Retired)",
    None,
    "Native American/\n Alaskan",
    None,
    "Hispanic",
    None,
    "Mulit-Racial",
    None,
    "Asian",
    None,
    "Hawaiian/\n Pacific Islander",
    None,
    "Not \n Available",
    None,
]
RACE_HEADER = [
    "School ID",
    "School Name",
    "Network",
    "Governance",
    "School Type",
    "Community Area",
    "Total",
    *(["No", "Pct"] * 9),
]


def race_row(school_id: Any, total: Any, counts: list[Any]) -> list[Any]:
    """A school row: nine race counts, each followed by its share of ``total``."""
    cells: list[Any] = [school_id, "SCHOOL", "ISP", "District", "Traditional", "EAST SIDE", total]
    for n in counts:
        cells += [n, (n / total) if isinstance(n, int) and isinstance(total, int) else None]
    return cells


def race_file(
    path: Path, rows: list[list[Any]], *, title: str = "District Total 2022-2023"
) -> Path:
    """A racial/ethnic 20th-day file: district total row (sum of ``rows``) then the rows."""
    totals: list[Any] = [None, title, None, None, None, None]
    numeric = [r for r in rows if all(isinstance(r[i], int) for i in (6, *range(7, 25, 2)))]
    for i in range(6, 25):
        totals.append(sum(r[i] for r in numeric) if i == 6 or i % 2 == 1 else None)
    return write_xlsx(
        path,
        {
            "District": [["20th Day 2022-2023"]],
            "Schools": [RACE_CATEGORIES, RACE_HEADER, totals, *rows],
        },
    )
