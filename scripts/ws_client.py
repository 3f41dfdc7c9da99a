"""Streamlit's websocket protocol without a browser, for the classroom benchmark: what a browser
sends for a path through the app is recorded once from Chromium, then replayed by many light
clients, so a small machine measures the server rather than the students' browsers.

    actions = await record(browser, flow, url)       # Chromium walks `flow`; its rerun messages kept
    student = Client(url); await student.open()      # the page's HTML and assets, then the websocket
    result = await student.act(actions[0])           # ms until the script finished, elements received

An action is one rerun message (BackMsg.rerun_script: the query string, the page, every widget's
value, the fragment) and the number of elements (deltas) Chromium received for it, so the replay
is checked against the browser: the same elements per action. A client keeps no message cache
(it sends no cached hashes), so the server sends it everything in full. Fragments that rerun on a
timer (`run_every`) are rerun by the client on the same timer, as the browser does.
"""

from __future__ import annotations

import asyncio
import re
import time
import urllib.request
from dataclasses import dataclass

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect


def is_element(message: ForwardMsg) -> bool:
    """An element of the page; not a spinner (a transient shown only while a cache fills, so a
    warm server sends fewer of them than the cold one the recording ran on)."""
    kind = message.WhichOneof("type")
    return kind == "ref_hash" or (kind == "delta" and message.delta.WhichOneof("type") != "new_transient")


ASSETS = re.compile(r'(?:src|href)="(\./static/[^"]+\.(?:js|css))"')


@dataclass
class Action:
    label: str
    message: bytes  # a BackMsg with rerun_script
    elements: int  # deltas Chromium received for it


def _rerun(payload: bytes) -> BackMsg | None:
    message = BackMsg()
    message.ParseFromString(payload)
    return message if message.WhichOneof("type") == "rerun_script" else None


def _forward(payload: bytes) -> ForwardMsg:
    message = ForwardMsg()
    message.ParseFromString(payload)
    return message


async def record(browser, flow, url: str, labels: list[str]) -> list[Action]:
    """Run `flow(page)` in a new Chromium page; every rerun message it sent (but timer reruns),
    labelled in order with `labels` (one per rerun), with the elements received for each."""
    log: list[tuple[str, bytes]] = []

    def watch(socket):
        socket.on("framesent", lambda payload: log.append(("sent", payload)))
        socket.on("framereceived", lambda payload: log.append(("got", payload)))

    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    page.on("websocket", watch)
    await flow(page)
    await context.close()
    actions, current = [], None
    for kind, payload in log:
        if kind == "sent":
            message = _rerun(payload)
            if message is not None and not message.rerun_script.is_auto_rerun:
                message.rerun_script.ClearField("cached_message_hashes")
                current = Action("", message.SerializeToString(), 0)
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
    with urllib.request.urlopen(request, timeout=120) as answer:
        return answer.read(), answer.headers.get("Set-Cookie")


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

    async def open(self) -> None:
        """What a browser loads before its first run: the page, its scripts and styles, the
        health check, then the websocket."""
        page, cookie = await asyncio.to_thread(_get, f"{self.url}/", {})
        self.cookie = cookie.split(";")[0] if cookie else ""
        headers = {"Cookie": self.cookie} if self.cookie else {}
        for asset in ASSETS.findall(page.decode(errors="replace")):
            await asyncio.to_thread(_get, f"{self.url}/{asset[2:]}", headers)
        await asyncio.to_thread(_get, f"{self.url}/_stcore/health", headers)
        stream = self.url.replace("http", "ws", 1) + "/_stcore/stream"
        self.socket = await connect(stream, subprotocols=["streamlit"], additional_headers=headers, max_size=None)
        self._reader = asyncio.create_task(self._read())

    async def act(self, action: Action) -> tuple[float, int]:
        """Send one action's rerun; (ms until its script finished, elements received meanwhile)."""
        message = BackMsg()
        message.ParseFromString(action.message)
        self._last = message
        self._elements = 0
        started = time.perf_counter()
        self._senders.append("action")
        await self.socket.send(action.message)
        status, elements = await asyncio.wait_for(self._finished.get(), timeout=300)
        return (time.perf_counter() - started) * 1000, elements

    async def close(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        if self.socket is not None:
            await self.socket.close()
            self._reader.cancel()

    async def _read(self) -> None:
        async for payload in self.socket:
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
