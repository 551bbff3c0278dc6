"""Shared pytest fixtures and the `lento` marker.

`lento` marks the slow tests: everything that drives headless LibreOffice or Pyodide and every hypothesis
property test get it here automatically; slow tests of another kind carry it explicitly. The edit
loop skips them with `python scripts/test.py -m "not lento"`; CI (.ci/run) runs the whole suite.
"""

from __future__ import annotations

import pytest

from tests.support.month_generator import write_month
from tests.support.libreoffice import LibreOfficeRunner, require_libreoffice
from registro.validators.catalogue import Catalogue, load_catalogue


@pytest.fixture(scope="session")
def cat() -> Catalogue:
    """The bundled catalogue."""
    return load_catalogue()


@pytest.fixture
def month(tmp_path):
    """A generated month of three offices (one .xlsx each in tmp_path/ottobre) and the rows written."""
    folder = tmp_path / "ottobre"
    return folder, write_month(folder)


@pytest.fixture(scope="session")
def libreoffice() -> LibreOfficeRunner:
    """Runner for headless Calc; skips (fails when CI=true) if LibreOffice is missing."""
    return require_libreoffice()


def _is_slow(item: pytest.Item) -> bool:
    if item.get_closest_marker("libreoffice") or "libreoffice" in getattr(item, "fixturenames", ()):
        return True
    if item.get_closest_marker("pyodide"):  # the real Pyodide runtime under Node
        return True
    return bool(getattr(getattr(item, "obj", None), "is_hypothesis_test", False))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _is_slow(item):
            item.add_marker(pytest.mark.lento)
