"""Add-in tests run on real xlwings Books built from JSON (xlwings' remote engine).

That engine is part of xlwings PRO, licensed under PolyForm Noncommercial 1.0.0, which permits
use by government institutions such as the public employment centres: these tests set
XLWINGS_LICENSE_KEY=noncommercial before xlwings is imported.
"""

import os

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import pytest  # noqa: E402


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/addin/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.xlwings)
