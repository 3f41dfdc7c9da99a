"""A class at once: N students in headless Chromium follow the shared lecture link while one run trains.

    python benchmarks/classroom.py [--students 5,10,20,30] [--replicas 1]

Starts its own server (with --replicas 2 or more: that many behind nginx with sticky sessions,
deploy/nginx.conf; needs Debian's nginx). The lecturer's tab starts a training run on the Train
page (until stopped). Then, for each N, N students open `/lecture?step=1` at once and each does:
→ → → through the lesson, the sidebar to Unroll & BPTT, ← ← on its player, the sidebar to Inside,
a click on a heatmap row. Each interaction is timed from the key or click to the page settled
(scripts/server.py). Printed per N: page-load and interaction p50/p95, server RSS with the class
idle in its tabs, memory per idle session, the server's CPU seconds per student (with the
lecturer's run in them, unless --no-training) and how busy the server was (100% = one core);
then the first N whose p95 passes 1 s. The students' Chromium runs on the same machine as the server, so on a small
machine the figures are pessimistic: a real class brings its own CPUs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from playwright.async_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402

from scripts.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from scripts.replicas import Replicas  # noqa: E402
from scripts.server import READY, SETTLED, WATCH, Server, cpu_seconds, rss_mb  # noqa: E402

PAGE_SIZE = {"width": 1280, "height": 800}


async def settle(page, act) -> float:
    """Async twin of scripts.server.settle_ms: ms from act() to the last change it caused."""
    await page.evaluate(WATCH)
    await page.evaluate("() => { window.__rnnvizStart = performance.now(); }")
    await act()
    await page.wait_for_function(SETTLED, arg=120_000, timeout=180_000, polling=100)  # every step changes the page
    return await page.evaluate("() => Math.max(window.__lastChange - (window.__rnnvizStart ?? 0), 0)")


async def student(browser, url: str, loads: list, touches: list):
    context = await browser.new_context(viewport=PAGE_SIZE)
    context.set_default_timeout(180_000)  # a crowded 2-core machine: slow, not broken
    page = await context.new_page()
    loads.append(await settle(page, lambda: page.goto(f"{url}/lecture?step=1")))
    await page.mouse.click(900, 100)  # focus the page, not a widget
    for k in range(3):
        touches.append((f"lesson step {k + 2}", await settle(page, lambda: page.keyboard.press("ArrowRight"))))
    nav = page.locator("[data-testid=stSidebarNav] a")
    touches.append(("to Unroll & BPTT", await settle(page, lambda: nav.filter(has_text="Unroll").first.click())))
    await page.mouse.click(900, 100)
    for _ in range(2):  # the player opens on the last step: back through the backward pass
        touches.append(("BPTT step", await settle(page, lambda: page.keyboard.press("ArrowLeft"))))
    touches.append(("to Inside", await settle(page, lambda: nav.filter(has_text="Inside").first.click())))
    heatmap = page.locator(".st-key-heatmap .js-plotly-plot")
    await heatmap.locator(".nsewdrag").first.wait_for(timeout=120_000)
    x, y = await heatmap.evaluate(
        """el => { const r = el.getBoundingClientRect(), L = el._fullLayout;
        return [r.left + L.xaxis._offset + L.xaxis.l2p(1.3), r.top + L.yaxis._offset + L.yaxis.l2p(5.2)]; }"""
    )
    await page.mouse.move(x, y)
    try:  # plotly picks the row on hover; a click before that is lost
        await heatmap.locator(".hoverlayer .hovertext").first.wait_for(timeout=30_000)
    except PlaywrightTimeout:
        pass
    touches.append(("Inside unit click", await settle(page, lambda: page.mouse.click(x, y))))
    return context


async def lecturer(browser, url: str):
    """The lecturer's tab: a run on the Train page that trains until the benchmark ends."""
    context = await browser.new_context(viewport=PAGE_SIZE)
    page = await context.new_page()
    await page.goto(f"{url}/train")
    await page.wait_for_selector(READY, timeout=120_000)
    field = page.locator(".st-key-train_steps input")
    await field.fill("0")  # until stopped
    await field.press("Enter")
    await page.wait_for_timeout(800)
    await page.get_by_role("button", name="▶ Start").click()
    await page.locator("[data-testid=stMetric]").filter(has_text="Step").first.wait_for(timeout=60_000)
    return context


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(round(q * (len(ordered) - 1))), len(ordered) - 1)]


async def one_class(browser, url: str, pids: list[int], students: int) -> dict:
    before_rss, before_cpu, before = rss_mb(pids), cpu_seconds(pids), time.monotonic()
    loads, touches = [], []
    contexts = await asyncio.gather(*(student(browser, url, loads, touches) for _ in range(students)))
    elapsed = time.monotonic() - before
    spent = cpu_seconds(pids) - before_cpu
    labels = dict.fromkeys(label for label, _ in touches)
    by_label = {label: statistics.median(ms for name, ms in touches if name == label) for label in labels}
    times = [ms for _, ms in touches]
    await asyncio.sleep(3)  # the class sits in its tabs
    idle_rss = rss_mb(pids)
    for context in contexts:
        await context.close()
    return {
        "load_p50": statistics.median(loads),
        "load_p95": percentile(loads, 0.95),
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "by_label": by_label,
        "rss": idle_rss,
        "per_session_mb": (idle_rss - before_rss) / students,
        "cpu_per_student": spent / students,
        "server_busy": spent / elapsed,
    }


async def main_async(counts: list[int], replicas: int, training: bool) -> None:
    farm = Replicas(replicas) if replicas > 1 else None
    server = None if farm else Server()
    try:
        if farm:
            farm.__enter__()
        url = farm.url if farm else server.url
        pids = [s.pid for s in farm.servers] if farm else [server.pid]
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            await (await student(browser, url, [], [])).close()  # warm: imports, caches
            teacher = await lecturer(browser, url) if training else None
            where = f"{replicas} replicas behind nginx" if farm else "one server"
            run = "one run training throughout" if training else "nothing training"
            print(f"{where}, {os.cpu_count()} CPUs, {run}; times in ms", flush=True)
            print(
                f"{'N':>3s} {'load p50':>9s} {'load p95':>9s} {'p50':>6s} {'p95':>6s} {'RSS MB':>7s} "
                f"{'MB/session':>10s} {'CPU s/student':>13s}"
            )
            passed = None
            for n in counts:
                started = time.time()
                row = await one_class(browser, url, pids, n)
                print(
                    f"{n:3d} {row['load_p50']:9.0f} {row['load_p95']:9.0f} {row['p50']:6.0f} {row['p95']:6.0f} "
                    f"{row['rss']:7.0f} {row['per_session_mb']:10.1f} {row['cpu_per_student']:13.2f}"
                    f" {100 * row['server_busy']:9.0f}%"
                    f"   ({time.time() - started:.0f} s)",
                    flush=True,
                )
                print("      medians: " + ", ".join(f"{k} {v:.0f}" for k, v in row["by_label"].items()), flush=True)
                if passed is None and row["p95"] > 1000:
                    passed = n
            if teacher:
                await teacher.close()
            await browser.close()
        print(
            f"interaction p95 passes 1 s at N = {passed}"
            if passed
            else f"interaction p95 stayed under 1 s up to N = {counts[-1]}"
        )
    finally:
        if farm:
            farm.__exit__()
        if server:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", default="5,10,20,30", help="comma-separated class sizes")
    parser.add_argument("--replicas", type=int, default=1, help="2 or more: behind nginx (deploy/nginx.conf)")
    parser.add_argument("--no-training", action="store_true", help="no lecturer's run in the background")
    args = parser.parse_args()
    counts = [int(n) for n in args.students.split(",")]
    if not all(1 <= n <= 200 for n in counts) or not 1 <= args.replicas <= 8:
        parser.error("students 1 to 200 each, replicas 1 to 8")
    asyncio.run(main_async(counts, args.replicas, not args.no_training))


if __name__ == "__main__":
    main()
