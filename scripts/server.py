"""A live `streamlit run app.py` on a free loopback port, and how to tell when a page has settled.
Shared by the browser tests, the screenshot tour and the latency and classroom benchmarks.

    server = Server(); ...; server.stop()          # or Server(port=8601, env={...})
    open_page(page, server.url + "/bptt")         # returns once the script has run and stopped
    settle_ms(page, lambda: page.keyboard.press("ArrowRight"))   # one interaction, timed
"""

from __future__ import annotations

import os
import pathlib
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[1]
READY = "[data-testid=stApp][data-test-script-state=notRunning]"
QUIET_MS = 400  # no DOM change for this long after the script stopped: the page has settled
NO_CHANGE_MS = 3000  # an interaction that changed nothing on screen in this long: it is done


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, port: int | None = None, env: dict[str, str] | None = None, args: tuple[str, ...] = ()):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = dict(os.environ, PYTHONUNBUFFERED="1", **(env or {}))
        command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(self.port)]
        command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
        command += ["--browser.gatherUsageStats", "false", *args]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(self.url + "/_stcore/health", timeout=2).read() == b"ok":
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("streamlit did not become healthy in 90 s")

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def open_page(page, url: str):
    page.goto(url)
    page.wait_for_selector(READY, timeout=90_000)
    page.wait_for_timeout(300)
    page.wait_for_selector(READY, timeout=90_000)


WATCH = """() => { if (window.__rnnvizWatch) return; window.__rnnvizWatch = true;
  window.__lastChange = performance.now();
  new MutationObserver(() => { window.__lastChange = performance.now(); })
    .observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true}); }"""
SETTLED = f"""(noChangeMs) => {{ ({WATCH})();  // Playwright passes null, not undefined, when no arg is given
  const app = document.querySelector('[data-testid=stApp]'), patience = noChangeMs ?? {NO_CHANGE_MS};
  const now = performance.now(), start = window.__rnnvizStart ?? 0;
  return app && app.dataset.testScriptState === 'notRunning' && now - window.__lastChange > {QUIET_MS}
    && (window.__lastChange > start || now - start > patience); }}"""


def settle_ms(page, act, timeout_ms: int = 60_000) -> float:
    """Milliseconds from `act()` to the last change on screen it caused: the script has stopped and
    nothing has changed for QUIET_MS since (figures drawn, fragments done); something must have
    changed, unless NO_CHANGE_MS pass without any. An `act` that loads a new document counts from
    that document's start."""
    page.evaluate(WATCH)
    page.evaluate("() => { window.__rnnvizStart = performance.now(); }")
    act()
    page.wait_for_function(SETTLED, timeout=timeout_ms, polling=50)
    return page.evaluate("() => Math.max(window.__lastChange - (window.__rnnvizStart ?? 0), 0)")


# what a server process holds, from /proc (Linux): for the benchmarks
TICKS = os.sysconf("SC_CLK_TCK")


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def threads(pid: int) -> int:
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    raise RuntimeError("no thread count")
