"""The discipline tables: keyed upserts (twice changes nothing, a correction replaces), None
kept as None, filters; on SQLite and PostgreSQL."""

from __future__ import annotations

from safeschools.model.discipline import DisciplineFigure, Enrollment, NameMatch
from safeschools.storage import Store


def _figures(value: float | None = 12.0) -> list[DisciplineFigure]:
    return [
        DisciplineFigure("cps-misconduct", "609772", "2021-22", "EOY", "oss", "all", value),
        DisciplineFigure("cps-misconduct", "609772", "2021-22", "S1", "oss", "all", 5.0),
        DisciplineFigure(
            "cps-misconduct", "400121", "2021-22", "EOY", "oss", "all", None, "charter"
        ),
        DisciplineFigure("isbe-eoy", "609772", "2018-19", "EOY", "students_oss", "black", 7.0),
    ]


def test_upsert_twice_changes_nothing_and_a_correction_replaces(store: Store) -> None:
    with store.transaction() as conn:
        assert store.upsert_discipline_figures(_figures(), 1, conn=conn) == (4, 0, 0)
    with store.transaction() as conn:
        assert store.upsert_discipline_figures(_figures(), 2, conn=conn) == (0, 0, 4)
    with store.transaction() as conn:
        assert store.upsert_discipline_figures(_figures(13.0), 3, conn=conn) == (0, 1, 3)
    rows = store.discipline_figures(school_id="609772", period="EOY")
    assert [(r.source, r.measure, r.value) for r in rows] == [
        ("isbe-eoy", "students_oss", 7.0),
        ("cps-misconduct", "oss", 13.0),
    ]
    charter = store.discipline_figures(school_id="400121")
    assert charter[0].value is None and charter[0].note == "charter"
    assert len(store.discipline_figures(measures=["oss"], groups=["all"])) == 3
    assert store.discipline_figures(source="crdc") == []


def test_enrollments_and_crosswalk(store: Store) -> None:
    rows = [
        Enrollment("cps-demographics", "609772", "2022-23", "all", 553),
        Enrollment("cps-demographics", "609772", "2022-23", "black", 18),
        Enrollment("cps-demographics", "609772", "2022-23", "el", None, "not given"),
    ]
    with store.transaction() as conn:
        assert store.upsert_enrollments(rows, 1, conn=conn) == (3, 0, 0)
        assert store.upsert_enrollments(rows, 1, conn=conn) == (0, 0, 3)
    got = store.enrollments(school_id="609772", groups=["all", "el"])
    assert [(e.group, e.students) for e in got] == [("all", 553), ("el", None)]
    matches = [
        NameMatch("isbe-eoy", "City of Chicago SD 299|Addams Elem School", "609772", "normalized"),
        NameMatch("isbe-eoy", "City of Chicago SD 299|Nowhere Elem", None, "unmatched"),
    ]
    with store.transaction() as conn:
        assert store.upsert_name_matches(matches, None, conn=conn) == (2, 0, 0)
    fixed = [NameMatch("isbe-eoy", "City of Chicago SD 299|Nowhere Elem", "610513", "reviewed")]
    with store.transaction() as conn:
        assert store.upsert_name_matches(fixed, None, conn=conn) == (0, 1, 0)
    assert [(m.school_id, m.method) for m in store.name_matches("isbe-eoy")] == [
        ("609772", "normalized"),
        ("610513", "reviewed"),
    ]
