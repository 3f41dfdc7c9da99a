"""Screenshot every page as a user sees it, at a laptop's and a projector's size, with a trained
model for the pages that inspect one. From the repository root:

    python -m scripts.tour [OUT_DIR] [--sizes 1280x800,1920x1080]

Starts its own server, trains a small character model and a short race in one browser session
(so the inspecting pages have something to show), then saves OUT_DIR/<page>-<width>.png.
"""

from __future__ import annotations

import pathlib
import sys

from playwright.sync_api import sync_playwright

from scripts.chromium import launch
from scripts.server import READY, Server, open_page
from ui.pages import PAGES


def _go(page, title: str) -> None:
    """Navigate inside the session (a new URL would start a new session and lose the runs)."""
    page.locator("[data-testid=stSidebarNav] a").filter(has_text=title).first.click()
    page.wait_for_timeout(400)
    page.wait_for_selector(READY, timeout=90_000)
    page.wait_for_timeout(1500)


def _set(page, key: str, value: str) -> None:
    field = page.locator(f".st-key-{key} input")
    field.fill(value)
    field.press("Enter")
    page.wait_for_timeout(400)
    page.wait_for_selector(READY, timeout=90_000)


def _train(page, title: str, task: str | None, budget: str, prefix: str) -> None:
    _go(page, title)
    if task:
        page.locator(f".st-key-{prefix}task input").click()
        page.get_by_text(task, exact=True).last.click()
        page.wait_for_timeout(600)
        page.wait_for_selector(READY, timeout=90_000)
        page.wait_for_timeout(600)
    _set(page, f"{prefix}steps", budget)
    start = page.get_by_role("button", name="▶ Start")
    if start.is_disabled():
        page.screenshot(path="/tmp/tour-failed.png", full_page=True)
        raise RuntimeError(f"▶ Start is disabled on {title}: see /tmp/tour-failed.png")
    start.click()
    page.get_by_text("Finished.").wait_for(timeout=180_000)
    page.wait_for_timeout(2500)


def _capture(page, path: pathlib.Path) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the window to fit it."""
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll('[data-testid=stMain], section.main, "
        "[data-testid=stAppViewContainer]')).map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height) + 40, 6000))})
    page.wait_for_timeout(1200)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


def main(out: pathlib.Path, sizes: list[tuple[int, int]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    server = Server()
    try:
        with sync_playwright() as p:
            browser = launch(p)
            for width, height in sizes:
                page = browser.new_context(viewport={"width": width, "height": height}).new_page()
                open_page(page, server.url)
                _train(page, "Train", "Next character", "400", "train_")
                _capture(page, out / f"train-{width}.png")
                _train(page, "Race RNN · GRU · LSTM", None, "300", "race_")
                _capture(page, out / f"race-{width}.png")
                for info in PAGES:
                    if info.file in ("train", "race"):
                        continue
                    _go(page, info.title)
                    _capture(page, out / f"{info.file}-{width}.png")
                page.context.close()
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    sizes = "1280x800,1920x1080"
    if "--sizes" in sys.argv:
        sizes = sys.argv[sys.argv.index("--sizes") + 1]
        args = [a for a in args if a != sizes]
    main(
        pathlib.Path(args[0] if args else "screenshots/tmp"),
        [tuple(int(n) for n in s.split("x")) for s in sizes.split(",")],
    )
