"""Browser: every page's view is a link. On each page a student changes a few things by hand; the
address bar then opens the same view in a new browser (another context: no cookie, no session):
the same values in every box, menu, slider and switch (models and steps included)."""

import time

import pytest

from scripts.server import settle_ms
from tests.browser.conftest import assert_no_exception, open_page

pytestmark = pytest.mark.browser

# What is on screen, per widget (by its key's class): a number, a text, the shown choice, a slider's
# value, a switch. The sidebar's Share box and the players' pace are left out.
SNAPSHOT = """() => {
  const found = {};
  document.querySelectorAll('[class*="st-key-"]').forEach(el => {
    const key = Array.from(el.classList).find(c => c.startsWith('st-key-'));
    if (!key || el.closest('[data-testid=stExpander] .st-key-share')) return;
    const input = el.querySelector('input[type=number], input[type=text], textarea');
    const slider = el.querySelector('[role=slider]');
    const checked = el.querySelector('input:checked');
    if (input) found[key] = input.value;
    else if (slider) found[key] = slider.getAttribute('aria-valuenow');
    else if (checked) found[key] = (checked.closest('label') || checked).innerText || 'on';
  });
  const heading = document.querySelector('[data-testid=stMain] h1, [data-testid=stMain] h2');
  found.heading = heading ? heading.innerText : '';  // the Lecture's step is its title
  return found; }"""


def type_number(page, key: str, value) -> None:
    box = page.locator(f".st-key-{key} input").first
    settle_ms(page, lambda: (box.fill(str(value)), box.press("Enter")))


def pick(page, key: str, option: str) -> None:
    page.locator(f".st-key-{key} input").first.click()  # a combo box: its input opens the list
    settle_ms(page, lambda: page.get_by_role("option", name=option, exact=True).click())


def click_label(page, key: str, label: str) -> None:
    settle_ms(page, lambda: page.locator(f".st-key-{key}").get_by_text(label, exact=True).first.click())


def type_line(page, key: str, text: str) -> None:
    box = page.locator(f".st-key-{key} input").first
    settle_ms(page, lambda: (box.fill(text), box.press("Enter")))


def type_area(page, key: str, text: str) -> None:
    box = page.locator(f".st-key-{key} textarea").first
    settle_ms(page, lambda: (box.fill(text), box.press("Control+Enter")))


def same_view(page, expected: dict, seconds: float = 60.0) -> dict:
    """The page's view once it shows `expected` (a busy server may draw it piece by piece), or
    what it shows after `seconds`."""
    deadline = time.monotonic() + seconds
    shown = page.evaluate(SNAPSHOT)
    while shown != expected and time.monotonic() < deadline:
        page.wait_for_timeout(250)
        shown = page.evaluate(SNAPSHOT)
    return shown


RECORDED_LSTM = "Recorded adding_race_T50: LSTM"
PAGES = {  # page → what a student changes there
    "shapes": [lambda p: type_number(p, "hidden_size", 24), lambda p: type_number(p, "batch_size", 5)],
    "topologies": [lambda p: click_label(p, "show_edge_shapes", "Show tensor shapes on the arrows")],
    "batches": [lambda p: type_area(p, "sentences", "ab cd\nefg")],
    "packing": [lambda p: type_number(p, "packing_steps", 14), lambda p: type_number(p, "packing_seed", 3)],
    "bptt": [lambda p: type_number(p, "tbptt_k", 3)],
    "vanishing": [lambda p: pick(p, "grad_init", "orthogonal"), lambda p: type_number(p, "grad_seq_len", 80)],
    "scan": [lambda p: type_number(p, "scan_steps", 8), lambda p: click_label(p, "scan_kind", "minLSTM")],
    "train": [lambda p: type_number(p, "train_hidden", 24), lambda p: pick(p, "train_task", "Running parity")],
    "race": [lambda p: type_number(p, "race_hidden", 24), lambda p: type_number(p, "race_lr_rnn", 0.002)],
    "inside": [lambda p: pick(p, "inside_source", RECORDED_LSTM), lambda p: type_number(p, "inside_seed", 3)],
    "trajectory": [lambda p: pick(p, "trajectory_run", "adding_race_T50")],
    "generate": [lambda p: type_line(p, "generate_prime", "have")],
    "decoder": [lambda p: pick(p, "decoder_attention", "general"), lambda p: type_number(p, "decoder_example", 5)],
    "compare": [lambda p: pick(p, "compare_right_source", "Recorded adding_race_T50: GRU")],
    "lecture": [lambda p: settle_ms(p, lambda: p.get_by_role("button", name="Next ▶").click())],
}


@pytest.mark.parametrize("name", list(PAGES))
def test_a_view_set_by_hand_opens_the_same_in_another_browser(server, browser, name):
    first = browser.new_context(viewport={"width": 1280, "height": 1600}).new_page()
    second = browser.new_context(viewport={"width": 1280, "height": 1600}).new_page()
    try:
        open_page(first, f"{server.url}/{name}")
        default = first.evaluate(SNAPSHOT)
        for change in PAGES[name]:
            change(first)
        mine = first.evaluate(SNAPSHOT)
        assert mine != default, "the changes did not change the view"
        open_page(second, first.url)
        theirs = same_view(second, mine)
        differ = {k: (mine.get(k), theirs.get(k)) for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k)}
        assert not differ, f"{first.url}: {differ}"
        assert_no_exception(second)
    finally:
        first.context.close()
        second.context.close()
