"""Browser: with RNNVIZ_RAY_ADDRESS set, Train's run trains on the Ray cluster (a real one, on
loopback), not in the web server: Start, the steps and the probe's figure arrive, Stop, and the
server never starts a worker process of its own. (Pause and exactly one step through Ray are
tested without a browser, in tests/unit/test_ray_jobs.py.)"""

import subprocess

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import GRACE, Server, assert_no_exception, open_page
from tests.browser.test_restart_browser import step_shown, wait_until

pytestmark = pytest.mark.browser
pytest.importorskip("ray")

from scripts.ray_cluster import RayCluster  # noqa: E402


def descendants(pid: int) -> list[str]:
    """The command lines of every process below `pid`."""
    found, parents = [], [pid]
    while parents:
        children = subprocess.run(["pgrep", "-P", str(parents.pop())], capture_output=True, text=True).stdout.split()
        for child in children:
            found.append(open(f"/proc/{child}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace"))
            parents.append(int(child))
    return found


def test_train_runs_on_the_ray_cluster(browser, runs_directory):
    with RayCluster() as cluster:
        server = Server(env={**GRACE, "RNNVIZ_RAY_ADDRESS": cluster.address, **cluster.env})
        page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        try:
            open_page(page, f"{server.url}/train?task=adding&steps=0")
            page.get_by_role("button", name="▶ Start").click()
            wait_until(lambda: step_shown(page) > 20, seconds=120)
            expect(page.get_by_text("The latest probe, from step")).to_be_visible()
            page.get_by_role("button", name="Stop", exact=True).click()
            expect(page.get_by_text("stopped", exact=False).first).to_be_visible(timeout=30_000)
            assert not [c for c in descendants(server.pid) if "forkserver" in c or "rnnviz-run" in c]
            assert_no_exception(page)
        finally:
            page.context.close()
            server.stop()
