"""SeqModel's decoder that feeds back its outputs (spec.decoder_input "token" or "value"), checked
against hand-written PyTorch loops over the same modules, one step at a time."""

import pytest
import torch
from torch import nn

from rnnviz import RNNSpec, build_model, example_input, shape_ledger
from rnnviz.analysis.recording import record, sequence_loss
from rnnviz.net.codegen import pytorch_code
from rnnviz.net.graph import graph_values, unrolled_graph
from rnnviz.net.spec import CELLS, SpecError
from rnnviz.tasks import input_labels, written_labels
from rnnviz.training.train import TrainConfig, Trainer, TrainingError


def spec_of(topology="many_to_many", mode="token", **changes) -> RNNSpec:
    settings = dict(topology=topology, decoder_input=mode, output_size=5, num_layers=2, seq_len=4, out_len=4)
    return RNNSpec(**{**settings, **changes})


def hand_loop(model, x, targets=None):
    """The decoder as a course writes it: the LSTMCell/GRUCell/RNNCell loop, layer by layer inside
    each step, with the fused module's own weights (minGRU/minLSTM: the module one step at a time).
    targets: (B, L) ids or (B, L, O) values, read by the next step (teacher forcing 1.0)."""
    spec, core = model.spec, model.core
    features = model.embedding(x) if spec.vocab_size else x
    if not spec.batch_first and features.dim() == 3:
        features = features.transpose(0, 1)  # the loop below is batch-first
    steps = [features] if spec.topology == "one_to_many" else list(features.unbind(1))
    cells = [cell_of(core, layer) for layer in range(spec.num_layers)]
    state = [None] * spec.num_layers

    def step(x_t):
        for layer, cell in enumerate(cells):
            state[layer] = cell(x_t, state[layer])
            x_t = state[layer][0] if isinstance(state[layer], tuple) else state[layer]
        return model.head(x_t)

    for x_t in steps:
        y_t = step(x_t)
    if spec.topology == "many_to_many":
        y_t = step(model.start.expand(x.shape[0 if spec.batch_first else 1], -1))
    outputs = [y_t]
    for k in range(1, spec.out_len):
        if targets is not None:
            v = (
                nn.functional.one_hot(targets[:, k - 1], spec.output_size).float()
                if targets.dim() == 2
                else targets[:, k - 1]
            )
        elif spec.decoder_input == "token":
            v = nn.functional.one_hot(outputs[-1].argmax(-1), spec.output_size).float()
        else:
            v = outputs[-1].detach()
        outputs.append(step(model.feedback(v)))
    return torch.stack(outputs, 1 if spec.batch_first else 0)


def cell_of(core, layer):
    """A one-step cell with layer `layer`'s weights of a fused core: (x_t, state) → new state."""
    if isinstance(core, (nn.LSTM, nn.GRU, nn.RNN)):
        kind = {nn.LSTM: nn.LSTMCell, nn.GRU: nn.GRUCell, nn.RNN: nn.RNNCell}[type(core)]
        extra = {"nonlinearity": core.nonlinearity} if kind is nn.RNNCell else {}
        cell = kind(core.input_size if layer == 0 else core.hidden_size, core.hidden_size, **extra)
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            setattr(cell, name, getattr(core, f"{name}_l{layer}"))
        return cell

    def one_step(x_t, h):  # minGRU/minLSTM: that layer's weights in a one-layer module, one step
        h = torch.zeros(x_t.shape[0], core.hidden_size) if h is None else h
        single = type(core)(x_t.shape[-1], core.hidden_size, kind=core.kind, negative=core.negative, batch_first=True)
        weights = {k.replace(f"_l{layer}", "_l0"): v for k, v in core.named_parameters() if k.endswith(f"_l{layer}")}
        return torch.func.functional_call(single, weights, (x_t.unsqueeze(1), h.unsqueeze(0)))[1][0]

    return one_step


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("topology", ["many_to_many", "one_to_many"])
def test_teacher_forcing_one_equals_a_hand_written_loop_values_and_gradients(cell, topology):
    spec = spec_of(topology, cell=cell, vocab_size=7)
    torch.manual_seed(0)
    model = build_model(spec)
    x = example_input(spec)
    y = torch.randint(spec.output_size, (spec.batch_size, spec.out_len))
    ours, _ = model(x, y=y, teacher_forcing=1.0)
    reference = hand_loop(model, x, y)
    torch.testing.assert_close(ours, reference, atol=1e-5, rtol=1e-4)
    params = list(model.parameters())
    ours_grads = torch.autograd.grad(sequence_loss(ours, y), params, allow_unused=True)
    their_grads = torch.autograd.grad(sequence_loss(reference, y), params, allow_unused=True)
    for ours_grad, their_grad in zip(ours_grads, their_grads):
        torch.testing.assert_close(ours_grad, their_grad, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("mode", ["token", "value"])
@pytest.mark.parametrize("topology", ["many_to_many", "one_to_many"])
@pytest.mark.parametrize("batch_first", [True, False])
def test_free_running_equals_a_hand_written_loop_that_feeds_back_its_outputs(mode, topology, batch_first):
    spec = spec_of(topology, mode, cell="gru", batch_first=batch_first, batch_size=3)
    torch.manual_seed(1)
    model = build_model(spec)
    x = example_input(spec)
    torch.testing.assert_close(model(x)[0], hand_loop(model, x), atol=1e-5, rtol=1e-4)


def test_teacher_forcing_zero_ignores_the_targets_and_a_ratio_between_mixes_them():
    spec = spec_of(out_len=8)
    torch.manual_seed(2)
    model = build_model(spec)
    x = example_input(spec)
    y = torch.randint(spec.output_size, (spec.batch_size, spec.out_len))
    free = model.fed_back(model.embedding(x) if spec.vocab_size else x, None, 0.0)
    torch.testing.assert_close(model.fed_back(x, y, 0.0), free)
    truth = nn.functional.one_hot(y[:, :-1], spec.output_size).float()
    torch.testing.assert_close(model.fed_back(x, y, 1.0), truth)
    mixed = model.fed_back(x, y, 0.5, generator=torch.Generator().manual_seed(0))
    from_truth = [bool(torch.equal(mixed[:, k], truth[:, k])) for k in range(spec.out_len - 1)]
    assert any(from_truth) and not all(from_truth)
    again = model.fed_back(x, y, 0.5, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(mixed, again)


def test_the_recording_of_a_feedback_decoder_is_its_forward_pass_and_its_inputs_are_the_outputs_fed_back():
    spec = spec_of(cell="lstm", num_layers=1)
    torch.manual_seed(3)
    model = build_model(spec)
    x = example_input(spec)
    y = torch.randint(spec.output_size, (spec.batch_size, spec.out_len))
    recording = record(model, x, y)
    torch.testing.assert_close(torch.from_numpy(recording.outputs), model(x)[0].detach())
    written = recording.core_inputs[spec.seq_len :]  # (out_len, B, F)
    torch.testing.assert_close(torch.from_numpy(written[0]), model.start.detach().expand(spec.batch_size, -1))
    tokens = recording.step_outputs[spec.seq_len : -1].argmax(-1)  # each output, read by the next step
    table = model.feedback.weight.detach().T  # (O, F): row k is token k's vector
    torch.testing.assert_close(torch.from_numpy(written[1:]), table[torch.from_numpy(tokens)])
    assert recording.hidden_grad is not None and abs(recording.hidden_grad[0, 0, spec.seq_len :]).sum() > 0


def test_generated_code_of_a_feedback_decoder_equals_build_model():
    spec = spec_of(cell="lstm", vocab_size=9, batch_size=3)
    namespace: dict = {}
    exec(pytorch_code(spec), namespace)
    ours = build_model(spec)
    namespace["model"].load_state_dict({k.replace("core.", "rnn."): v for k, v in ours.state_dict().items()})
    x = example_input(spec)
    torch.testing.assert_close(namespace["model"](x), ours(x)[0], atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize(
    "changes,field",
    [
        (dict(topology="synced", decoder_input="token"), "decoder_input"),
        (dict(topology="many_to_one", decoder_input="value"), "decoder_input"),
        (dict(topology="many_to_many", decoder_input="token", bidirectional=True), "decoder_input"),
        (dict(topology="many_to_many", decoder_input="previous"), "decoder_input"),
    ],
)
def test_a_decoder_input_the_topology_cannot_have_is_a_spec_error(changes, field):
    with pytest.raises(SpecError) as caught:
        RNNSpec(**changes).validate()
    assert caught.value.field == field


@pytest.mark.parametrize("topology", ["many_to_many", "one_to_many"])
def test_parameter_count_counts_the_feedback_table_and_start_vector(topology):
    spec = spec_of(topology, vocab_size=6)
    assert spec.parameter_count == sum(p.numel() for p in build_model(spec).parameters())


def test_training_with_feedback_passes_the_targets_to_the_decoder_and_a_task_without_a_decoder_refuses():
    trainer = Trainer(TrainConfig(task="reverse", feedback=True, hidden_size=16, batch_size=8, seed=0))
    assert trainer.spec.decoder_input == "token" and trainer.model.feedback is not None
    batch = trainer._batch(4, seed=5)
    forced = trainer.forward(batch.x, batch.y)
    torch.testing.assert_close(forced, hand_loop(trainer.model, batch.x, batch.y), atol=1e-5, rtol=1e-4)
    assert Trainer(TrainConfig(task="wave", feedback=True, hidden_size=8)).spec.decoder_input == "value"
    with pytest.raises(TrainingError, match="only a task with a decoder"):
        TrainConfig(task="adding", feedback=True).validate()


@pytest.mark.parametrize("topology", ["many_to_many", "one_to_many"])
@pytest.mark.parametrize("batch_first", [True, False])
def test_the_shape_ledger_of_a_feedback_decoder_matches_a_real_pass(topology, batch_first):
    spec = spec_of(topology, "value", batch_first=batch_first, batch_size=3, seq_len=6, out_len=5)
    ledger = shape_ledger(spec).set_index("name")["shape"]
    model = build_model(spec)
    x = example_input(spec)
    read = model.core_input(x).narrow(model.time_axis, 0, spec.input_steps)
    fed = model.fed_back(read, None, 0.0)
    assert tuple(ledger["core input"]) == tuple(model.core_input(x).shape)
    assert tuple(ledger["y"]) == tuple(model(x)[0].shape)
    # fed_back is batch-first; the ledger shows the spec's layout
    assert tuple(ledger["v (fed back)"]) == (
        tuple(fed.shape) if batch_first else (fed.shape[1], fed.shape[0], spec.output_size)
    )
    assert tuple(ledger["feedback.weight"]) == tuple(model.feedback.weight.shape)
    assert ("start" in ledger.index) == (topology == "many_to_many")


def test_the_graph_draws_each_output_fed_back_into_the_next_input_and_no_gradient_along_it():
    spec = spec_of(cell="gru", num_layers=1, seq_len=3, out_len=3, batch_size=2)
    graph = unrolled_graph(spec)
    fed = [(e.source, e.target) for e in graph.edges if e.kind == "feedback"]
    assert fed == [("y3", "x4"), ("y4", "x5")]  # the first writing step (x3) reads the start vector
    assert [graph.node(f"x{t}").label for t in range(6)] == ["x_0", "x_1", "x_2", "^", "ŷ_3", "ŷ_4"]
    assert all(e.kind != "feedback" for e in unrolled_graph(spec.replace(decoder_input="empty")).edges)
    torch.manual_seed(4)
    model = build_model(spec)
    x = example_input(spec)
    values = graph_values(graph, record(model, x, torch.randint(2, (2, 3))))
    flows = dict(zip([(e.source, e.target, e.kind) for e in graph.edges], values.edge_backward))
    assert flows[("y3", "x4", "feedback")] == 0.0
    assert flows[("h0.0.3", "y3", "output")] > 0  # while y_3 itself does get a gradient from its loss


def test_a_short_teacher_forced_run_reports_free_running_below_teacher_forced_the_exposure_bias_gap():
    config = TrainConfig(
        task="add_digits", feedback=True, teacher_forcing=1.0, hidden_size=128, lr=0.003, eval_every=100, seed=0
    )
    summary = Trainer(config).run(100)
    assert summary["teacher_forced_value"] > summary["value"] + 0.02  # seed 0: 0.44 against 0.39


def test_the_writing_steps_are_labelled_with_what_they_read():
    trainer = Trainer(TrainConfig(task="add_digits", feedback=True, hidden_size=8, seed=0))
    batch = trainer._batch(1, seed=3)
    recording = record(trainer.model, batch.x)
    labels = written_labels(input_labels(trainer.task, batch.x[0], trainer.spec.steps), trainer.task, recording)
    first = trainer.spec.input_steps
    written = recording.step_outputs[first:-1, 0].argmax(-1)  # each output, read one step later
    assert labels[first:] == ["^"] + [trainer.task.vocabulary[int(k)] for k in written]
    assert labels[:first] == input_labels(trainer.task, batch.x[0], trainer.spec.steps)[:first]


def test_every_evaluation_of_a_decoder_that_feeds_back_keeps_its_teacher_forced_metric_charted_and_saved():
    from rnnviz.files.runs import load_run, run_bytes
    from rnnviz.plots.training import metric_figure
    from rnnviz.training.jobs import TrainingJob

    config = TrainConfig(task="add_digits", feedback=True, hidden_size=16, eval_every=5, probe_every=5, seed=0)
    trainer = Trainer(config)
    for _ in range(5):
        trainer.train_step()
    evaluation, batch = trainer.evaluate(), trainer.eval_batch
    with torch.no_grad():
        expected = trainer.task.metric_value(hand_loop(trainer.model, batch.x, targets=batch.y), batch)
    assert evaluation["teacher_forced"] == pytest.approx(expected, abs=1e-6)  # the hand loop, reading the truth
    assert "teacher_forced" not in Trainer(TrainConfig(task="adding", hidden_size=8)).evaluate()

    job = TrainingJob({"LSTM": config}, max_steps=10)
    job.start()
    job.join(120)
    lane = job.lanes["LSTM"]
    assert lane.evaluations and all("teacher_forced" in e for e in lane.evaluations)
    traces = {t.name: t for t in metric_figure(job.lanes, 0.1, "accuracy", 0.99).data}
    assert list(traces["LSTM, teacher-forced"].y) == [e["teacher_forced"] for e in lane.evaluations]
    loaded = load_run(run_bytes(job)).lanes["LSTM"]
    assert [e["teacher_forced"] for e in loaded.evaluations] == pytest.approx(
        [e["teacher_forced"] for e in lane.evaluations]
    )
