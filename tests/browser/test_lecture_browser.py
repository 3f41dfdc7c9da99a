"""Browser: a lecture step's link opens that step; its revealed answer is the value rnnviz
computes for the same recording; ← and → move through the lesson (lecture-mode issue, item 5)."""

import re

import pytest
from playwright.sync_api import expect

from rnnviz.lessons.lesson import default_lesson
from scripts.server import settle_ms
from tests.browser.conftest import READY, assert_no_exception, open_page

pytestmark = pytest.mark.browser
LESSON = default_lesson().steps


@pytest.mark.parametrize("number", [4, 6])  # BPTT's smallest gradient; the recorded race's winner
def test_a_step_link_opens_that_step_and_reveals_the_computed_answer(server, page, number):
    open_page(page, f"{server.url}/lecture?step={number}")
    assert_no_exception(page)
    step = LESSON[number - 1]
    expect(page.get_by_role("heading", name=step.title)).to_be_visible()
    expect(page.get_by_text(step.question)).to_be_visible()
    page.get_by_role("button", name="Reveal the answer").click()
    found = step.computed()  # the same library, the same seeds, in this process
    answer, how = str(found.value), found.how
    success = page.locator("[data-testid=stAlertContentSuccess] [data-testid=stMarkdownContainer]")
    expect(success).to_have_text(answer, timeout=60_000)
    expect(page.get_by_text(how[:40].strip())).to_be_visible(timeout=15_000)  # how it was computed
    assert_no_exception(page)


def test_arrow_keys_move_through_the_lesson_and_the_link_follows(server, page):
    open_page(page, f"{server.url}/lecture?step=2")
    settle_ms(page, lambda: None)  # drawn and quiet: on a busy machine a key pressed earlier could be lost
    page.mouse.click(900, 120)
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("heading", name=LESSON[2].title)).to_be_visible(timeout=20_000)
    page.wait_for_url(re.compile(r"step=3"), timeout=20_000)
    page.wait_for_selector(READY)
    for number in (2, 1):
        page.keyboard.press("ArrowLeft")
        expect(page.get_by_role("heading", name=LESSON[number - 1].title)).to_be_visible(timeout=20_000)
        page.wait_for_selector(READY)
    expect(page.get_by_role("button", name=re.compile("Previous"))).to_be_disabled(timeout=15_000)  # the first step


def test_a_prediction_is_scored_when_the_answer_is_revealed_and_then_kept(server, page):
    open_page(page, f"{server.url}/lecture?step=5")  # vanishing gradients: RNN, GRU or LSTM
    page.get_by_test_id("stButtonGroup").get_by_role("radio", name="RNN", exact=True).click()
    page.wait_for_selector(READY)
    page.get_by_role("button", name="Reveal the answer").click()
    expect(page.get_by_text("You predicted RNN: not this time.")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stButtonGroup").get_by_role("radio", name="GRU", exact=True)).to_be_disabled()
    expect(page.get_by_text("40 steps back the LSTM keeps the", exact=True)).to_be_visible()  # in the figure (wrapped)
    assert_no_exception(page)


STATE_NODE = """(k) => { const gd = document.querySelector('.js-plotly-plot');
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
  const states = gd.data.find(d => d.x && d.x.length >= 8 && d.mode && d.mode.includes('markers'));
  return [box.left + xa._offset + xa.l2p(states.x[k]), box.top + ya._offset + ya.l2p(states.y[k])]; }"""


def test_a_click_on_the_figure_is_a_prediction(server, page):
    number = next(k for k, s in enumerate(LESSON, start=1) if s.answer == "smallest_gradient_step")
    open_page(page, f"{server.url}/lecture?step={number}")
    page.wait_for_selector(".js-plotly-plot .main-svg")
    x, y = page.evaluate(STATE_NODE, 3)  # the node of step 3
    page.mouse.click(x, y)
    box = page.get_by_label(re.compile("Your prediction"))
    expect(box).to_have_value("3", timeout=20_000)
    page.wait_for_selector(READY)
    page.get_by_role("button", name="Reveal the answer").click()
    answer = LESSON[number - 1].computed().value
    said = "Your prediction was right." if answer == 3 else "You predicted 3: not this time."
    expect(page.get_by_text(said)).to_be_visible(timeout=30_000)
    assert_no_exception(page)
