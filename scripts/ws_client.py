"""Streamlit's websocket protocol without a browser, for the classroom benchmark: what a browser
sends for a path through the app is recorded once from Chromium, then replayed by many light
clients, so a small machine measures the server rather than the students' browsers.

    actions = await record(browser, flow, url)       # Chromium walks `flow`; its rerun messages kept
    student = Client(url); await student.open()      # the page's HTML and assets, then the websocket
    result = await student.act(actions[0])           # ms until the script finished, elements received

An action is one rerun message (BackMsg.rerun_script: the query string, the page, every widget's
value, the fragment), the files Chromium fetched from the server around it (the page, its
scripts and styles, chunks loaded on demand such as plotly's), and the number of elements (deltas)
Chromium received for it, so the replay is checked against the browser: the same elements per
action. A client keeps no message cache
(it sends no cached hashes), so the server sends it everything in full. Fragments that rerun on a
timer (`run_every`) are rerun by the client on the same timer, as the browser does.
"""

from __future__ import annotations

import asyncio
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect


def is_element(message: ForwardMsg) -> bool:
    """An element of the page; not a spinner (a transient shown only while a cache fills, so a
    warm server sends fewer of them than the cold one the recording ran on)."""
    kind = message.WhichOneof("type")
    return kind == "ref_hash" or (kind == "delta" and message.delta.WhichOneof("type") != "new_transient")


@dataclass
class Action:
    label: str
    message: bytes  # a BackMsg with rerun_script
    elements: int  # deltas Chromium received for it
    requests: list[str] = field(default_factory=list)  # paths Chromium fetched with it (the first: the page's)


def _rerun(payload: bytes) -> BackMsg | None:
    message = BackMsg()
    message.ParseFromString(payload)
    return message if message.WhichOneof("type") == "rerun_script" else None


def _forward(payload: bytes) -> ForwardMsg:
    message = ForwardMsg()
    message.ParseFromString(payload)
    return message


async def record(browser, flow, url: str, labels: list[str], tries: int = 3) -> list[Action]:
    """Run `flow(page)` in a new Chromium page; every rerun message it sent (but timer reruns),
    labelled in order with `labels` (one per rerun), with the elements received for each. A walk
    that sent another number of reruns (a key pressed while the page redrew) is walked again."""
    for attempt in range(tries):
        try:
            return await _record_once(browser, flow, url, labels)
        except RuntimeError:
            if attempt == tries - 1:
                raise
    raise AssertionError("unreachable")


async def _record_once(browser, flow, url: str, labels: list[str]) -> list[Action]:
    log: list[tuple[str, bytes | str]] = []
    origin = urlsplit(url).netloc

    def watch(socket):
        socket.on("framesent", lambda payload: log.append(("sent", payload)))
        socket.on("framereceived", lambda payload: log.append(("got", payload)))

    def fetched(request):
        where = urlsplit(request.url)
        if request.method == "GET" and where.netloc == origin and not where.path.endswith("/_stcore/stream"):
            log.append(("http", where.path + (f"?{where.query}" if where.query else "")))

    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    page.on("websocket", watch)
    page.on("request", fetched)
    await flow(page)
    await context.close()
    actions, current, before, seen = [], None, [], set()
    for kind, payload in log:
        if kind == "http":
            if payload not in seen:  # (a second time, the browser's cache has it)
                seen.add(payload)
                (current.requests if current is not None else before).append(payload)
        elif kind == "sent":
            message = _rerun(payload)
            if message is not None and not message.rerun_script.is_auto_rerun:
                message.rerun_script.ClearField("cached_message_hashes")
                current = Action("", message.SerializeToString(), 0, [] if actions else before)
                actions.append(current)
        elif current is not None:
            current.elements += is_element(_forward(payload))
    if len(actions) != len(labels):
        raise RuntimeError(f"Chromium sent {len(actions)} rerun messages for {len(labels)} actions: {labels}")
    for action, label in zip(actions, labels):
        action.label = label
    return actions


def _get(url: str, headers: dict[str, str]) -> tuple[bytes, str | None]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.read(), answer.headers.get("Set-Cookie")
    except urllib.error.HTTPError as error:  # the browser asked the same (it probes its base path)
        return error.read(), error.headers.get("Set-Cookie")


class Client:
    """One student's browser, without the browser."""

    def __init__(self, url: str):
        self.url = url
        self.cookie = ""  # nginx's route cookie, so every request reaches one replica
        self.socket = None
        self._finished: asyncio.Queue = asyncio.Queue()  # (status, elements) of each action's finished run
        self._senders: list[str] = []  # who sent each run not finished yet: "action" or "timer", in order
        self._elements = 0
        self._timers: dict[str, asyncio.Task] = {}  # fragment id → its timer rerun
        self._last: BackMsg | None = None
        self._watched: list[tuple[bytes, asyncio.Future]] = []  # text → when it first came

    def watch(self, text: str) -> asyncio.Future:
        """A future of the moment (perf_counter) a message with `text` in it arrives: what a
        browser would then show (the reveal on a student's screen)."""
        moment = asyncio.get_running_loop().create_future()
        self._watched.append((text.encode(), moment))
        return moment

    async def open(self, first: Action) -> None:
        """What a browser loads before its first run: the files Chromium fetched first (the page,
        its scripts and styles), then the websocket."""
        _, cookie = await asyncio.to_thread(_get, f"{self.url}{first.requests[0]}", {})
        self.cookie = cookie.split(";")[0] if cookie else ""
        await self.fetch(first.requests[1:])
        stream = self.url.replace("http", "ws", 1) + "/_stcore/stream"
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.socket = await connect(stream, subprotocols=["streamlit"], additional_headers=headers, max_size=None)
        self._reader = asyncio.create_task(self._read())

    async def fetch(self, paths: list[str]) -> None:
        """GET each path, a few at a time, as a browser does."""
        headers = {"Cookie": self.cookie} if self.cookie else {}
        for k in range(0, len(paths), 6):
            await asyncio.gather(*(asyncio.to_thread(_get, self.url + p, headers) for p in paths[k : k + 6]))

    async def act(self, action: Action, fetch: bool = True) -> tuple[float, int]:
        """Send one action's rerun and fetch its files; (ms until the script finished and the
        files came, elements received meanwhile). fetch=False: its files were fetched already."""
        message = BackMsg()
        message.ParseFromString(action.message)
        self._last = message
        self._elements = 0
        started = time.perf_counter()
        self._senders.append("action")
        await self.socket.send(action.message)
        _, elements = await asyncio.wait_for(self._finished.get(), timeout=300)
        await self.fetch(action.requests if fetch else [])  # (what the elements that came need)
        return (time.perf_counter() - started) * 1000, elements

    async def close(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        if self.socket is not None:
            await self.socket.close()
            self._reader.cancel()

    async def _read(self) -> None:
        async for payload in self.socket:
            for text, moment in self._watched:
                if not moment.done() and text in payload:
                    moment.set_result(time.perf_counter())
            message = _forward(payload)
            kind = message.WhichOneof("type")
            if is_element(message):
                self._elements += 1
            elif kind == "script_finished":  # (runs finish in the order they were asked for)
                sender = self._senders.pop(0) if self._senders else "timer"
                if sender == "action" and message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    self._senders.insert(0, "action")  # a timer's run cut short: the action's runs next
                elif sender == "action":
                    self._finished.put_nowait((message.script_finished, self._elements))
            elif kind == "auto_rerun":
                self._start_timer(message.auto_rerun.fragment_id, message.auto_rerun.interval)
            elif kind == "stop_auto_rerun":
                for timer in self._timers.values():
                    timer.cancel()
                self._timers.clear()

    def _start_timer(self, fragment: str, interval: float) -> None:
        if fragment in self._timers or self._last is None:
            return

        async def tick():
            while True:
                await asyncio.sleep(interval)
                message = BackMsg()
                message.CopyFrom(self._last)
                message.rerun_script.fragment_id = fragment
                message.rerun_script.is_auto_rerun = True
                self._senders.append("timer")
                await self.socket.send(message.SerializeToString())

        self._timers[fragment] = asyncio.create_task(tick())
