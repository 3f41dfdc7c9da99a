"""Browser: the bundled adding race replays on a cold server with no training, the scrubber moves
it; an exported animation plays from disk with no server (record and replay)."""

import pathlib
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import READY, assert_no_exception, open_page
from tests.browser.test_training_browser import step_count

pytestmark = pytest.mark.browser
ROOT = pathlib.Path(__file__).resolve().parents[2]

LINES = """() => { const el = Array.from(document.querySelectorAll('.st-key-loss_chart .js-plotly-plot')).pop();
    return el && el._fullData ? el._fullData.filter(t => (t.name || '').endsWith('training loss')).length : 0; }"""


def test_the_recorded_adding_race_appears_at_once_and_scrubs(fresh_server, page):
    open_page(page, f"{fresh_server.url}/race")  # the server's very first request: nothing trained yet
    start = time.perf_counter()
    page.locator(".st-key-race_mode").get_by_text("Replay a recorded run").click()
    page.wait_for_function(f"() => ({LINES})() === 3", timeout=30_000)
    seconds = time.perf_counter() - start
    print(f"three training curves {seconds:.2f} s after choosing the recorded race on a cold server")
    # no timing threshold here (a busy machine is slower): benchmarks/run_files.py gives the figure
    page.wait_for_selector(READY)
    assert_no_exception(page)
    expect(page.get_by_text("The budget of 1500 steps")).to_be_visible()
    assert page.get_by_role("button", name="Pause").count() == 0  # no run controls: nothing trains
    assert page.get_by_role("button", name="▶ Start").count() == 0
    assert step_count(page) == 1500
    page.get_by_role("heading", name="Race").click()  # focus off the controls, so keys go to the player
    page.keyboard.press("ArrowLeft")  # ◀: one recorded step back
    expect(page.get_by_text("Step 30 of 31")).to_be_visible()
    page.wait_for_function("() => document.body.innerText.includes('step 1450 of 1500')")
    assert step_count(page) == 1450
    page.wait_for_selector(READY)
    slider = page.locator(".st-key-race_replay_player_step input[type=range]").first
    slider.focus()
    page.keyboard.press("Home")  # the scrubber to the first recorded step
    expect(page.get_by_text("Step 1 of 31")).to_be_visible()
    assert "step=0" in page.url and "replay=adding_race_T50" in page.url
    open_page(page, page.url)  # the link opens the same run at the same step
    expect(page.get_by_text("Step 1 of 31")).to_be_visible()


def test_an_exported_animation_plays_from_disk_with_no_server(server, page, browser, tmp_path):
    open_page(page, f"{server.url}/bptt")
    with page.expect_download() as download:
        page.get_by_role("button", name="Animation (HTML").click()
    path = tmp_path / "bptt.html"
    download.value.save_as(path)
    offline = browser.new_context(offline=True)  # no network at all: plotly.js must be inside the file
    try:
        local = offline.new_page()
        local.goto(path.as_uri())
        local.wait_for_selector(".js-plotly-plot .main-svg")
        active = "() => document.querySelector('.js-plotly-plot')._fullLayout.sliders[0].active"
        assert local.evaluate(active) == 0
        local.get_by_text("▶ Play").click()
        local.wait_for_function(f"() => ({active})() >= 3", timeout=10_000)  # frames advance
    finally:
        offline.close()


def test_a_damaged_run_file_is_refused_in_the_page_and_the_replay_stays(server, page, tmp_path):
    open_page(page, f"{server.url}/race?replay=adding_race_T50")
    page.wait_for_function(f"() => ({LINES})() === 3", timeout=30_000)
    damaged = tmp_path / "damaged.rnnrun"
    damaged.write_bytes((ROOT / "rnnviz" / "demo_runs" / "adding_race_T50.rnnrun").read_bytes()[:5000])  # truncated
    page.locator(".st-key-race_replay_upload input[type=file]").set_input_files(str(damaged))
    expect(page.get_by_text("'damaged.rnnrun' was not opened")).to_be_visible(timeout=20_000)
    page.wait_for_selector(READY)
    assert_no_exception(page)
    assert page.evaluate(LINES) == 3  # the run on screen is still there


def test_a_downloaded_checkpoint_opens_on_inside(server, page, tmp_path):
    from rnnviz.files.export import checkpoint_bytes
    from rnnviz.files.runs import load_run

    task, model, step = load_run(ROOT / "rnnviz" / "demo_runs" / "char_rnn.rnnrun").model_copy("LSTM")
    path = tmp_path / "lstm.safetensors"
    path.write_bytes(checkpoint_bytes(model.state_dict(), model.spec, task=task.name, vocabulary=task.vocabulary))
    open_page(page, f"{server.url}/inside")
    page.get_by_text("Open a checkpoint or a run file").click()
    page.locator(".st-key-inside_file input[type=file]").set_input_files(str(path))
    expect(page.get_by_text("Model: LSTM · hidden 64")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("task 'Next character'")).to_be_visible()
    page.wait_for_selector(READY)
    assert_no_exception(page)
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all")
    page.locator(".st-key-inside_file input[type=file]").set_input_files(str(bad))
    expect(page.get_by_text("'bad.safetensors' was not opened")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("Model: LSTM · hidden 64")).to_be_visible()  # the model chosen before stays


def test_a_csv_becomes_the_forecaster_and_a_bad_one_is_refused(server, page, tmp_path):
    open_page(page, f"{server.url}/train?task=sine")
    good = tmp_path / "sales.csv"
    good.write_text("day;sales\n" + "".join(f"{i};{100 + 10 * (i % 7)}\n" for i in range(200)))
    page.locator(".st-key-train_csv input[type=file]").set_input_files(str(good))
    expect(page.get_by_text("Data: column 'sales', 200 values")).to_be_visible(timeout=20_000)
    bad = tmp_path / "photo.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 40)
    page.locator(".st-key-train_csv input[type=file]").set_input_files(str(bad))
    expect(page.get_by_text("'photo.csv' was not used")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("Data: column 'sales', 200 values")).to_be_visible()  # the good series stays
    page.wait_for_selector(READY)
    assert_no_exception(page)


def test_an_exported_animation_keeps_the_pace_and_the_projector_style(server, browser, tmp_path):
    page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    try:
        open_page(page, f"{server.url}/bptt?present=1&speed=1.5")  # 1.5 s a step, presentation mode
        with page.expect_download() as download:
            page.get_by_role("button", name="Animation (HTML").click()
        path = tmp_path / "bptt.html"
        download.value.save_as(path)
        page.goto(path.as_uri())
        page.wait_for_selector(".js-plotly-plot .main-svg")
        layout = "document.querySelector('.js-plotly-plot')._fullLayout"
        pace = page.evaluate(f"() => {layout}.updatemenus[0].buttons[0].args[1].frame.duration")
        assert pace == 1500  # the page's pace, not 30 ms a frame
        sizes = page.evaluate(
            """() => [...document.querySelectorAll('.js-plotly-plot .main-svg text')]
              .filter(t => t.textContent.trim() && t.getBBox().width > 0)
              .map(t => parseFloat(getComputedStyle(t).fontSize))"""
        )
        assert sizes and min(sizes) >= 18, sorted(sizes)[:5]  # the projector's style, as on the page
        assert page.evaluate("() => document.querySelector('.js-plotly-plot').data[2].text")[:2] == ["h_0", "h_1"]
    finally:
        page.context.close()
