"""A class at once: N students follow the shared lecture link, with or without the lecturer's run.

    python benchmarks/classroom.py [--students 10,30,60,100] [--replicas 1,2] [--training both]
                                   [--clients ws|browser]
    python benchmarks/classroom.py --reveal [--students 60] [--replicas 1,2]

Starts its own server (with --replicas 2 or more: that many behind nginx with sticky sessions,
deploy/nginx.conf; needs Debian's nginx). With the run, the lecturer's tab starts a training run
on the Train page (until stopped) and keeps its live panel open. Then, for each N, N students open
`/lecture?step=1` at once and each does: → → → through the lesson, the sidebar to Unroll & BPTT,
← ← on its player, the sidebar to Inside, a click on a heatmap row.

--clients ws (the default) measures the server, not the students' browsers: Chromium walks the
path once while its websocket messages are recorded, then N light clients replay them
(scripts/ws_client.py: the page's HTML and assets, the websocket, one rerun message per action,
2-5 s of thinking between actions, timer fragments rerun as a browser does). Each action is timed
from its message to the script's finish, and the elements each student received per action are
printed beside Chromium's: the replay is valid when they are the same. --clients browser runs N
headless Chromium tabs instead, each interaction timed to the page settled; on a small machine
their rendering competes with the server.

Printed per N: page-load and interaction p50/p95 (and per action), server RSS with the class idle,
memory per idle session, the server's CPU seconds per student and how busy it was (100% = one
core); then the first N whose interaction p95 passes 1 s.

--reveal: a class in progress. The lecturer (Chromium) starts a class on the Lecture page; N
students (browser-less, Chromium's messages for "open the join link, pick an answer, Send" replayed)
join and answer; the lecturer presses Reveal to the class. Printed: the time from that click to
the answer on each student's screen (the first message that carries it), p50/p95/max, and how many
answered as the lecturer's screen counted them. With replicas the class lives in a Redis server
the benchmark starts (Debian's redis-server).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pathlib
import random
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from playwright.async_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402

from scripts.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from scripts.replicas import Replicas  # noqa: E402
from scripts.server import READY, SETTLED, WATCH, Server, cpu_seconds, rss_mb  # noqa: E402
from scripts.ws_client import Client, record  # noqa: E402

PAGE_SIZE = {"width": 1280, "height": 800}
ENV = {"RNNVIZ_RUN_GRACE_S": "5"}  # the recording's own run stops soon after its tab closes


async def settle(page, act) -> float:
    """Async twin of scripts.server.settle_ms: ms from act() to the last change it caused."""
    await page.evaluate(WATCH)
    await page.evaluate("() => { window.__rnnvizStart = performance.now(); }")
    await act()
    await page.wait_for_function(SETTLED, arg=120_000, timeout=180_000, polling=100)  # every step changes the page
    return await page.evaluate("() => Math.max(window.__lastChange - (window.__rnnvizStart ?? 0), 0)")


LECTURE_PATH = [
    "page load",
    "lesson step 2",
    "lesson step 3",
    "lesson step 4",
    "to Unroll & BPTT",
    "BPTT step",
    "BPTT step",
    "to Inside",
    "Inside unit click",
]


async def lecture_path(page, url: str, loads: list, touches: list) -> None:
    """One student's path, each interaction timed to the page settled: /lecture?step=1, → → →
    through the lesson, the sidebar to Unroll & BPTT, ← ← on its player, the sidebar to Inside,
    a click on a heatmap row (LECTURE_PATH names them)."""
    loads.append(await settle(page, lambda: page.goto(f"{url}/lecture?step=1")))
    await page.mouse.click(900, 100)  # focus the page, not a widget
    for label in LECTURE_PATH[1:4]:
        touches.append((label, await settle(page, lambda: page.keyboard.press("ArrowRight"))))
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


async def student(browser, url: str, loads: list, touches: list):
    context = await browser.new_context(viewport=PAGE_SIZE)
    context.set_default_timeout(180_000)  # a crowded 2-core machine: slow, not broken
    await lecture_path(await context.new_page(), url, loads, touches)
    return context


async def ws_student(url: str, actions: list, think, loads: list, touches: list, elements: list):
    """The same path without a browser (scripts/ws_client.py): Chromium's recorded messages, with
    2-5 s of thinking between actions."""
    client = Client(url)
    started = time.perf_counter()
    await client.open(actions[0])
    ms, count = await client.act(actions[0], fetch=False)
    loads.append((time.perf_counter() - started) * 1000)
    received = [count]
    for action in actions[1:]:
        await asyncio.sleep(think())
        ms, count = await client.act(action)
        touches.append((action.label, ms))
        received.append(count)
    elements.append(received)
    return client


async def lecturer_path(page, url: str) -> None:
    """The lecturer's tab: ▶ Start on Train, a run until stopped (LECTURER_PATH names the two)."""
    await page.goto(f"{url}/train?steps=0")
    await page.wait_for_selector(READY, timeout=120_000)
    await page.get_by_role("button", name="▶ Start").click()
    await page.locator("[data-testid=stMetric]").filter(has_text="Step").first.wait_for(timeout=60_000)


LECTURER_PATH = ["page load", "Start"]


async def lecturer(browser, url: str):
    context = await browser.new_context(viewport=PAGE_SIZE)
    await lecturer_path(await context.new_page(), url)
    return context


async def ws_lecturer(url: str, actions: list) -> Client:
    """The lecturer's tab without a browser; its live panel reruns on its timer as in a browser."""
    client = Client(url)
    await client.open(actions[0])
    for k, action in enumerate(actions):
        await client.act(action, fetch=k > 0)
    return client


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(round(q * (len(ordered) - 1))), len(ordered) - 1)]


async def one_class(make_student, pids: list[int], students: int) -> dict:
    """N students at once; what they measured and what the server spent."""
    before_rss, before_cpu, before = rss_mb(pids), cpu_seconds(pids), time.monotonic()
    loads, touches, elements = [], [], []
    clients = await asyncio.gather(*(make_student(loads, touches, elements) for _ in range(students)))
    elapsed = time.monotonic() - before
    spent = cpu_seconds(pids) - before_cpu
    labels = dict.fromkeys(label for label, _ in touches)
    times = [ms for _, ms in touches]
    await asyncio.sleep(3)  # the class sits in its tabs
    idle_rss = rss_mb(pids)
    for client in clients:
        await client.close()
    return {
        "load_p50": statistics.median(loads),
        "load_p95": percentile(loads, 0.95),
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "by_label": {
            label: (statistics.median(t := [ms for name, ms in touches if name == label]), percentile(t, 0.95))
            for label in labels
        },
        "elements": elements,
        "rss": idle_rss,
        "per_session_mb": (idle_rss - before_rss) / students,
        "cpu_per_student": spent / students,
        "server_busy": spent / elapsed,
    }


async def files_cpu(url: str, pids: list[int], actions: list, students: int = 5) -> float:
    """The server's CPU seconds per student for the files of the path alone (the page, its
    scripts, styles and chunks), fetched for a few students one after the other."""
    before = cpu_seconds(pids)
    for _ in range(students):
        await Client(url).fetch([path for action in actions for path in action.requests])
    return (cpu_seconds(pids) - before) / students


def validate(actions: list, elements: list[list[int]]) -> str:
    """Chromium's elements per action beside every replaying student's: a line."""
    shown = []
    for k, action in enumerate(actions):
        replayed = sorted({received[k] for received in elements})
        shown.append(f"{action.label} {action.elements}/{','.join(map(str, replayed))}")
    same = all({received[k] for received in elements} == {a.elements} for k, a in enumerate(actions))
    verdict = "the same for every student" if same else "DIFFERENT"
    return f"elements per action, Chromium/replay: {', '.join(shown)}: {verdict}"


async def one_setup(browser, url: str, pids: list[int], counts: list[int], training: bool, clients: str, rng):
    """Every class size with one server (or one set of replicas), with or without the run."""
    if clients == "ws":
        actions = await record(browser, lambda page: lecture_path(page, url, [], []), url, LECTURE_PATH)
        teaching = await record(browser, lambda page: lecturer_path(page, url), url, LECTURER_PATH)

        def make_student(loads, touches, elements):
            return ws_student(url, actions, lambda: rng.uniform(2, 5), loads, touches, elements)

        teacher = await ws_lecturer(url, teaching) if training else None
    else:
        actions = None
        await (await student(browser, url, [], [])).close()  # warm: imports, caches

        def make_student(loads, touches, elements):
            return student(browser, url, loads, touches)

        teacher = await lecturer(browser, url) if training else None
    if actions is not None:
        files = await files_cpu(url, pids, actions)
        print(f"  the files a browser fetches for the path (page, scripts, styles, chunks) cost {files:.2f} s of CPU")
    print(
        f"  {'N':>3s} {'load p50':>9s} {'load p95':>9s} {'p50':>6s} {'p95':>6s} {'RSS MB':>7s} "
        f"{'MB/session':>10s} {'CPU s/student':>13s} {'busy':>5s}"
    )
    passed = None
    for n in counts:
        started = time.time()
        row = await one_class(make_student, pids, n)
        print(
            f"  {n:3d} {row['load_p50']:9.0f} {row['load_p95']:9.0f} {row['p50']:6.0f} {row['p95']:6.0f} "
            f"{row['rss']:7.0f} {row['per_session_mb']:10.1f} {row['cpu_per_student']:13.2f}"
            f" {100 * row['server_busy']:4.0f}%   ({time.time() - started:.0f} s)",
            flush=True,
        )
        print("      p50/p95: " + ", ".join(f"{k} {a:.0f}/{b:.0f}" for k, (a, b) in row["by_label"].items()))
        if actions is not None:
            print("      " + validate(actions, row["elements"]), flush=True)
        if passed is None and row["p95"] > 1000:
            passed = n
    if teacher:
        await teacher.close()
    print(
        f"  interaction p95 passes 1 s at N = {passed}"
        if passed
        else f"  interaction p95 stayed under 1 s up to N = {counts[-1]}",
        flush=True,
    )


async def main_async(counts: list[int], replicas: list[int], trainings: list[bool], clients: str) -> None:
    rng = random.Random(0)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for replica_count in replicas:
            for training in trainings:
                farm = Replicas(replica_count, env=ENV) if replica_count > 1 else None
                server = None if farm else Server(env=ENV)
                try:
                    if farm:
                        farm.__enter__()
                    url = farm.url if farm else server.url
                    pids = [s.pid for s in farm.servers] if farm else [server.pid]
                    where = f"{replica_count} replicas behind nginx" if farm else "one server"
                    run = "the lecturer's run training" if training else "nothing training"
                    who = "browser-less clients (Chromium's messages replayed)" if clients == "ws" else "Chromium"
                    print(f"{where}, {os.cpu_count()} CPUs, {run}, {who}; times in ms", flush=True)
                    await one_setup(browser, url, pids, counts, training, clients, rng)
                finally:
                    if farm:
                        farm.__exit__()
                    if server:
                        server.stop()
        await browser.close()


STUDENT_PATH = ["open the join link", "pick an answer", "Send my answer"]


async def student_answers(page, url: str) -> None:
    """A student's path in a class: the join link, a choice, Send."""
    await page.goto(url)
    await page.wait_for_selector(READY, timeout=120_000)
    await page.get_by_test_id("stButtonGroup").get_by_role("radio", name="LSTM", exact=True).click()
    await page.wait_for_selector(READY)
    await page.get_by_role("button", name="Send my answer").click()
    await page.get_by_text("Your answer, sent").wait_for(timeout=60_000)


async def reveal_class(browser, url: str, students: int) -> dict:
    """A lecturer's class of `students` on the vanishing-gradients step: reveal-to-screen times."""
    import re

    lecturer = await (await browser.new_context(viewport={"width": 1920, "height": 1080})).new_page()
    await lecturer.goto(f"{url}/lecture?step=5&present=1")
    await lecturer.wait_for_selector(READY, timeout=120_000)
    await lecturer.get_by_text("Teach this lesson to a room").click()
    await lecturer.get_by_role("button", name="Start a class").click()
    heading = lecturer.get_by_text(re.compile(r"with the code [A-Z2-9]{5}"))
    await heading.wait_for(timeout=60_000)
    code = re.search(r"code ([A-Z2-9]{5})", await heading.inner_text()).group(1)
    join = f"{url}/lecture?class={code}"
    actions = await record(browser, lambda page: student_answers(page, join), url, STUDENT_PATH)
    clients = [Client(url) for _ in range(students)]
    rng = random.Random(0)

    async def answer(client: Client) -> None:
        await asyncio.sleep(rng.uniform(0, 5))  # the room does not press Send at one instant
        await client.open(actions[0])
        for k, action in enumerate(actions):
            await client.act(action, fetch=k > 0)
            await asyncio.sleep(rng.uniform(0.5, 2))

    await asyncio.gather(*(answer(c) for c in clients))
    counted = lecturer.get_by_text(f"{students + 1} of {students + 1} answered")  # (the recording answered too)
    await counted.wait_for(timeout=60_000)
    arrived = [c.watch("Computed by rnnviz") for c in clients]  # the caption shown with the revealed answer
    await asyncio.sleep(2)  # every student's watch on the class is ticking
    clicked = time.perf_counter()
    await lecturer.get_by_role("button", name="Reveal to the class").click()
    done, _ = await asyncio.wait(arrived, timeout=60)
    times = [(moment.result() - clicked) * 1000 for moment in done]
    for client in clients:
        await client.close()
    await lecturer.context.close()
    return {"reached": len(done), "p50": percentile(times, 0.5), "p95": percentile(times, 0.95), "max": max(times)}


async def reveal_main(counts: list[int], replicas: list[int]) -> None:
    from scripts.redis_server import RedisServer

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for replica_count in replicas:
            with RedisServer() as redis_server:
                env = {**ENV, "RNNVIZ_REDIS_URL": redis_server.url} if replica_count > 1 else ENV
                farm = Replicas(replica_count, env=env) if replica_count > 1 else None
                server = None if farm else Server(env=ENV)
                try:
                    if farm:
                        farm.__enter__()
                    url = farm.url if farm else server.url
                    where = f"{replica_count} replicas behind nginx, the class in Redis" if farm else "one server"
                    print(f"{where}, {os.cpu_count()} CPUs: from Reveal to the answer on every student's screen")
                    for n in counts:
                        row = await reveal_class(browser, url, n)
                        print(
                            f"  {n:3d} students: reached {row['reached']}/{n}, p50 {row['p50']:.0f} ms, "
                            f"p95 {row['p95']:.0f} ms, max {row['max']:.0f} ms",
                            flush=True,
                        )
                finally:
                    if farm:
                        farm.__exit__()
                    if server:
                        server.stop()
        await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", default="10,30,60,100", help="comma-separated class sizes")
    parser.add_argument("--replicas", default="1,2", help="comma-separated: 1 (one server) or 2+ behind nginx")
    parser.add_argument("--training", choices=["on", "off", "both"], default="both", help="the lecturer's run")
    parser.add_argument("--clients", choices=["ws", "browser"], default="ws", help="replayed messages or Chromium")
    parser.add_argument("--reveal", action="store_true", help="a class answering one step: Reveal to every screen")
    args = parser.parse_args()
    counts = [int(n) for n in args.students.split(",")]
    replicas = [int(n) for n in args.replicas.split(",")]
    if not all(1 <= n <= 300 for n in counts) or not all(1 <= n <= 8 for n in replicas):
        parser.error("students 1 to 300 each, replicas 1 to 8")
    trainings = {"on": [True], "off": [False], "both": [False, True]}[args.training]
    if args.reveal:
        asyncio.run(reveal_main(counts, replicas))
    else:
        asyncio.run(main_async(counts, replicas, trainings, args.clients))


if __name__ == "__main__":
    main()
