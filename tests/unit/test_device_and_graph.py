"""Device selection (cuda, then mps, then cpu) and the unrolled graph's structure."""

import pytest
import torch

from rnnviz import RNNSpec, timeline
from rnnviz.net.device import available_devices, pick_device
from rnnviz.net.graph import shown_steps, unrolled_graph
from rnnviz.net.spec import TOPOLOGIES


@pytest.mark.parametrize(
    "cuda,mps,expected",
    [
        (True, True, "cuda"),
        (True, False, "cuda"),
        (False, True, "mps"),
        (False, False, "cpu"),
    ],
)
def test_auto_picks_cuda_then_mps_then_cpu(monkeypatch, cuda, mps, expected):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    assert pick_device("auto").type == expected
    assert available_devices()[-1] == "cpu"


def test_forcing_a_missing_device_says_what_exists(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    with pytest.raises(ValueError, match="available: cpu"):
        pick_device("cuda")
    with pytest.raises(ValueError, match="one of"):
        pick_device("tpu")
    assert pick_device("cpu") == torch.device("cpu")


def test_this_machine_runs_on_its_first_device():
    x = torch.ones(2, device=pick_device())
    assert float(x.sum().cpu()) == 2.0


@pytest.mark.parametrize("topology", TOPOLOGIES)
@pytest.mark.parametrize("layers,bidirectional", [(1, False), (3, True)])
def test_graph_has_a_node_per_state_and_edges_with_shapes(topology, layers, bidirectional):
    if bidirectional and topology in ("one_to_one", "one_to_many"):
        return
    spec = RNNSpec(
        topology=topology,
        num_layers=layers,
        bidirectional=bidirectional,
        seq_len=5,
        out_len=3,
        batch_size=2,
        input_size=3,
        hidden_size=4,
    )
    graph = unrolled_graph(spec)
    T, D = spec.steps, spec.num_directions
    states = [n for n in graph.nodes if n.kind == "state"]
    assert len(states) == T * layers * D
    recurrent = [e for e in graph.edges if e.kind == "recurrent"]
    assert len(recurrent) == layers * D * (T - 1)
    for e in recurrent:  # backward direction points from t+1 to t
        source, target = graph.node(e.source), graph.node(e.target)
        assert target.step - source.step == (-1 if target.direction else 1)
    assert {e.shape for e in graph.edges if e.kind == "input"} == {(2, 3)}
    line = timeline(spec)
    inputs = sorted((n for n in graph.nodes if n.kind == "input"), key=lambda n: n.step)
    assert [n.active for n in inputs] == line.reads_input.tolist()
    outputs = sorted((n for n in graph.nodes if n.kind == "output"), key=lambda n: n.step)
    assert [n.in_loss for n in outputs] == line.in_loss.tolist()


def test_shown_steps_keeps_both_ends():
    assert shown_steps(5) == [0, 1, 2, 3, 4]
    assert shown_steps(100, limit=6) == [0, 1, 2, 97, 98, 99]
