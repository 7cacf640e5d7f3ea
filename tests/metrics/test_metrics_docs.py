"""The examples in the metrics docstrings are run, so the documented numbers stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

import safeschools.metrics

MODULES = ["did", "disparity", "disparity_by_group", "identification", "suppression"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"safeschools.metrics.{name}")
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0


def test_every_module_opens_with_its_method_and_the_package_exports_the_main_names() -> None:
    for name in ("did", "disparity", "suppression"):
        doc = importlib.import_module(f"safeschools.metrics.{name}").__doc__ or ""
        assert "Method" in doc
    for name in safeschools.metrics.__all__:
        assert hasattr(safeschools.metrics, name)
    from safeschools.metrics.disparity_by_group import disparity_table

    assert disparity_table is safeschools.metrics.disparity_table
