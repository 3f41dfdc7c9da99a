"""Browser: two replicas behind Debian's nginx (deploy/nginx.conf). Each student's session, its
training run, its upload and its reconnection stay on one replica; different students can land on
different replicas."""

import collections
import re

import pytest
from playwright.sync_api import expect

from rnnviz.files.export import checkpoint_bytes
from rnnviz.files.runs import load_run
from scripts.replicas import Replicas, routes
from scripts.server import ROOT
from tests.browser.conftest import GRACE, READY, assert_no_exception
from tests.browser.test_training_browser import start_small_run, wait_for_more_steps

pytestmark = pytest.mark.browser

NOT_HERE = re.compile("not training on this server any more|was ever saved")  # no live run for the link


@pytest.fixture(scope="module")
def replicas():
    with Replicas(2, env=GRACE) as running:
        yield running


def route_cookie(page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "rnnviz_route")


def one_student(page, url: str, checkpoint) -> str:
    """Train, upload a checkpoint on Inside (same session), reload the run's link (a new session,
    a reconnection); returns the run's id. Every step fails if a request reached the other replica:
    an upload to a replica without the session is refused, a run id unknown there opens no live run (NOT_HERE)."""
    start_small_run(page, f"{url}/train")
    page.wait_for_url(re.compile(r"run=[0-9a-f]{16}"), timeout=30_000)
    run_id = re.search(r"run=([0-9a-f]{16})", page.url).group(1)
    before = wait_for_more_steps(page, 2)

    page.locator("[data-testid=stSidebarNav] a").filter(has_text="Inside").first.click()
    page.wait_for_url(re.compile(r"/inside"), timeout=30_000)
    page.get_by_text("Open a checkpoint or a run file").click()
    page.locator(".st-key-inside_file input[type=file]").set_input_files(str(checkpoint))
    expect(page.get_by_text("task 'Next character'")).to_be_visible(timeout=20_000)  # the upload arrived

    page.goto(f"{url}/train?run={run_id}")
    page.wait_for_selector(READY, timeout=60_000)
    page.locator("[data-testid=stMetric]").filter(has_text="Step").first.wait_for(timeout=30_000)
    assert page.get_by_text(NOT_HERE).count() == 0
    wait_for_more_steps(page, before)  # the same run, still training, found again
    page.get_by_role("button", name="Stop", exact=True).click()
    page.get_by_text("Stopped.").wait_for(timeout=20_000)
    assert_no_exception(page)
    return run_id


def test_each_session_stays_on_its_replica(replicas, browser, tmp_path):
    task, model, _ = load_run(ROOT / "rnnviz" / "demo_runs" / "char_rnn.rnnrun").model_copy("LSTM")
    checkpoint = tmp_path / "lstm.safetensors"
    checkpoint.write_bytes(checkpoint_bytes(model.state_dict(), model.spec, task=task.name, vocabulary=task.vocabulary))
    # a student on each replica (its route cookie names it), and one with no cookie yet
    students = {}
    for route in ("r1", "r2", None):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        if route:
            context.add_cookies([{"name": "rnnviz_route", "value": route, "url": replicas.url}])
        page = context.new_page()
        one_student(page, replicas.url, checkpoint)
        students[route_cookie(page)] = page
        assert route is None or route_cookie(page) == route  # a route that names a replica is kept
        context.close()

    served = routes(replicas.access_log)
    for route in students:
        assert len(served[route]) == 1, f"{route} reached {sorted(served[route])}"  # one replica only
        paths = next(iter(served[route].values()))
        assert any(p.startswith("/_stcore/stream") for p in paths)  # its websockets (two sessions)
        assert any(p.startswith("/_stcore/upload_file") for p in paths)  # and its upload
    assert set(served["r1"]) != set(served["r2"])  # the class is spread over both replicas


def test_new_sessions_are_dealt_out_evenly_and_a_forged_route_reaches_no_other_port(replicas):
    dealt = collections.Counter(replicas.replica_of(None) for _ in range(60))  # 60 students, no cookie yet
    assert len(dealt) == 2 and all(24 <= n <= 36 for n in dealt.values()), dealt  # within 20% of 30 each
    for replica, route in dealt:
        assert replicas.replica_of(route) == (replica, route)  # the cookie it was given brings it back
    ports = {server.port for server in replicas.servers}
    for forged in ("127.0.0.1:22", "r9", "../", "r1 r2"):
        replica, route = replicas.replica_of(forged)
        assert int(replica.rsplit(":", 1)[1]) in ports and route in ("r1", "r2")  # dealt a real one instead
