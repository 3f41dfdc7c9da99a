"""Screenshot app pages with Debian's Chromium: python scripts/screenshot.py URL OUT.png [URL OUT.png ...].

Waits for the script to finish running, then for charts to settle. Used for the README images.
"""

import sys

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main(pairs: list[str]) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        for url, out in zip(pairs[::2], pairs[1::2]):
            page.goto(url)
            page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=60_000)
            page.wait_for_timeout(2500)
            page.screenshot(path=out, full_page="--full" in sys.argv)
        browser.close()


if __name__ == "__main__":
    main([a for a in sys.argv[1:] if a != "--full"])
