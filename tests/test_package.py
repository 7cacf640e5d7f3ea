"""The package's shape: public names, settings, and the one-way flow of imports."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import safeschools
from safeschools.errors import ConfigError
from safeschools.settings import Settings, normalise_database_url

PACKAGE = Path(safeschools.__file__).parent
INTERFACE_LIBS = {"click", "rich", "fastapi", "jinja2", "starlette", "uvicorn", "typer"}
INTERFACES = {"cli", "api", "web", "reports", "testing"}


def test_the_top_level_api_answers_a_preset() -> None:
    from safeschools import Settings, open_store
    from safeschools.model import School

    store = open_store("sqlite://")
    settings = Settings(database_url="sqlite://")
    with pytest.raises(safeschools.NotFoundError, match="ingest schools"):
        safeschools.exposure(store, "trace-500yd", settings=settings)
    from safeschools.testing import load_records

    load_records(store, settings, schools=[School("1", "2024-25", "A", lat=41.8, lon=-87.7)])
    result = safeschools.exposure(store, "trace-500yd", settings=settings)
    # no victims data loaded: the count is absent (None) with its reason, never 0
    assert result.victims is None and result.definition["name"] == "trace-500yd"
    assert not result.answerable and "No victims data" in result.reasons[0]


def test_public_names_are_importable() -> None:
    for name in safeschools.__all__:
        assert hasattr(safeschools, name), name
    assert safeschools.__version__


def _module_imports(path: Path) -> set[str]:
    """Every module ``path`` imports, relative imports resolved, at any depth of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            # ``from safeschools import services`` names a package, not a module's attribute
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


#: The library, lowest first: none of these may import the use cases or an interface.
LIBRARY = (
    "model",
    "ingest",
    "spatial",
    "proximity",
    "metrics",
    "policy",
    "storage",
    "national",
)
#: The interfaces, which only translate; the use cases never import them.
INTERFACE_PACKAGES = {"cli", "api", "web", "render", "reports", "server", "app", "testing"}


def _package_of(path: Path, root: Path = PACKAGE) -> str:
    return path.relative_to(root).with_suffix("").parts[0]


def _offenders(
    packages: set[str],
    forbidden: set[str],
    names: set[str] | frozenset[str] = frozenset(),
    *,
    root: Path = PACKAGE,
) -> list[str]:
    """``file imports module`` for every import from a file under ``packages`` of a safeschools
    package in ``forbidden``, or of a third-party top-level name in ``names``."""
    offenders = []
    for path in sorted(root.rglob("*.py")):
        if _package_of(path, root) not in packages:
            continue
        for module in _module_imports(path):
            parts = module.split(".")
            ours = parts[0] == "safeschools" and len(parts) > 1 and parts[1] in forbidden
            if ours or parts[0] in names:
                offenders.append(f"{path.relative_to(root)} imports {module}")
    return offenders


def test_nothing_below_the_interfaces_imports_an_interface_library() -> None:
    below = {_package_of(p) for p in PACKAGE.rglob("*.py")} - INTERFACE_PACKAGES
    assert _offenders(below, set(), INTERFACE_LIBS) == []


def test_the_library_never_imports_the_use_cases_or_an_interface() -> None:
    assert _offenders(set(LIBRARY), {"services"} | INTERFACE_PACKAGES) == []


def test_the_use_cases_never_import_an_interface() -> None:
    assert _offenders({"services"}, INTERFACE_PACKAGES, INTERFACE_LIBS) == []


def test_the_layer_check_sees_a_wrong_import(tmp_path: Path) -> None:
    """The checks read packages, not name prefixes: an import added the wrong way is caught."""
    (tmp_path / "storage").mkdir()
    (tmp_path / "storage" / "wrong.py").write_text(
        "from safeschools import services\nfrom safeschools.render import i18n\n"
    )
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "wrong.py").write_text("import fastapi\n")
    assert sorted(_offenders(set(LIBRARY), {"services"} | INTERFACE_PACKAGES, root=tmp_path)) == [
        "storage/wrong.py imports safeschools.render",
        "storage/wrong.py imports safeschools.render.i18n",
        "storage/wrong.py imports safeschools.services",
    ]
    assert _offenders({"services"}, INTERFACE_PACKAGES, INTERFACE_LIBS, root=tmp_path) == [
        "services/wrong.py imports fastapi"
    ]


@pytest.mark.parametrize(
    ("layer", "may_not_import"),
    [
        ("model", {"ingest", "storage", "spatial", "metrics", "policy", "proximity"}),
        ("ingest", {"storage", "spatial", "metrics", "policy", "proximity"}),
        ("storage", {"ingest", "spatial", "metrics", "proximity"}),
        ("spatial", {"ingest", "storage", "proximity", "metrics", "policy"}),
        ("proximity", {"ingest", "storage", "metrics", "policy"}),
        ("national", {"ingest", "storage", "metrics", "policy", "proximity"}),
    ],
)
def test_library_imports_flow_one_way(layer: str, may_not_import: set[str]) -> None:
    assert _offenders({layer}, may_not_import) == []


def test_every_module_imports() -> None:
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="safeschools."):
        if ".migrations" in info.name:
            continue
        importlib.import_module(info.name)


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAFESCHOOLS_DATABASE_URL", "postgresql://u@127.0.0.1/db")
    monkeypatch.setenv("SAFESCHOOLS_FETCH_PAGE_SIZE", "1000")
    settings = Settings()
    assert settings.database_url == "postgresql+psycopg://u@127.0.0.1/db"
    assert settings.fetch_page_size == 1000


def test_default_store_is_embedded_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAFESCHOOLS_DATABASE_URL", raising=False)
    assert Settings(_env_file=None).database_url == "sqlite:///safeschools.db"  # type: ignore[call-arg]


def test_every_setting_has_help_text() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, name


def test_empty_database_url_is_refused() -> None:
    with pytest.raises(ConfigError, match="SAFESCHOOLS_DATABASE_URL"):
        normalise_database_url("  ")
