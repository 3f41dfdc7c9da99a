"""Every configuration either fits the memory budget when it really runs, or is refused with a
sentence (hardening issue, item 1). Peak memory is measured, not assumed: each example runs in a
forked child that resets its high-water mark (/proc/self/clear_refs) and reports VmHWM − VmRSS."""

import math
import multiprocessing
import os

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnviz import RNNSpec, build_model, example_input, shape_ledger
from rnnviz.net.budget import BUDGET_BYTES
from rnnviz.net.spec import CELLS, INT_BOUNDS, TOPOLOGIES, SpecError
from rnnviz.tasks import TASKS
from rnnviz.training.train import TrainConfig, Trainer, TrainingError

ALLOWANCE = 64_000_000  # the allocator's and libraries' first-use pages, seen at ~36 MB for a tiny model
PEAK_OK = os.path.exists("/proc/self/clear_refs")


def _kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    raise RuntimeError(field)


def _child(work, args, pipe):
    torch.set_num_threads(1)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset VmHWM to the current resident size
    start = _kib("VmRSS:")
    try:
        work(*args)
        pipe.send(("ok", _kib("VmHWM:") - start))
    except BaseException as error:  # reported to the test, not swallowed
        pipe.send(("error", repr(error)))


def peak_growth(work, *args) -> int:
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(work, args, send))
    child.start()
    child.join(300)
    status, value = receive.recv()
    assert status == "ok", value
    return value


def forward_backward(spec: RNNSpec) -> None:
    model = build_model(spec)
    y_hat, _ = model(example_input(spec))
    y_hat.pow(2).mean().backward()


def train_a_few_steps(config: TrainConfig) -> None:
    trainer = Trainer(config)
    for _ in range(2):
        trainer.train_step()
    trainer.evaluate()
    trainer.probe()


def sizes(name: str):
    """Log-uniform in the field's bounds, so products land anywhere from bytes to tens of GB."""
    low, high = INT_BOUNDS[name]
    return st.floats(0, math.log2(high)).map(lambda e: max(low, min(high, round(2**e))))


SPECS = st.builds(
    RNNSpec,
    cell=st.sampled_from(CELLS),
    topology=st.sampled_from(TOPOLOGIES),
    batch_size=sizes("batch_size"),
    seq_len=sizes("seq_len"),
    out_len=sizes("out_len"),
    input_size=sizes("input_size"),
    hidden_size=sizes("hidden_size"),
    num_layers=sizes("num_layers"),
    bidirectional=st.booleans(),
    output_size=sizes("output_size"),
    vocab_size=st.one_of(st.just(0), sizes("vocab_size")),
    batch_first=st.booleans(),
)


@pytest.mark.skipif(not PEAK_OK, reason="needs Linux's /proc/self/clear_refs to measure peak memory")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(SPECS)
def test_a_spec_fits_the_budget_when_it_runs_or_is_refused(spec):
    try:
        spec.validate()
    except SpecError as error:
        assert "one request may use at most" in str(error) or error.field  # a sentence naming the field
        return
    assert peak_growth(forward_backward, spec) <= BUDGET_BYTES + ALLOWANCE


CONFIGS = st.builds(
    TrainConfig,
    task=st.sampled_from([t for t in TASKS if t != "char"]),
    cell=st.sampled_from(CELLS),
    hidden_size=st.one_of(st.integers(1, 32), st.integers(1, 1024)),
    num_layers=st.integers(1, 4),
    seq_len=st.one_of(st.none(), st.integers(21, 500)),
    batch_size=st.one_of(st.integers(1, 32), st.integers(1, 1024)),
    optimizer=st.sampled_from(["adam", "sgd", "rmsprop"]),
)


@pytest.mark.skipif(not PEAK_OK, reason="needs Linux's /proc/self/clear_refs to measure peak memory")
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(CONFIGS)
def test_a_training_config_fits_the_budget_when_it_trains_or_is_refused(config):
    try:
        config.validate()
    except (TrainingError, SpecError):
        return
    assert peak_growth(train_a_few_steps, config) <= BUDGET_BYTES + ALLOWANCE


@pytest.mark.parametrize(
    "params,product",
    [
        (dict(seq_len=1000, batch_size=1024, input_size=4096, hidden_size=16), "The input x"),
        (dict(output_size=50000, seq_len=1000, batch_size=20), "The outputs"),
        (dict(batch_size=1024, seq_len=1000, hidden_size=256), "The unrolled hidden states"),
    ],
)
def test_the_issues_links_are_refused_naming_the_product_and_the_limit(params, product):
    with pytest.raises(SpecError) as caught:
        RNNSpec(**params).validate()
    message = str(caught.value)
    assert message.startswith(product) and "256.0 MB" in message and " × " in message


def test_a_big_character_vocabulary_at_a_big_batch_is_refused_before_training():
    text = "".join(chr(0x4E00 + k) for k in range(5000)) * 2  # 5,000 distinct characters
    with pytest.raises((TrainingError, SpecError), match="one request may use at most"):
        TrainConfig(task="char", text=text, batch_size=1024, seq_len=500).validate()


@pytest.mark.skipif(not PEAK_OK, reason="needs Linux's /proc/self/clear_refs to measure peak memory")
def test_the_shape_ledger_of_a_large_valid_spec_allocates_nothing():
    spec = RNNSpec(batch_size=512, seq_len=100, input_size=64, hidden_size=16)  # valid: 160 MB when it runs
    spec.validate()
    tiny = peak_growth(shape_ledger, RNNSpec())
    assert peak_growth(shape_ledger, spec) < tiny + 5_000_000  # its real input alone would be 13 MB
    ledger = shape_ledger(spec)
    assert ledger.loc[ledger["name"] == "x", "shape"].iloc[0] == (512, 100, 64)


def test_a_request_of_exactly_the_budget_is_allowed_and_one_byte_more_is_not(monkeypatch):
    from rnnviz.net import budget

    spec = RNNSpec(cell="lstm", hidden_size=64, seq_len=50, batch_size=32)
    total = budget.total_bytes(budget.products(spec))
    monkeypatch.setattr(budget, "BUDGET_BYTES", total)
    assert budget.problem(spec) is None
    monkeypatch.setattr(budget, "BUDGET_BYTES", total - 1)
    assert budget.problem(spec) is not None


def test_the_training_estimate_counts_adams_two_copies_of_the_weights_measured_from_torch():
    """Reference: torch.optim.Adam's own state after one step (exp_avg, exp_avg_sq per weight)."""
    from rnnviz.net import budget
    from rnnviz.training.train import OPTIMIZER_COPIES

    spec = RNNSpec(cell="gru", hidden_size=16, seq_len=5, batch_size=2)
    model = build_model(spec)
    for name, make in (("adam", torch.optim.Adam), ("sgd", torch.optim.SGD), ("rmsprop", torch.optim.RMSprop)):
        optimizer = make(model.parameters(), lr=1e-3)
        model(example_input(spec))[0].sum().backward()
        optimizer.step()
        kept = sum(
            v.numel() * v.element_size()
            for state in optimizer.state.values()
            for v in state.values()
            if torch.is_tensor(v) and v.dim() > 0
        )
        weights = sum(p.numel() * p.element_size() for p in model.parameters())
        assert kept == OPTIMIZER_COPIES[name] * weights, name
        product = budget.products(spec, optimizer_copies=OPTIMIZER_COPIES[name])[0]
        assert product.bytes == (2 + OPTIMIZER_COPIES[name]) * weights  # the weights, their gradients, the copies
        model.zero_grad()


def test_the_estimate_counts_both_directions_states_measured_from_the_module():
    from rnnviz.net import budget

    for bidirectional in (False, True):
        spec = RNNSpec(cell="lstm", hidden_size=8, seq_len=7, batch_size=3, num_layers=2, bidirectional=bidirectional)
        model = build_model(spec)
        output, _ = model.core(model.core_input(example_input(spec)))
        states = next(p for p in budget.products(spec) if p.name == "The unrolled hidden states")
        assert states.numbers == spec.num_layers * output.numel()  # every layer keeps (B, T, D·H)
