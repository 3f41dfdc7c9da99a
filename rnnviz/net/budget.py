"""How much memory a configuration asks for, estimated before anything is allocated.

One request (a page, a link, a CLI call) may use at most BUDGET_BYTES. Every tensor a spec or a
training run implies is a product of sizes (batch × steps × features, ...); `check` adds them
up and, when the total is over the budget, `problem` gives a sentence naming the largest product,
its factors and the limit. The estimates are upper bounds, calibrated against the peak resident
memory of a real forward and backward pass (tests/unit/test_budget.py measures them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

BUDGET_BYTES = 256_000_000  # one request: 256 MB
FLOAT = 4  # bytes per float32 number
GATES = {"rnn": 1, "lstm": 4, "gru": 3, "mingru": 2, "minlstm": 3}  # blocks stacked in each step's pre-activation

# Bytes per unrolled state value (one unit of one layer, direction, step and example): what
# autograd keeps of a fused step for the backward pass, and what the explicit loop of `record`
# keeps on top (every op's saved tensors, NumPy copies of h/c/gates, fp64 gradients per use).
# minGRU/minLSTM: their scans keep (a_t, b_t), the gates and the tree's levels (rnnviz.analysis.cost counts
# 6 floats a value for the loop, 19-20 for the scans).
FUSED_STATE_FLOATS = {"rnn": 6, "lstm": 20, "gru": 14, "mingru": 24, "minlstm": 30}
RECORD_STATE_BYTES = {"rnn": 140, "lstm": 260, "gru": 230, "mingru": 200, "minlstm": 240}


@dataclass(frozen=True)
class Product:
    """One tensor family: `factors` (name, size) multiply to its numbers; each number costs
    `bytes_each` (copies kept for the backward pass included)."""

    name: str
    factors: tuple[tuple[str, int], ...]
    bytes_each: float
    blame: tuple[str, ...]  # the settings that make it large, for the sentence and the URL

    @property
    def numbers(self) -> int:
        return math.prod(size for _, size in self.factors)

    @property
    def bytes(self) -> float:
        return self.numbers * self.bytes_each


def human(size: float) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size:.0f} bytes"


def products(
    spec, batch: int | None = None, backward: bool = True, record: bool = False, optimizer_copies: int = 0
) -> list[Product]:
    """The tensors one pass of `spec` at `batch` examples allocates. backward: a loss is
    differentiated; record: through the explicit loop (rnnviz.record); optimizer_copies: extra
    copies of the weights an optimiser keeps (Adam: 2)."""
    B = spec.batch_size if batch is None else batch
    T_in, steps, F, H = spec.input_steps, spec.steps, spec.input_size, spec.hidden_size
    L, D, O, G = spec.num_layers, spec.num_directions, spec.output_size, GATES[spec.cell]
    grad = 2 if backward else 1
    found = [
        Product(
            "The weights",
            (("weights", spec.parameter_count),),
            FLOAT * (grad + optimizer_copies),
            ("hidden_size", "vocab_size", "output_size", "input_size"),
        ),
    ]
    if spec.vocab_size:
        found.append(Product("The token ids", (("batch", B), ("input steps", T_in)), 8, ("batch_size", "seq_len")))
    found.append(
        Product(
            "The input x" if not spec.vocab_size else "The embedded input",
            (("batch", B), ("steps", steps), ("features", F)),
            FLOAT * (7 if backward else 4),  # x, the padded core input, contiguous copies, gradients
            ("batch_size", "seq_len", "input_size"),
        )
    )
    per_state = (
        RECORD_STATE_BYTES[spec.cell] if record else FLOAT * (FUSED_STATE_FLOATS[spec.cell] if backward else G + 2)
    )
    found.append(
        Product(
            "The unrolled hidden states",
            (("batch", B), ("steps", steps), ("layers", L), ("directions", D), ("hidden", H)),
            per_state,
            ("batch_size", "seq_len", "hidden_size", "num_layers"),
        )
    )
    found.append(
        Product(
            "The outputs (the head reads every step)",
            (("batch", B), ("steps", steps), ("outputs", O)),
            FLOAT * (6 if backward else 3),  # the head's output, softmax or error, and their gradients
            ("batch_size", "seq_len", "output_size"),
        )
    )
    return found


def total_bytes(found: list[Product]) -> float:
    return sum(p.bytes for p in found)


def problem(spec, defaults=None, **options) -> tuple[str, str] | None:
    """(the setting to blame, a sentence) when the tensors of `products(spec, **options)` exceed
    the budget, else None; callers raise their own error type. `defaults` (a spec) picks, among
    the settings that make the largest product big, the one furthest above its default, so a
    link can fall back on exactly that one."""
    found = products(spec, **options)
    total = total_bytes(found)
    if total <= BUDGET_BYTES:
        return None
    worst = max(found, key=lambda p: p.bytes)
    factors = " × ".join(name for name, _ in worst.factors)
    sizes = " × ".join(f"{size:,}" for _, size in worst.factors)
    return (
        _blame(worst, spec, defaults),
        f"{worst.name} would hold {factors} = {sizes} = {worst.numbers:,} numbers "
        f"({human(worst.bytes)} of the {human(total)} this needs); one request may use at most "
        f"{human(BUDGET_BYTES)}. Make one of those sizes smaller.",
    )


def _blame(product: Product, spec, defaults) -> str:
    def ratio(name: str) -> float:
        value = getattr(spec, name)
        default = getattr(defaults, name, 1) if defaults is not None else 1
        return value / max(default, 1)

    return max(product.blame, key=ratio)
