import shutil

import pytest

from tests.support.months import MONTHS, TODAY, write_months
from tests.support import api


@pytest.fixture(scope="session")
def months(tmp_path_factory):
    """Six generated months of three offices (journeys spanning months)."""
    return write_months(tmp_path_factory.mktemp("mesi"))


@pytest.fixture(scope="session")
def five_months_archive(tmp_path_factory, months):
    """An archive holding the first five months (its key beside it), never modified by tests."""
    folder = tmp_path_factory.mktemp("archivi") / "archivio"
    for month in MONTHS[:5]:
        api.archive_add(months.files[month], folder, month=month, today=TODAY)
    return folder


@pytest.fixture
def archive_copy(tmp_path, five_months_archive):
    """A copy of the five-month archive and its key that a test may change."""
    folder = tmp_path / "archivio"
    shutil.copytree(five_months_archive, folder)
    shutil.copy2(five_months_archive.with_name("archivio.chiave"), tmp_path / "archivio.chiave")
    return folder
