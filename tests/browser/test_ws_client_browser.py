"""The classroom benchmark's browser-less students (scripts/ws_client.py) against Chromium: the
rerun messages Chromium sent for the lecture path, replayed by two clients in new sessions, bring
each client the same elements per action that Chromium received, and every script finishes."""

import asyncio
import concurrent.futures

import pytest
from playwright.async_api import async_playwright

from benchmarks.classroom import LECTURE_PATH, lecture_path
from scripts.chromium import CHROMIUM, CHROMIUM_ARGS
from scripts.ws_client import Client, record

pytestmark = pytest.mark.browser


async def replay(url: str) -> tuple[list, list[list[int]]]:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        actions = await record(browser, lambda page: lecture_path(page, url, [], []), url, LECTURE_PATH)
        await browser.close()
    received = []
    for _ in range(2):
        client = Client(url)
        await client.open(actions[0])
        received.append([(await client.act(action, fetch=k > 0))[1] for k, action in enumerate(actions)])
        await client.close()
    return actions, received


def in_a_thread(coroutine):
    """Run it on a loop of its own (this worker's sync Playwright may hold the thread's loop)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_replayed_students_receive_what_chromium_received(server):
    actions, received = in_a_thread(replay(server.url))
    assert [a.label for a in actions] == LECTURE_PATH
    assert len(actions[0].requests) > 20  # the page, its scripts and styles
    expected = [a.elements for a in actions]
    assert all(count > 0 for count in expected)
    assert received == [expected, expected]
