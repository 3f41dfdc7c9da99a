"""What a decoder that feeds back its outputs costs: SeqModel's forward + backward (it finds the
fed-back tokens step by step without gradients, then runs the fused core once) against plain
PyTorch stepping the same nn.LSTM one step at a time (the loop a course writes), and against the
empty-input decoder (one fused call).

    python benchmarks/decoder_feedback.py       (the Keras addition shapes: batch 128, 5 steps in,
                                                 3 out, LSTM 128, 13 tokens; one CPU thread)
"""

import pathlib
import sys
import time

import torch
from torch import nn

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from rnnviz import RNNSpec, build_model, example_input  # noqa: E402
from rnnviz.analysis.recording import sequence_loss  # noqa: E402

REPEATS = 200


def per_call_ms(fn) -> float:
    for _ in range(10):
        fn()
    start = time.perf_counter()
    for _ in range(REPEATS):
        fn()
    return (time.perf_counter() - start) / REPEATS * 1000


def plain_loop(model, x, y=None):
    """nn.LSTM one step at a time: read the input, then the start vector, then each previous output."""
    output, state = model.core(model.embedding(x))
    output, state = model.core(model.start.expand(x.shape[0], 1, -1), state)
    outputs = [model.head(output[:, -1])]
    for t in range(1, model.spec.out_len):
        token = y[:, t - 1] if y is not None else outputs[-1].argmax(-1)
        v = nn.functional.one_hot(token, model.spec.output_size).float()
        output, state = model.core(model.feedback(v).unsqueeze(1), state)
        outputs.append(model.head(output[:, -1]))
    return torch.stack(outputs, 1)


def main():
    torch.set_num_threads(1)
    shapes = dict(cell="lstm", topology="many_to_many", batch_size=128, seq_len=5, out_len=3, hidden_size=128)
    spec = RNNSpec(**shapes, input_size=16, vocab_size=13, output_size=13, decoder_input="token")
    torch.manual_seed(0)
    model = build_model(spec)
    empty = build_model(spec.replace(decoder_input="empty"))
    x = example_input(spec)
    y = torch.randint(13, (spec.batch_size, spec.out_len))

    def step(forward):
        return lambda: sequence_loss(forward(), y).backward()

    rows = {
        "plain PyTorch loop, free-running": step(lambda: plain_loop(model, x)),
        "SeqModel feedback, free-running": step(lambda: model(x)[0]),
        "plain PyTorch loop, teacher-forced": step(lambda: plain_loop(model, x, y)),
        "SeqModel feedback, teacher-forced": step(lambda: model(x, y=y, teacher_forcing=1.0)[0]),
        "SeqModel empty decoder inputs": step(lambda: empty(x)[0]),
    }
    times = {name: per_call_ms(fn) for name, fn in rows.items()}
    print(
        f"forward + backward, {spec.cell.upper()} {spec.hidden_size}, batch {spec.batch_size}, "
        f"{spec.seq_len} steps in, {spec.out_len} out, 1 thread, mean of {REPEATS}:"
    )
    for name, ms in times.items():
        reference = times["plain PyTorch loop, " + ("teacher-forced" if "teacher" in name else "free-running")]
        print(f"  {name:<38} {ms:6.2f} ms   {ms / reference:4.2f}× the plain loop")


if __name__ == "__main__":
    main()
