"""Every crafted run file (tests/unit/crafted_files.py) is refused with a sentence or accepted,
within 2 s and 300 MB of peak memory growth, measured in a forked child, and nothing in it is
unpickled. Without the bounds each case guards, the bombs took gigabytes and the long tables
minutes (issue: hardened for a room)."""

from __future__ import annotations

import io
import json
import os
import pickle
import select
import signal
import time
import zipfile

import pytest

from rnnviz.files.runs import RunFileError, load_run
from tests.unit import crafted_files
from tests.unit.crafted_files import SENTINEL, case_list

SECONDS, PEAK_MB = 2.0, 300
CASES = case_list()
ACCEPTED = {"the char run, untouched", "the adding race, untouched"}


def _memory() -> dict[str, int]:
    with open("/proc/self/status") as status:
        return {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in status) if k in ("VmHWM", "VmRSS")}


def _no_unpickling(*args, **kwargs):
    raise AssertionError("something tried to unpickle")


def load_in_child(data: bytes) -> dict:
    """load_run(data) in a forked child: its outcome, seconds and peak RSS growth in MB."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure from here, report, exit without running the parent's cleanup
        os.close(read)
        try:
            pickle.loads = pickle.load = _no_unpickling
            with open("/proc/self/clear_refs", "w") as clear:
                clear.write("5")  # the peak (VmHWM) starts again from the memory in use now
            before = _memory()["VmRSS"]
            start = time.perf_counter()
            try:
                run = load_run(data)
                outcome = {"accepted": True, "lanes": list(run.lanes)}
            except RunFileError as error:
                outcome = {"accepted": False, "error": str(error)}
            except Exception as error:  # noqa: BLE001 — what the test must never see
                outcome = {"accepted": False, "other": f"{type(error).__name__}: {error}"}
            outcome["seconds"] = time.perf_counter() - start
            outcome["peak_mb"] = (_memory()["VmHWM"] - before) / 1024
            os.write(write, json.dumps(outcome).encode()[:60_000])
        finally:
            os._exit(0)
    os.close(write)
    ready, _, _ = select.select([read], [], [], 60)
    if not ready:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read)
        return {"accepted": False, "other": "no answer in 60 s", "seconds": 60, "peak_mb": 0}
    text = b"".join(iter(lambda: os.read(read, 65536), b""))
    os.close(read)
    os.waitpid(pid, 0)
    return json.loads(text)


def test_there_are_at_least_sixty_crafted_files():
    assert len(CASES) >= 60 and len({name for name, _ in CASES}) == len(CASES)


@pytest.mark.parametrize("name, data", CASES, ids=[name for name, _ in CASES])
def test_a_crafted_file_is_refused_with_a_sentence_or_accepted_cheaply(name, data):
    SENTINEL.unlink(missing_ok=True)
    outcome = load_in_child(data)
    assert "other" not in outcome, outcome["other"]
    assert outcome["accepted"] == (name in ACCEPTED), outcome
    if not outcome["accepted"]:
        error = outcome["error"]
        assert len(error) > 10 and error.rstrip().endswith((".", ")")), error  # a sentence
    assert outcome["seconds"] < SECONDS, outcome
    assert outcome["peak_mb"] < PEAK_MB, outcome
    assert not SENTINEL.exists(), "a pickle in the file ran"


def test_the_nested_probes_spend_the_files_one_budget():
    """A limit above what the file's own members declare, below that plus its probes' members:
    refused, because the probes' members spend the same budget."""
    data = crafted_files.pack(crafted_files.demo())
    outer = sum(len(d) for d in crafted_files.demo().values())
    nested = sum(
        info.file_size
        for name, member in crafted_files.demo().items()
        if name.endswith(".npz")
        for info in zipfile.ZipFile(io.BytesIO(member)).infolist()
    )
    weights = sum(len(d) for name, d in crafted_files.demo().items() if name.endswith(".safetensors"))
    assert load_run(data, limit=outer + nested + 2 * weights).lanes  # room for all of it
    with pytest.raises(RunFileError, match="allowed for one file in all"):
        load_run(data, limit=outer + nested // 2)
