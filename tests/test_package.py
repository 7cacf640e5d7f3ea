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
    assert result.victims == 0 and result.definition["name"] == "trace-500yd"


def test_public_names_are_importable() -> None:
    for name in safeschools.__all__:
        assert hasattr(safeschools, name), name
    assert safeschools.__version__


def _module_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_nothing_below_the_service_imports_an_interface_library() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[0] in INTERFACES or parts[0] == "service":
            continue
        for module in _module_imports(path):
            if module.split(".")[0] in INTERFACE_LIBS:
                offenders.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert offenders == []


@pytest.mark.parametrize(
    ("layer", "may_not_import"),
    [
        (
            "model",
            {"ingest", "storage", "service", "cli", "spatial", "metrics", "policy", "api", "web"},
        ),
        ("ingest", {"storage", "service", "cli", "api", "web"}),
        ("storage", {"ingest", "service", "cli", "api", "web"}),
        ("spatial", {"ingest", "storage", "service", "cli", "proximity", "api", "web"}),
        ("proximity", {"ingest", "storage", "service", "cli", "api", "web"}),
    ],
)
def test_imports_flow_one_way(layer: str, may_not_import: set[str]) -> None:
    offenders = []
    for path in (PACKAGE / layer).rglob("*.py"):
        for module in _module_imports(path):
            parts = module.split(".")
            if parts[0] == "safeschools" and len(parts) > 1 and parts[1] in may_not_import:
                offenders.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert offenders == []


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
