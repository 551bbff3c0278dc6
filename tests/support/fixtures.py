"""Pytest fixtures for LibreOffice-backed tests; import them into a test module."""

from __future__ import annotations

import pytest

from tests.support.libreoffice import LibreOfficeRunner, require_libreoffice


@pytest.fixture(scope="session")
def libreoffice() -> LibreOfficeRunner:
    """Runner for headless Calc; skips (fails when CI=true) if LibreOffice is missing."""
    return require_libreoffice()
