"""Do sessions that come and go leak threads or memory? 50 open → train → close cycles.

    python benchmarks/session_leak.py [--cycles 50]

Starts its own server with a 2 s grace for closed tabs' runs (the app's is 10 minutes) and a 5 s
TTL for disconnected sessions (Streamlit's default is 120 s). Each
cycle opens a new tab (a new session) on the Train page, starts a run, waits until it has trained
a few steps, and closes the tab without stopping it, as a student would. After a warm-up cycle
and after the last one (once the runs' grace has passed and Streamlit has dropped the sessions)
it prints the server's thread count and RSS. Target (issue 14): the thread count where it
started, RSS within 10%.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from scripts.chromium import launch  # noqa: E402
from scripts.server import READY, Server, open_page, rss_mb, threads  # noqa: E402

GRACE_S = 2
SESSION_TTL_S = 5  # Streamlit keeps a closed tab's session this long for a reconnect (default 120 s)


def cycle(browser, url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    open_page(page, f"{url}/train")
    field = page.locator(".st-key-train_steps input")
    field.fill("0")  # until stopped: only the tab's closing ends it
    field.press("Enter")
    page.wait_for_timeout(500)
    page.wait_for_selector(READY)
    page.get_by_role("button", name="▶ Start").click()
    page.locator("[data-testid=stMetric]").filter(has_text="Step").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    context.close()


def settled(pid: int, seconds: float) -> tuple[int, float]:
    """Threads and RSS once closed sessions and released runs have had `seconds` to go."""
    time.sleep(seconds)
    return threads(pid), rss_mb([pid])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=50)
    args = parser.parse_args()
    if not 1 <= args.cycles <= 1000:
        parser.error("cycles: 1 to 1000")
    server = Server(
        env={"RNNVIZ_RUN_GRACE_S": str(GRACE_S)}, args=("--server.disconnectedSessionTTL", str(SESSION_TTL_S))
    )
    try:
        with sync_playwright() as p:
            browser = launch(p)
            for _ in range(5):  # warm-up: imports, caches, the reaper thread, the server's thread pools
                cycle(browser, server.url)
            start_threads, start_rss = settled(server.pid, 4 * GRACE_S + 2 * SESSION_TTL_S)
            print(f"after warm-up: {start_threads} threads, RSS {start_rss:.0f} MB", flush=True)
            began = time.time()
            for k in range(args.cycles):
                cycle(browser, server.url)
                if (k + 1) % 10 == 0:
                    print(
                        f"  {k + 1} cycles: {threads(server.pid)} threads, RSS {rss_mb([server.pid]):.0f} MB",
                        flush=True,
                    )
            end_threads, end_rss = settled(server.pid, 4 * GRACE_S + 2 * SESSION_TTL_S)
            browser.close()
        print(
            f"after {args.cycles} open/train/close cycles ({time.time() - began:.0f} s): {end_threads} threads, "
            f"RSS {end_rss:.0f} MB"
        )
        print(
            f"threads {end_threads - start_threads:+d} (target 0); RSS {100 * (end_rss / start_rss - 1):+.1f}% "
            "(target within ±10%)"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
