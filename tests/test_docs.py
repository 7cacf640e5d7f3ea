"""The docs say what the code does: every command, setting and source is documented."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from safeschools.testing import REAL_DATA

ROOT = Path(__file__).resolve().parent.parent


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("name", "builder"), [("cli.md", "cli_markdown"), ("sources.md", "sources_markdown")]
)
def test_generated_docs_are_current(name: str, builder: str) -> None:
    expected = getattr(_generator(), builder)()
    actual = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert actual == expected, f"docs/{name} is out of date: run `make docs`"


def test_readme_first_screen_gives_the_two_commands() -> None:
    first_screen = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:25])
    assert "make demo" in first_screen
    assert "make test" in first_screen


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_library_example_runs_on_the_real_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's library example, as printed, on the real 2017-18 locations file."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Library\n") :]
    code = section[section.index("```python\n") + len("```python\n") : section.index("```\n", 10)]
    real = REAL_DATA / "cps-school-locations" / "School_Locations_SY1718.csv"
    if not real.is_file():
        pytest.skip(f"{real} is not here")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "School_Locations_SY1718.csv").symlink_to(real)
    names: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), names)
    assert names["charters"], "the 2017-18 file flags charter schools"
    store = names["store"]
    assert names["near"].schools_considered == len(store.schools(school_year="2017-18"))  # type: ignore[attr-defined]
    assert names["history"] == {"school_id": "609971", "assignments": [], "decisions": []}
