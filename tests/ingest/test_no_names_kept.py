"""No person's name is kept, in any spelling of its column (issue 13, item 7).

Every `ingest` kind that can reject rows imports a file whose rows, accepted and rejected, carry
a made-up name under many spellings of a name column; then every column of every table of the
store (SQLite and PostgreSQL) and every format of `imports --rejects` are searched for it.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from helpers.ingest_files import (
    CSV_KINDS,
    FAKE_NAME,
    FAKE_NAME_PARTS,
    NAME_COLUMNS,
    WORKBOOKS,
    boundaries_file,
    write_csv_kind,
)

from safeschools.cli import cli
from safeschools.ingest.base import public_raw
from safeschools.model import RejectedRow
from safeschools.model.privacy import may_hold_name
from safeschools.storage import Store

KINDS = [*CSV_KINDS, "boundaries", *WORKBOOKS]


def _file(kind: str, folder: Path) -> tuple[list[str], Path]:
    extra = dict.fromkeys(NAME_COLUMNS, FAKE_NAME)
    if kind in CSV_KINDS:
        spec = CSV_KINDS[kind]()
        # the victims file's own name columns hold the name too
        extra.update({c: FAKE_NAME for c in spec.header if c.startswith("homicide_victim")})
        return spec.args, write_csv_kind(folder, spec, extra=extra)
    if kind == "boundaries":
        return ["boundaries"], boundaries_file(folder, extra=extra)
    args, make = WORKBOOKS[kind]
    return args, make(folder, extra=extra)


def _hits(text: str) -> bool:
    lower = text.lower()
    return any(part.lower() in lower for part in FAKE_NAME_PARTS)


def _file_text(path: Path) -> str:
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        cells = [
            str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
        ]
        book.close()
        return " ".join(cells)
    return path.read_text(encoding="utf-8")


def _store_hits(store: Store) -> list[str]:
    """``table.column`` of every stored value that holds a part of the name."""
    hits: list[str] = []
    with store.engine.connect() as conn:
        for name in store.table_names():
            table = sa.Table(name, sa.MetaData(), autoload_with=conn)
            for row in conn.execute(sa.select(table)):
                for column, value in row._mapping.items():
                    if value is not None and _hits(str(value)):
                        hits.append(f"{name}.{column}")
    return sorted(set(hits))


@pytest.mark.parametrize("kind", KINDS)
def test_no_name_is_kept_in_the_store_or_shown_by_imports_rejects(
    store: Store, tmp_path: Path, kind: str
) -> None:
    url = store.engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    args, path = _file(kind, tmp_path)
    assert _hits(_file_text(path))  # the file does carry the name
    result = runner.invoke(cli, ["--database-url", url, "ingest", *args, str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["rejected"] >= 1
    rejected = store.rejected_rows(report["import_id"])
    assert rejected and all(r.raw for r in rejected)  # the rows keep what the importer reads
    outputs = {"ingest": result.output}
    for fmt in ("table", "json", "csv"):
        shown = runner.invoke(
            cli,
            [
                "--database-url",
                url,
                "imports",
                "--rejects",
                str(report["import_id"]),
                "--format",
                fmt,
            ],
        )
        assert shown.exit_code == 0, shown.output
        outputs[fmt] = shown.output
    assert [where for where, text in outputs.items() if _hits(text)] == []
    assert _store_hits(store) == []


def test_accepted_rows_carry_no_name_either(store: Store, tmp_path: Path) -> None:
    """Victims: the good rows are stored, the name columns are not."""
    spec = CSV_KINDS["victims"]()
    extra = dict.fromkeys(NAME_COLUMNS, FAKE_NAME)
    path = write_csv_kind(tmp_path, spec, extra=extra)
    url = store.engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(cli, ["--database-url", url, "ingest", "victims", str(path)])
    assert result.exit_code == 0, result.output
    assert store.count("victimizations") == len(spec.rows) - spec.rejected
    assert _store_hits(store) == []


@pytest.mark.parametrize("column", NAME_COLUMNS)
def test_every_spelling_of_a_name_column_is_private(column: str) -> None:
    assert may_hold_name(column)
    assert public_raw({column: FAKE_NAME, "AGE": "0-19"}) == {"AGE": "0-19"}


@pytest.mark.parametrize(
    "column",
    [
        "School Name",
        "SCH_NAME",
        "LEA_NAME",
        "Short_Name",
        "street_name_1",
        "district_label",
        "VICTIMIZATION_PRIMARY",
        "victim_age",
        "last_updated",
        "first_day",
        "community",
    ],
)
def test_places_and_figures_are_not_names(column: str) -> None:
    assert not may_hold_name(column)


def test_allow_list_keeps_only_the_columns_read() -> None:
    row = {"DATE": "x", "BLOCK": "y", "ALD_15": "Alderman Someone", "__error__": "bad"}
    assert public_raw(row, {"DATE", "BLOCK"}) == {"DATE": "x", "BLOCK": "y"}


def test_a_name_stored_before_is_not_read_back(store: Store) -> None:
    """Rows a store kept before this fix lose their name columns when read."""
    from safeschools.storage import tables as t

    with store.transaction() as conn:
        import_id = store.start_import(
            source="chicago-victims",
            kind="victims",
            location="old.csv",
            format="old",
            school_year=None,
            checksum="0" * 64,
            started_at=__import__("datetime").datetime(2024, 1, 1),
            conn=conn,
        )
        conn.execute(
            sa.insert(t.rejected_rows),
            [
                {
                    "import_id": import_id,
                    "location": "old.csv",
                    "line": 2,
                    "reason": "DATE is empty",
                    "raw": json.dumps({"NAME": FAKE_NAME, "DATE": ""}),
                }
            ],
        )
    assert store.rejected_rows(import_id) == [
        RejectedRow(2, "DATE is empty", {"DATE": ""}, "old.csv")
    ]
