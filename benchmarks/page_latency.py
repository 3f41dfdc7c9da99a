"""How fast every page answers in Chromium, on an idle server: page load, page switch, and widget
touch → page settled (the script stopped and nothing on screen changed for 400 ms afterwards).

    python benchmarks/page_latency.py [--repeat 3] [--pages bptt,inside]
    python benchmarks/page_latency.py --lesson       (each Lecture step: Next ▶, then Reveal)

Starts its own `streamlit run app.py`. For each page: the load in a new tab (a new session), the
switch to it from Home by the sidebar (same session), and up to five widgets in the page itself
(sliders nudged with →, segmented controls and radios switched, toggles flipped, number
inputs stepped): medians over repeats. Then the
Inside page's unit click with a trained hidden-64 LSTM (the bundled char-RNN run).

Targets (issue 14): widget touch ≤ 300 ms on every page, Inside unit click ≤ 500 ms, page switch
≤ 800 ms.
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from scripts.chromium import launch  # noqa: E402
from scripts.server import Server, open_page, settle_ms  # noqa: E402
from ui.pages import PAGES  # noqa: E402

TOUCHES = 5  # widgets touched per page
MAIN = "[data-testid=stMain]"
INSIDE_MODEL = "Recorded char_rnn: LSTM"
UNITS = (5, 40, 17, 63, 30)  # rows clicked on the Inside heatmap


def label_of(widget) -> str:
    label = widget.locator("[data-testid=stWidgetLabel]")
    return (label.first.inner_text() if label.count() else widget.inner_text()).strip().splitlines()[0][:40]


def touches(page) -> list[tuple[str, object]]:
    """Up to TOUCHES actions on the page's own widgets (not the sidebar), each (what, callable):
    sliders nudged with →, segmented controls and radios switched, toggles flipped, number inputs
    stepped."""
    found = {kind: [] for kind in ("slider", "segment", "radio", "toggle", "number")}
    for box in page.locator(f"{MAIN} [data-testid=stSlider]").all():
        if box.is_visible():
            thumb = box.locator("input[type=range], [role=slider]").first
            found["slider"].append((label_of(box), lambda t=thumb: t.count() and (t.focus(), t.press("ArrowRight"))))
    for group in page.locator(f"{MAIN} [data-testid=stButtonGroup]").all():
        other = group.locator("button[aria-checked=false], button:not([kind$=Active])").filter(visible=True)
        if group.is_visible() and other.count():
            found["segment"].append((label_of(group), lambda b=other.first: b.count() and b.click()))
    for radio in page.locator(f"{MAIN} [data-testid=stRadio]").all():
        other = radio.locator("[role=radiogroup] label:not(:has(input:checked))").filter(visible=True)
        if radio.is_visible() and other.count():
            found["radio"].append((label_of(radio), lambda b=other.first: b.count() and b.click()))
    for toggle in page.locator(f"{MAIN} [data-testid=stCheckbox] label").all():
        if toggle.is_visible():
            found["toggle"].append((toggle.inner_text().strip()[:40], lambda t=toggle: t.count() and t.click()))
    for number in page.locator(f"{MAIN} [data-testid=stNumberInput]").all():
        up = number.locator("[data-testid=stNumberInputStepUp]")
        if up.count() and up.is_visible() and up.is_enabled():
            found["number"].append((label_of(number), lambda u=up: u.count() and u.click()))
    actions = []
    while len(actions) < TOUCHES and any(found.values()):  # one of each kind in turn
        for kind in found:
            if found[kind] and len(actions) < TOUCHES:
                what, act = found[kind].pop(0)
                actions.append((f"{kind} {what!r}", act))
    return actions


def measure_page(browser, url: str, title: str, path: str) -> dict[str, float | int]:
    tab = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    load = settle_ms(tab, lambda: tab.goto(f"{url}/{path}"), timeout_ms=90_000)
    each = {what: settle_ms(tab, act) for what, act in touches(tab)}
    times = [t for t in each.values() if t == t]  # NaN: the touch left the page (nothing to time)
    open_page(tab, url)  # Home, then the sidebar to the page: a switch inside one session
    link = tab.locator("[data-testid=stSidebarNav] a").filter(has_text=title).first
    switch = settle_ms(tab, link.click)
    tab.context.close()
    return {
        "load": load,
        "switch": switch,
        "touch": statistics.median(times) if times else float("nan"),
        "n": len(times),
        "each": each,
    }


def inside_unit_clicks(browser, url: str) -> list[float]:
    """Click rows of the Inside heatmap with the bundled trained hidden-64 LSTM chosen."""
    tab = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    open_page(tab, f"{url}/inside")
    tab.locator(".st-key-inside_source").click()
    tab.get_by_role("option", name=INSIDE_MODEL).click()
    tab.locator(".st-key-heatmap .js-plotly-plot .nsewdrag").first.wait_for(timeout=60_000)
    settle_ms(tab, lambda: None)
    times = []
    heatmap = tab.locator(".st-key-heatmap .js-plotly-plot")
    for unit in UNITS:
        heatmap.scroll_into_view_if_needed()
        x, y = heatmap.evaluate(  # the row of `unit`, from plotly's own axes
            """(el, unit) => { const r = el.getBoundingClientRect(), L = el._fullLayout;
            return [r.left + L.xaxis._offset + L.xaxis.l2p(2.3),
                    r.top + L.yaxis._offset + L.yaxis.l2p(unit + 0.2)]; }""",
            unit,
        )
        tab.mouse.move(x, y)  # a user's pointer reaches the row: plotly picks it on hover, then the click
        heatmap.locator(".hoverlayer .hovertext").first.wait_for(timeout=10_000)
        times.append(settle_ms(tab, lambda x=x, y=y: tab.mouse.click(x, y)))
        tab.get_by_text(f"Unit {unit}'s hidden state").first.wait_for(timeout=5_000)  # the click did select it
    tab.context.close()
    return times


def lesson_steps(browser, url: str) -> list[tuple[str, float, float]]:
    """Every step of the default lesson, in one tab: (title, Next ▶ → settled ms, Reveal → settled ms)."""
    from rnnviz.lessons.lesson import default_lesson

    tab = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    open_page(tab, f"{url}/lecture?step=1&present=1")
    settle_ms(tab, lambda: None)
    rows = []
    for number, step in enumerate(default_lesson().steps, start=1):
        heading = tab.get_by_role("heading", name=step.title)
        nudge = 0.0
        if number > 1:  # the click, then this step's heading on screen, then settled: from the click
            nudge = settle_ms(tab, lambda h=heading: (tab.get_by_role("button", name="Next ▶").click(), h.wait_for()))
        heading.wait_for(timeout=30_000)
        reveal = settle_ms(tab, lambda: tab.get_by_role("button", name="Reveal the answer").click())
        tab.locator("[data-testid=stAlertContentSuccess]").wait_for(timeout=30_000)
        rows.append((step.title, nudge, reveal))
    tab.context.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", default="", help="comma-separated url paths (default: all)")
    parser.add_argument("--each", action="store_true", help="also print each widget's median touch")
    parser.add_argument("--lesson", action="store_true", help="only the Lecture's steps, on a warm server")
    args = parser.parse_args()
    if args.lesson:
        server = Server()
        try:
            with sync_playwright() as p:
                browser = launch(p)
                lesson_steps(browser, server.url)  # warm: every answer and figure computed once
                print(f"{'lesson step':34s} {'Next ▶ ms':>10s} {'Reveal ms':>10s}  (warm server, 1920×1080)")
                for title, nudge, reveal in lesson_steps(browser, server.url):
                    print(f"{title:34s} {nudge:10.0f} {reveal:10.0f}", flush=True)
                browser.close()
        finally:
            server.stop()
        return
    chosen = [p for p in PAGES if not args.pages or (p.url_path or "home") in args.pages.split(",")]
    server = Server()
    try:
        with sync_playwright() as p:
            browser = launch(p)
            measure_page(browser, server.url, PAGES[0].title, "")  # warm the server: imports, caches
            print(f"{'page':22s} {'load ms':>8s} {'switch ms':>10s} {'touch ms':>9s} {'widgets':>8s}")
            rows = []
            for info in chosen:
                runs = [measure_page(browser, server.url, info.title, info.url_path) for _ in range(args.repeat)]
                row = {key: statistics.median(r[key] for r in runs) for key in ("load", "switch", "touch")}
                rows.append(row)
                touch = f"{row['touch']:9.0f}" if runs[0]["n"] else f"{'—':>9s}"  # only sidebar widgets
                print(
                    f"{info.title:22s} {row['load']:8.0f} {row['switch']:10.0f} {touch} {runs[0]['n']:8d}", flush=True
                )
                for what in runs[0]["each"] if args.each else ():
                    times = [t for r in runs if (t := r["each"].get(what, float("nan"))) == t]
                    print(f"    {what:48s} {statistics.median(times) if times else float('nan'):6.0f} ms")
            touched = [r["touch"] for r in rows if r["touch"] == r["touch"]]
            print(
                f"\nmedian over pages: load {statistics.median(r['load'] for r in rows):.0f} ms, switch "
                f"{statistics.median(r['switch'] for r in rows):.0f} ms (target ≤ 800), touch "
                f"{statistics.median(touched):.0f} ms (target ≤ 300); slowest touch {max(touched):.0f} ms, "
                f"slowest switch {max(r['switch'] for r in rows):.0f} ms"
            )
            if not args.pages or "inside" in args.pages:
                clicks = inside_unit_clicks(browser, server.url)
                print(
                    f"Inside unit click, trained hidden-64 LSTM: median {statistics.median(clicks):.0f} ms "
                    f"(target ≤ 500), all: {', '.join(f'{c:.0f}' for c in clicks)}"
                )
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
