"""The unrolled network as plain data: nodes and edges per layer, direction and time step.

Nodes are inputs (row -1), hidden states (rows 0..L-1, one per layer and direction) and outputs
(row L). Every edge knows the shape of the tensor it carries, so a figure can label it.
Figures (plots/) and, later, recorded values and gradient norms hang off this structure.
"""

from __future__ import annotations

from dataclasses import dataclass

from rnnviz.spec import RNNSpec
from rnnviz.topology import timeline


@dataclass(frozen=True)
class Node:
    id: str
    kind: str  # "input", "state" or "output"
    step: int  # time step t
    layer: int  # -1 for inputs, num_layers for outputs
    direction: int  # 0 forward, 1 backward (states only)
    active: bool  # input: a real one (not empty); output: returned by the model
    in_loss: bool  # output counts in the loss
    label: str  # x_t, h_t, y_t


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str  # "input", "recurrent", "layer" or "output"
    shape: tuple[int, ...]  # shape of the tensor the edge carries


@dataclass(frozen=True)
class Graph:
    spec: RNNSpec
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    @property
    def steps(self) -> int:
        return self.spec.steps

    def node(self, node_id: str) -> Node:
        return next(n for n in self.nodes if n.id == node_id)


def state_id(layer: int, direction: int, step: int) -> str:
    return f"h{layer}.{direction}.{step}"


def unrolled_graph(spec: RNNSpec) -> Graph:
    spec = spec.validate()
    line = timeline(spec)
    B, F, H = spec.batch_size, spec.input_size, spec.hidden_size
    L, D = spec.num_layers, spec.num_directions
    nodes, edges = [], []
    for t in range(spec.steps):
        real = bool(line.reads_input[t])
        nodes.append(Node(f"x{t}", "input", t, -1, 0, real, False, f"x_{t}" if real else "∅"))
        for layer in range(L):
            for d in range(D):
                arrow = "←" if d else ""
                nodes.append(Node(state_id(layer, d, t), "state", t, layer, d, True, False, f"h{arrow}_{t}"))
        nodes.append(Node(f"y{t}", "output", t, L, 0, bool(line.emits_output[t]), bool(line.in_loss[t]), f"y_{t}"))
        for layer in range(L):
            for d in range(D):
                target = state_id(layer, d, t)
                if layer == 0:
                    edges.append(Edge(f"x{t}", target, "input", (B, F)))
                else:
                    for below in range(D):
                        edges.append(Edge(state_id(layer - 1, below, t), target, "layer", (B, H)))
                previous = t + 1 if d else t - 1
                if 0 <= previous < spec.steps:
                    edges.append(Edge(state_id(layer, d, previous), target, "recurrent", (B, H)))
        for d in range(D):
            edges.append(Edge(state_id(L - 1, d, t), f"y{t}", "output", (B, H)))
    return Graph(spec, tuple(nodes), tuple(edges))


def shown_steps(steps: int, limit: int = 14) -> list[int]:
    """Steps a figure draws: all of them, or the first and last few around a gap."""
    if steps <= limit:
        return list(range(steps))
    head = limit // 2
    return list(range(head)) + list(range(steps - (limit - head), steps))
