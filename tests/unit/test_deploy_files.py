"""deploy/ as a real cluster and a real `docker build` need it (issue 27): an image a cluster can
pull, a cookie secret every replica must have, no root, and a build context without .git or a
local virtual environment."""

import fnmatch
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")  # PyYAML comes with Ray, in the dev extra

ROOT = Path(__file__).resolve().parents[2]


def app_deployment() -> dict:
    documents = list(yaml.safe_load_all((ROOT / "deploy" / "kubernetes.yaml").read_text()))
    return next(d for d in documents if d and d["kind"] == "Deployment")


def test_the_image_is_pullable_and_versioned():
    (container,) = app_deployment()["spec"]["template"]["spec"]["containers"]
    registry, _, tag = container["image"].rpartition(":")
    assert "/" in registry and "." in registry.split("/")[0]  # a registry host, not a local name
    assert tag not in ("", "latest")


def test_every_replica_must_have_the_cookie_secret():
    (container,) = app_deployment()["spec"]["template"]["spec"]["containers"]
    secret = next(e for e in container["env"] if e["name"] == "STREAMLIT_SERVER_COOKIE_SECRET")
    assert not secret["valueFrom"]["secretKeyRef"].get("optional", False)
    assert "kubectl create secret generic rnn-explorer" in (ROOT / "deploy" / "kubernetes.yaml").read_text()


def test_nothing_runs_as_root_or_escalates():
    pod = app_deployment()["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    (container,) = pod["containers"]
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert "--uid 1000" in (ROOT / "deploy" / "Dockerfile").read_text()  # the user the pod asks for


def ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule, as far as this file uses it: the last matching pattern wins; ! re-includes."""
    verdict = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        bare = pattern.lstrip("!")
        if fnmatch.fnmatch(path, bare) or fnmatch.fnmatch(path, bare.replace("**/", "")) or path.startswith(bare + "/"):
            verdict = not negated
    return verdict


def test_the_build_context_leaves_out_history_and_environments():
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for path in (".git/HEAD", ".venv/bin/python", "rnnviz/__pycache__/x.pyc", "runs/a.rnnrun", "x.rnnrun"):
        assert ignored(path, patterns), path
    for path in ("app.py", "pyproject.toml", "rnnviz/demo_runs/char_rnn.rnnrun", "app_pages/home.py", "ui/steady.py"):
        assert not ignored(path, patterns), path
