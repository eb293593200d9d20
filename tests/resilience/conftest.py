"""Fixtures for tests that run the service as real processes on a database of their own."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.resilience.processes import fresh_database


@pytest.fixture(scope="module")
def own_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, migrated database on the backend of this test run (not the shared test database:
    the per-test wipe of the in-process app must not touch what live servers are using)."""
    folder = tmp_path_factory.mktemp("own-db")
    with fresh_database(os.environ.get("BASELTRACK_TEST_DATABASE_URL"), folder) as url:
        yield url


@pytest.fixture(scope="module")
def key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One key folder shared by every process, as in production."""
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("logs")
