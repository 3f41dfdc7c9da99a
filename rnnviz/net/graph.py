"""The unrolled network as plain data: nodes and edges per layer, direction and time step.

Nodes are inputs (row -1), hidden states (rows 0..L-1, one per layer and direction) and outputs
(row L). Every edge knows the shape of the tensor it carries, so a figure can label it.
Figures (plots/) and, later, recorded values and gradient norms hang off this structure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnviz.net.spec import RNNSpec
from rnnviz.net.topology import timeline


@dataclass(frozen=True)
class Node:
    id: str
    kind: str  # "input", "state" or "output"
    step: int  # time step t
    layer: int  # -1 for inputs, num_layers for outputs
    direction: int  # 0 forward, 1 backward (states only)
    active: bool  # input: a real one (not empty); output: returned by the model
    in_loss: bool  # output counts in the loss
    label: str  # x_t, h_t, y_t; a writing step's input: ∅ (zeros), ^ (start) or ŷ_{t-1} (fed back)

    @property
    def empty(self) -> bool:
        """An input step that reads zeros."""
        return self.kind == "input" and self.label == "∅"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str  # "input", "recurrent", "layer", "output" or "feedback" (y_{t-1} read as x_t: no gradient)
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
        return self._index[node_id]

    @property
    def _index(self) -> dict[str, Node]:
        index = self.__dict__.get("_node_index")
        if index is None:  # frozen dataclass: cache by hand
            index = {n.id: n for n in self.nodes}
            object.__setattr__(self, "_node_index", index)
        return index


def state_id(layer: int, direction: int, step: int) -> str:
    return f"h{layer}.{direction}.{step}"


def unrolled_graph(spec: RNNSpec) -> Graph:
    spec = spec.validate()
    line = timeline(spec)
    B, F, H = spec.batch_size, spec.input_size, spec.hidden_size
    L, D = spec.num_layers, spec.num_directions
    nodes, edges = [], []
    O = spec.output_size
    for t in range(spec.steps):
        real = bool(line.reads_input[t])
        nodes.append(Node(f"x{t}", "input", t, -1, 0, real, False, _input_label(spec, t, real)))
        if not real and spec.feeds_back and line.emits_output[t - 1]:
            edges.append(Edge(f"y{t - 1}", f"x{t}", "feedback", (B, O)))
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


def _input_label(spec: RNNSpec, t: int, real: bool) -> str:
    """x_t for a real input; for a writing step ∅ (zeros), ^ (the start vector) or ŷ_{t-1} fed back."""
    if real:
        return f"x_{t}"
    if not spec.feeds_back:
        return "∅"
    return "^" if t == spec.input_steps and spec.reads_start else f"ŷ_{t - 1}"


def shown_steps(steps: int, limit: int = 14) -> list[int]:
    """Steps a figure draws: all of them, or the first and last few around a gap."""
    if steps <= limit:
        return list(range(steps))
    head = limit // 2
    return list(range(head)) + list(range(steps - (limit - head), steps))


@dataclass(frozen=True)
class GraphValues:
    """What one example of a Recording puts on the graph: the vector at every node, its norm,
    and the norm of dL/d(node) from real autograd (zero where no gradient reaches)."""

    example: int
    vectors: dict[str, np.ndarray]  # node id → its value (x_t: what the core read, h_t, y_t)
    norms: dict[str, float]  # node id → ‖value‖
    grad_norms: dict[str, float]  # node id → ‖dL/d value‖ (inputs: 0, not recorded)
    edge_forward: np.ndarray  # (E,) ‖tensor carried‖ = ‖source value‖
    edge_backward: np.ndarray  # (E,) ‖gradient flowing back along the edge‖ (0 across a cut)


def graph_values(graph: Graph, recording, example: int = 0) -> GraphValues:
    """Values of one example (batch index) of `recording` on the nodes and edges of `graph`."""
    batch = recording.hidden.shape[3]
    if not 0 <= example < batch:
        raise ValueError(f"example must be between 0 and {batch - 1}.")
    vectors, grads = {}, {}
    for node in graph.nodes:
        t = node.step
        if node.kind == "input":
            vectors[node.id] = recording.core_inputs[t, example]
        elif node.kind == "state":
            vectors[node.id] = recording.hidden[node.layer, node.direction, t, example]
            if recording.hidden_grad is not None:
                grads[node.id] = recording.hidden_grad[node.layer, node.direction, t, example]
        else:
            vectors[node.id] = recording.step_outputs[t, example]
            if recording.step_output_grad is not None:
                grads[node.id] = recording.step_output_grad[t, example]
    norms = {k: float(np.linalg.norm(v)) for k, v in vectors.items()}
    grad_norms = {k: float(np.linalg.norm(grads[k])) if k in grads else 0.0 for k in vectors}
    edge_forward = np.array([norms[e.source] for e in graph.edges])
    edge_backward = np.array([_edge_flow(graph, e, recording.edge_grads, example) for e in graph.edges])
    return GraphValues(example, vectors, norms, grad_norms, edge_forward, edge_backward)


def _edge_flow(graph: Graph, edge: Edge, flows: dict | None, example: int) -> float:
    """‖the gradient that flows back along this edge‖: the vector-Jacobian product through this
    one use of the source state, not the total dL/d(target) (docs/design.md). Input edges: 0."""
    if flows is None or edge.kind in ("input", "feedback"):  # a fed-back output is a constant input
        return 0.0
    source, target = graph.node(edge.source), graph.node(edge.target)
    H = graph.spec.hidden_size
    if edge.kind == "recurrent":  # read by the target's step as its h_{t-1}
        g = flows["recurrent"][target.layer, target.direction, target.step, example]
    elif edge.kind == "layer":  # the target's direction reads the source direction's slice
        g = flows["layer"][target.layer - 1, target.direction, target.step, example]
        g = g[source.direction * H : (source.direction + 1) * H]
    else:  # output: the head reads the top layer
        g = flows["head"][source.step, example][source.direction * H : (source.direction + 1) * H]
    return float(np.linalg.norm(g))
