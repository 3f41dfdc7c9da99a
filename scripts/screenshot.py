"""Screenshot app pages with Debian's Chromium, for the README images. From the repository root:

    python -m scripts.screenshot URL OUT.png [URL OUT.png ...] [--full]

Waits for the script to finish running, then for charts to settle.
"""

import sys

from playwright.sync_api import sync_playwright

from scripts.chromium import launch


def main(pairs: list[str]) -> None:
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        for url, out in zip(pairs[::2], pairs[1::2]):
            page.goto(url)
            page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=60_000)
            page.wait_for_timeout(2500)
            page.screenshot(path=out, full_page="--full" in sys.argv)
        browser.close()


if __name__ == "__main__":
    main([a for a in sys.argv[1:] if a != "--full"])
