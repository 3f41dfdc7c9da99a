"""What a Seq2Seq decoder computes at each output step, kept: states, gates and dL/dh_t.

    decoded = record_decoder(model, src, tgt, teacher_forcing=1.0)
    decoded.gates["f"]        # (L, B, H): the decoder's forget gate at every output step
    decoded.hidden_grad       # (L, B, H): the total dL/dh_t, through the later steps as well

The decoder's cell (nn.LSTMCell, GRUCell or RNNCell) hides its gates. This loop runs the same
step as rnnviz.net.cells does for the encoder, with the cell's own parameters, so its logits equal
model(src, tgt, teacher_forcing) and stay in the autograd graph. Each step reads its input as
the model does: the embedding of the true previous target (teacher-forced), of its own previous
prediction (free-running) or zeros (feedback="empty"). The loss is the cross-entropy against tgt,
as in training; dL/dh_t comes from autograd on the very tensors each step produced.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from rnnviz.net.cells import gru_cell, lstm_cell, rnn_cell
from rnnviz.training.seq2seq import Seq2Seq


@dataclass
class DecoderRecording:
    logits: Tensor  # (B, L, V), in the graph
    tokens: np.ndarray  # (B, L): the argmax at every step
    inputs: np.ndarray  # (B, L): the token each step read (the start token first)
    hidden: np.ndarray  # (L, B, H)
    cell: np.ndarray | None  # (L, B, H), LSTM only
    gates: dict[str, np.ndarray]  # name → (L, B, H)
    hidden_grad: np.ndarray  # (L, B, H): dL/dh_t
    attention: np.ndarray | None  # (B, L, S)
    loss: float
    shapes: dict[str, tuple[int, ...]]  # every tensor of one step, read off the tensors themselves


def _step(model: Seq2Seq, x: Tensor, h: Tensor, c: Tensor | None):
    """One decoder step with every gate exposed, in the cell's own weight layout."""
    cell = model.decoder
    ih = x @ cell.weight_ih.T + (cell.bias_ih if cell.bias_ih is not None else 0)
    if model.cell == "lstm":
        return lstm_cell(ih, h, c, cell.weight_hh, cell.bias_hh)
    if model.cell == "gru":
        h, gates = gru_cell(ih, h, cell.weight_hh, cell.bias_hh)
    else:
        h, gates = rnn_cell(ih, h, cell.weight_hh, cell.bias_hh, cell.nonlinearity)
    return h, None, gates


def record_decoder(
    model: Seq2Seq, src: Tensor, tgt: Tensor, teacher_forcing: float = 1.0, seed: int = 0
) -> DecoderRecording:
    """Decode `src` step by step against `tgt`, keeping what every step computed. With a ratio
    between 0 and 1 each step's coin is drawn from random.Random(seed), as training draws it."""
    rng = random.Random(seed)
    encoded, h, c = model.encode(src)
    token = torch.full((src.shape[0],), model.start, dtype=torch.long, device=src.device)
    logits, tokens, inputs, hs, cs, weights = [], [], [], [], [], []
    gates: dict[str, list[Tensor]] = {}
    shapes: dict[str, tuple[int, ...]] = {"src": tuple(src.shape)}
    shapes["embedded src"] = (*src.shape, model.embedding.embedding_dim)
    shapes["encoder outputs"] = tuple(encoded.shape)
    for t in range(tgt.shape[1]):
        inputs.append(token)
        x = model.step_input(token)
        h, c, step_gates = _step(model, x, h, c)
        hs.append(h)
        cs.append(c)
        for name, value in step_gates.items():
            gates.setdefault(name, []).append(value)
        step_logits, alpha, context = model.read_out(h, encoded)
        if alpha is not None:
            weights.append(alpha)
            shapes.setdefault("attention weights α_t", tuple(alpha.shape))
            shapes.setdefault("context c_t", tuple(context.shape))
        predicted = step_logits.argmax(-1)
        logits.append(step_logits)
        tokens.append(predicted)
        shapes.setdefault("previous token y_{t−1}", tuple(token.shape))
        shapes.setdefault("decoder input x_t", tuple(x.shape))
        shapes.setdefault("decoder state h_t", tuple(h.shape))
        shapes.setdefault("logits at step t", tuple(step_logits.shape))
        forced = teacher_forcing >= 1 or (teacher_forcing > 0 and rng.random() < teacher_forcing)
        token = tgt[:, t] if forced else predicted.detach()
    all_logits = torch.stack(logits, 1)
    shapes["logits"] = tuple(all_logits.shape)
    loss = nn.functional.cross_entropy(all_logits.reshape(-1, model.vocab_size), tgt.reshape(-1))
    live = [h for h in hs if h.requires_grad]
    found = torch.autograd.grad(loss, live, retain_graph=True, allow_unused=True) if live else []
    by_id = {id(h): g for h, g in zip(live, found)}
    hidden_grad = [by_id.get(id(h)) for h in hs]
    hidden_grad = [torch.zeros_like(h) if g is None else g for h, g in zip(hs, hidden_grad)]

    def array(values: list[Tensor]) -> np.ndarray:
        return torch.stack(values).detach().cpu().numpy()

    return DecoderRecording(
        logits=all_logits,
        tokens=torch.stack(tokens, 1).cpu().numpy(),
        inputs=torch.stack(inputs, 1).cpu().numpy(),
        hidden=array(hs),
        cell=array(cs) if cs[0] is not None else None,
        gates={name: array(values) for name, values in gates.items()},
        hidden_grad=array(hidden_grad),
        attention=torch.stack(weights, 1).detach().cpu().numpy() if weights else None,
        loss=float(loss.detach()),
        shapes=shapes,
    )
