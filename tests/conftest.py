"""Every test's runs are saved in a directory of its session, never in the repository's runs/
(servers the browser tests start inherit RNNVIZ_RUNS_DIR). The Ray tests' clusters authenticate
with one token of this session, set here before any test module imports ray (it reads the token
then, once per process)."""

import os

import pytest

from rnnviz.serving import stored_runs
from scripts.ray_cluster import auth_env

for _name, _value in auth_env().items():
    os.environ.setdefault(_name, _value)


@pytest.fixture(autouse=True, scope="session")
def runs_directory(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs")
    os.environ["RNNVIZ_RUNS_DIR"] = str(folder)
    stored_runs.RUNS_DIR = folder
    yield folder
