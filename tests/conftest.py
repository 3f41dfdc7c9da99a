"""Every test's runs are saved in a directory of its session, never in the repository's runs/
(servers the browser tests start inherit RNNVIZ_RUNS_DIR)."""

import os

import pytest

from rnnviz.serving import stored_runs


@pytest.fixture(autouse=True, scope="session")
def runs_directory(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs")
    os.environ["RNNVIZ_RUNS_DIR"] = str(folder)
    stored_runs.RUNS_DIR = folder
    yield folder
