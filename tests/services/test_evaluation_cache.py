"""The evaluation and the district's outcomes are kept per data version and recorded write:
asked again they are the same object; an import or a recorded write (an officer count set by
a person changes who removed officers when) computes them again."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.demo_city import DemoCity

from safeschools import services
from safeschools.services import evaluation as service_evaluation
from safeschools.storage import Store
from safeschools.testing import sqlite_store

PASSWORD = "a long enough password 42"


@pytest.fixture
def demo_copy(demo_city: DemoCity, tmp_path: Path) -> Iterator[Store]:
    source = demo_city.settings.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(source) as src, sqlite3.connect(tmp_path / "copy.db") as dst:
        src.backup(dst)
    store = sqlite_store(tmp_path / "copy.db")
    yield store
    store.dispose()


def test_kept_until_a_recorded_write(demo_copy: Store, demo_city: DemoCity) -> None:
    settings = demo_city.settings
    index = services.exposure_index(demo_copy, settings=settings)
    first = service_evaluation.evaluation(demo_copy, settings=settings, index=index)
    assert service_evaluation.evaluation(demo_copy, settings=settings, index=index) is first
    outcomes = service_evaluation.district_outcomes(demo_copy, settings=settings, index=index)
    assert (
        service_evaluation.district_outcomes(demo_copy, settings=settings, index=index) is outcomes
    )
    other = service_evaluation.evaluation(
        demo_copy, settings=settings, index=index, reversals="first_removal"
    )
    assert other is not first  # other arguments, another entry
    services.create_user(
        demo_copy, email="admin@x.org", password=PASSWORD, role="admin", settings=settings
    )  # a recorded write
    again = service_evaluation.evaluation(demo_copy, settings=settings, index=index)
    assert again is not first and again == first  # computed again, and nothing changed
    assert (
        service_evaluation.district_outcomes(demo_copy, settings=settings, index=index)
        is not outcomes
    )
