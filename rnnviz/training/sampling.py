"""Generate text from a character model: greedy, with temperature, or from the top k."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from rnnviz.net.model import SeqModel


@dataclass(frozen=True)
class Sample:
    text: str  # the prime followed by the generated characters
    generated: list[str]
    distributions: np.ndarray  # (length, vocab): the next-character probabilities at each step


def sample(
    model: SeqModel,
    vocabulary: list[str],
    prime: str,
    length: int,
    temperature: float = 0.0,
    top_k: int | None = None,
    seed: int = 0,
) -> Sample:
    """temperature 0 is greedy (always the most likely character); top_k keeps only the k most
    likely before drawing. The distributions shown are the model's (temperature 1)."""
    spec = model.spec
    if not spec.vocab_size or spec.output_size != spec.vocab_size:
        raise ValueError("Sampling needs a character model: token inputs and one output per token.")
    unknown = sorted({c for c in prime if c not in vocabulary})
    if not prime or unknown:
        raise ValueError(
            f"The prime must be made of the training text's characters; not known: {unknown}."
            if unknown
            else "Give at least one character to start from."
        )
    if isinstance(length, bool) or not isinstance(length, int) or not 1 <= length <= 2000:
        raise ValueError("length must be a whole number between 1 and 2000.")
    if not isinstance(temperature, int | float) or not math.isfinite(temperature) or temperature < 0:
        raise ValueError(f"The temperature must be a number of at least 0 (0 is greedy), not {temperature}.")
    if not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise ValueError("The seed must be a whole number of at least 0.")
    if top_k is not None and not 1 <= top_k <= len(vocabulary):
        raise ValueError(f"top_k must be between 1 and {len(vocabulary)}.")
    generator = torch.Generator().manual_seed(seed)
    device = next(model.parameters()).device
    model.eval()
    generated, distributions = [], []
    with torch.no_grad():
        ids = torch.tensor([[vocabulary.index(c) for c in prime]], device=device)  # (1, P)
        state = None
        for _ in range(length):
            x = model.embedding(ids if spec.batch_first else ids.T)
            output, state = model.core(x, state)
            last = output[:, -1] if spec.batch_first else output[-1]
            logits = model.head(last)[0].double().cpu()  # (V,)
            distributions.append(torch.softmax(logits, -1).numpy())
            if temperature <= 0:
                choice = int(logits.argmax())
            else:
                scaled = logits / temperature
                if top_k is not None:
                    cutoff = scaled.topk(top_k).values[-1]
                    scaled = scaled.masked_fill(scaled < cutoff, float("-inf"))
                choice = int(torch.multinomial(torch.softmax(scaled, -1), 1, generator=generator))
            generated.append(vocabulary[choice])
            ids = torch.tensor([[choice]], device=device)
    return Sample(prime + "".join(generated), generated, np.stack(distributions))
