"""What sessions keep (issue: hardened for a room, item 6): every opened file is accounted per
session and server-wide; past a cap the least recently used are dropped and put() names them;
a session's end lets go of all it kept; sizes come from the arrays and tensors themselves."""

import numpy as np
import pytest
import torch

from rnnviz.files.runs import load_run
from rnnviz.serving.holdings import Holdings, HoldingsError, nbytes
from tests.unit.crafted_files import DEMOS

MB = 1_000_000


def test_a_session_over_its_cap_drops_its_own_least_recently_used_first():
    held = Holdings(per_session=10 * MB, total=100 * MB)
    held.put("a", "one", 1, 4 * MB)
    held.put("a", "two", 2, 4 * MB)
    held.put("b", "other", 3, 4 * MB)
    assert held.get("a", "one") == 1  # "one" is now more recent than "two"
    assert held.put("a", "three", 3, 4 * MB) == [("a", "two")]
    assert held.names("a") == ["one", "three"] and held.get("a", "two") is None
    assert held.names("b") == ["other"]  # another session's file is not touched by a's cap
    assert held.held("a") == 8 * MB and held.held() == 12 * MB


def test_the_server_cap_drops_the_least_recently_used_of_anyone():
    held = Holdings(per_session=50 * MB, total=10 * MB)
    held.put("idle", "old", 1, 4 * MB)
    held.put("busy", "new", 2, 4 * MB)
    assert held.put("busy", "newer", 3, 4 * MB) == [("idle", "old")]
    assert held.held() == 8 * MB <= held.total


def test_exactly_the_cap_fits_and_one_byte_more_drops():
    held = Holdings(per_session=10 * MB, total=10 * MB)
    assert held.put("a", "x", 1, 5 * MB) == [] and held.put("a", "y", 2, 5 * MB) == []
    assert held.put("a", "z", 3, 1) == [("a", "x")]


def test_a_file_larger_than_any_cap_is_refused_with_a_sentence_and_nothing_is_dropped():
    held = Holdings(per_session=10 * MB, total=100 * MB)
    held.put("a", "kept", 1, 5 * MB)
    with pytest.raises(HoldingsError, match="at most 10 MB"):
        held.put("a", "huge", 2, 11 * MB)
    assert held.names("a") == ["kept"]


def test_a_session_that_ends_lets_go_of_everything():
    held = Holdings()
    held.put("a", "x", 1, MB)
    held.put("b", "y", 2, MB)
    held.drop_session("a")
    assert held.names("a") == [] and held.held() == MB


def test_sizes_count_every_array_and_tensor_of_a_run():
    run = load_run(DEMOS / "adding_race_T50.rnnrun")
    arrays = sum(
        a.nbytes
        for lane in run.lanes.values()
        for r in lane.recordings
        for a in [r.hidden, r.inputs, r.outputs]
        if isinstance(a, np.ndarray)
    )
    weights = sum(t.numel() * 4 for lane in run.lanes.values() for _, state in lane.weights for t in state.values())
    history = sum(3 * len(lane.steps) for lane in run.lanes.values())
    assert nbytes(run) >= arrays + weights + history * 8
    assert nbytes(run) < 4 * (arrays + weights + history * 32)
    tensor = torch.zeros(1000)
    assert nbytes((tensor, tensor)) == 4000  # one tensor kept twice is one tensor
