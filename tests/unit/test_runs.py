"""Run files (record and replay, item 1): a run saved and loaded is the same run, the CLI's --run
file holds what it printed, and a malformed file is refused with a RunFileError naming the problem."""

import io
import json
import random
import time
import zipfile

import numpy as np
import pytest
import torch

from rnnviz.__main__ import main
from rnnviz.analysis.recording import arrays
from rnnviz.files.runs import MAX_UNPACKED_BYTES, Run, RunFileError, load_run, recording_npz, run_bytes, save_run
from rnnviz.training.jobs import TrainingJob
from rnnviz.training.train import TrainConfig

CONFIG = TrainConfig(task="adding", hidden_size=8, seq_len=12, batch_size=16, probe_every=10, eval_every=10)


@pytest.fixture(scope="module")
def race():
    lanes = {c.upper(): CONFIG.replace(cell=c, lr=3e-3 if c == "rnn" else 1e-2) for c in ("rnn", "gru", "lstm")}
    job = TrainingJob(lanes, max_steps=40).start()
    deadline = time.time() + 60
    while job.active and time.time() < deadline:
        time.sleep(0.05)
    assert job.state == "finished", job.message
    return job


@pytest.fixture(scope="module")
def race_file(race):
    return run_bytes(race)


def test_a_saved_race_loads_with_identical_histories_probes_and_weights(race, race_file, tmp_path):
    path = save_run(race, tmp_path / "race.rnnrun")
    assert path.read_bytes() == race_file  # the same run always gives the same bytes
    loaded, original = load_run(path), Run.of(race)
    assert list(loaded.lanes) == ["RNN", "GRU", "LSTM"]
    x = torch.Generator().manual_seed(5)
    fixed_input = torch.rand(3, 12, 2, generator=x)
    for label, lane in original.lanes.items():
        copy = loaded.lanes[label]
        assert copy.config == lane.config
        assert (copy.steps, copy.loss, copy.grad_norm) == (lane.steps, lane.loss, lane.grad_norm)
        assert copy.evaluations == lane.evaluations and copy.solved_at == lane.solved_at
        assert [r.step for r in copy.recordings] == [0, 10, 20, 30, 40]
        for mine, theirs in zip(copy.recordings, lane.recordings):
            assert mine.spec == theirs.spec and mine.loss == theirs.loss and mine.tbptt == theirs.tbptt
            assert mine.param_grad_norms == theirs.param_grad_norms
            ours, reference = arrays(mine), arrays(theirs)
            assert ours.keys() == reference.keys()
            for name in reference:
                np.testing.assert_array_equal(ours[name], reference[name], err_msg=name)
        for initial in (True, False):  # the model's outputs on a fixed input are equal
            _, replayed, step = loaded.model_copy(label, initial=initial)
            _, trained, trained_step = race.model_copy(label, initial=initial)
            assert step == trained_step == (0 if initial else 40)
            with torch.no_grad():
                assert torch.equal(replayed(fixed_input)[0], trained(fixed_input)[0])


def test_a_replay_at_a_step_shows_the_run_as_it_stood_then(race_file):
    run = load_run(race_file)
    assert run.frames() == [0, 10, 20, 30, 40]
    snapshot = run.snapshot(until=20)
    lane = snapshot["lanes"]["LSTM"]
    assert lane.steps[-1] == 20 and [e["step"] for e in lane.evaluations] == [0, 10, 20]
    assert lane.recording.step == 20 and snapshot["state"] == "replay"
    assert run.snapshot()["state"] == "finished"
    _, model, step = run.model_copy("GRU", step=25)
    assert step == 20


def test_thinning_keeps_the_first_and_last_probe_and_saving_keeps_the_chosen_count(race):
    run = load_run(run_bytes(race, probes=3, weights=2))
    lane = run.lanes["LSTM"]
    assert [r.step for r in lane.recordings] == [0, 20, 40]
    assert [w[0] for w in lane.weights] == [0, 40]


def test_cli_run_file_holds_the_losses_it_printed(tmp_path, capsys):
    path = tmp_path / "cli.rnnrun"
    argv = ["train", "--task", "parity", "--cell", "gru", "--hidden-size", "8", "--seq-len", "6", "--steps", "60"]
    status = main(argv + ["--eval-every", "20", "--probe-every", "30", "--json", "--run", str(path)])
    assert status == 0
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    progress, summary = printed[:-1], printed[-1]
    lane = load_run(path).lanes["GRU"]
    assert [p["step"] for p in progress] == [20, 40, 60]
    for line in progress:
        k = lane.steps.index(line["step"])
        assert lane.loss[k] == line["loss"]
        evaluation = next(e for e in lane.evaluations if e["step"] == line["step"])
        assert (evaluation["eval_loss"], evaluation["metric"]) == (line["eval_loss"], line["value"])
        assert line["event"] == "evaluation" and line["metric"] == "accuracy"
    assert lane.steps == list(range(1, 61)) and summary["run"] == str(path)
    assert [r.step for r in lane.recordings] == [0, 30, 60] and [w[0] for w in lane.weights] == [0, 30, 60]


def _rezip(data: bytes, change) -> bytes:
    """The run file with its members passed through change(members) → members."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in change(members).items():
            archive.writestr(name, content)
    return out.getvalue()


def _with(name, content):
    return lambda members: {**members, name: content}


def _npz_with(name, array) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **{name: array})
    return buffer.getvalue()


def _header(change):
    def edit(members):
        header = json.loads(members["run.json"])
        change(header)
        return {**members, "run.json": json.dumps(header).encode()}

    return edit


def _swap_weights(members):
    """The GRU's weights where the LSTM's should be: another configuration."""
    return {**members, "lanes/2/weights/0.safetensors": members["lanes/1/weights/0.safetensors"]}


def _huge_npy_header(members):
    header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000), }"
    npy = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + b"\x00" * 16
    probe = _rezip(members["lanes/0/probes/0.npz"], _with("hidden.npy", npy))
    return {**members, "lanes/0/probes/0.npz": probe}


def _pickled_probe(members):
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    probe = _rezip(members["lanes/0/probes/0.npz"], _with("hidden.npy", buffer.getvalue()))
    return {**members, "lanes/0/probes/0.npz": probe}


MALFORMED = {
    "an empty file": (lambda data: b"", "empty"),
    "not a zip": (lambda data: b"hello, this is text" * 10, "not a zip"),
    "a truncated zip": (lambda data: data[: len(data) // 2], "truncated"),
    "no run.json": (lambda data: _rezip(data, lambda m: {k: v for k, v in m.items() if k != "run.json"}), "run.json"),
    "run.json not JSON": (lambda data: _rezip(data, _with("run.json", b"{not json")), "not valid JSON"),
    "run.json a list": (lambda data: _rezip(data, _with("run.json", b"[1, 2]")), "format"),
    "another version": (lambda data: _rezip(data, _header(lambda h: h.update(version=99))), "version 99"),
    "no lanes": (lambda data: _rezip(data, _header(lambda h: h.update(lanes=[]))), "between 1 and 8 lanes"),
    "a config value of the wrong type": (
        lambda data: _rezip(data, _header(lambda h: h["lanes"][0]["config"].update(hidden_size="big"))),
        "hidden_size",
    ),
    "an invalid config": (
        lambda data: _rezip(data, _header(lambda h: h["lanes"][0]["config"].update(hidden_size=0))),
        "hidden_size",
    ),
    "a switch that is not true or false": (
        lambda data: _rezip(data, _header(lambda h: h["lanes"][0]["config"].update(feedback="yes"))),
        "feedback = 'yes' is not a bool",
    ),
    "feedback on a task without a decoder": (
        lambda data: _rezip(data, _header(lambda h: h["lanes"][0]["config"].update(feedback=True))),
        "only a task with a decoder",
    ),
    "an unknown setting": (
        lambda data: _rezip(data, _header(lambda h: h["lanes"][0]["config"].update(evil=1))),
        "unknown settings",
    ),
    "a pickle member": (lambda data: _rezip(data, _with("payload.pkl", b"\x80\x04K\x01.")), "not part of a run file"),
    "a path outside": (lambda data: _rezip(data, _with("../../etc/passwd", b"x")), "not part of a run file"),
    "a member no lane lists": (lambda data: _rezip(data, _with("lanes/0/probes/999.npz", b"x")), "no lane lists"),
    "a listed member missing": (
        lambda data: _rezip(data, lambda m: {k: v for k, v in m.items() if k != "lanes/1/history.csv"}),
        "lacks lanes/1/history.csv",
    ),
    "history that is binary": (
        lambda data: _rezip(data, _with("lanes/0/history.csv", bytes(range(256)) * 4)),
        "history",
    ),
    "history with other columns": (lambda data: _rezip(data, _with("lanes/0/history.csv", b"a,b\n1,2\n")), "columns"),
    "history with text for numbers": (
        lambda data: _rezip(data, _with("lanes/0/history.csv", b"step,loss,grad_norm\n1,lots,2\n")),
        "numbers",
    ),
    "history whose steps go back": (
        lambda data: _rezip(data, _with("lanes/0/history.csv", b"step,loss,grad_norm\n2,1,1\n1,1,1\n")),
        "increase",
    ),
    "a probe that is a CSV": (lambda data: _rezip(data, _with("lanes/0/probes/0.npz", b"a,b\n")), "not a zip"),
    "a pickle inside a probe": (lambda data: _rezip(data, _pickled_probe), "object"),
    "a probe array of the wrong shape": (
        lambda data: _rezip(
            data,
            lambda m: {
                **m,
                "lanes/0/probes/0.npz": _rezip(m["lanes/0/probes/0.npz"], _with("hidden.npy", _npy(np.zeros(3)))),
            },
        ),
        "hidden states",
    ),
    "a huge declared array": (lambda data: _rezip(data, _huge_npy_header), "declares shape"),
    "weights that are not safetensors": (
        lambda data: _rezip(data, _with("lanes/0/weights/0.safetensors", b"\x00" * 64)),
        "weights at step 0",
    ),
    "weights of another configuration": (lambda data: _rezip(data, _swap_weights), "another configuration"),
}


def _npy(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_run_files_are_refused_with_a_sentence(race_file, name):
    make, words = MALFORMED[name]
    with pytest.raises(RunFileError, match=words):
        load_run(make(race_file))


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    path = tmp_path / "bomb.rnnrun"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("lanes/0/history.csv", "w", force_zip64=True) as member:
            chunk = b"0" * 1_000_000
            for _ in range(MAX_UNPACKED_BYTES // len(chunk) + 10):
                member.write(chunk)
    assert path.stat().st_size < 2_000_000
    with pytest.raises(RunFileError, match="declares .* MB unpacked"):
        load_run(path)


def test_damaged_bytes_give_a_run_file_error_or_a_run_never_another_exception(race_file):
    generator = random.Random(0)
    for trial in range(600):
        data = bytearray(race_file)
        if trial % 3 == 0:
            data = data[: generator.randrange(len(data))]
        else:
            for _ in range(generator.randrange(1, 20)):
                data[generator.randrange(len(data))] = generator.randrange(256)
        try:
            load_run(bytes(data))
        except RunFileError:
            pass


def test_other_inputs_are_refused(tmp_path):
    with pytest.raises(RunFileError, match="folder"):
        load_run(tmp_path)
    with pytest.raises(RunFileError, match="path or bytes"):
        load_run(12)


def test_a_recording_npz_is_a_plain_npz_numpy_reads_without_pickle(race):
    recording = race.snapshot()["lanes"]["LSTM"].recording
    with np.load(io.BytesIO(recording_npz(recording)), allow_pickle=False) as npz:
        np.testing.assert_array_equal(npz["hidden"], recording.hidden)
        assert json.loads(str(npz["meta"]))["step"] == recording.step


@pytest.mark.parametrize("demo", ["adding_race_T50", "char_rnn", "parity_race"])
def test_bundled_demo_runs_load_are_small_and_replay_their_whole_run(demo):
    from scripts.make_demo_runs import DEMOS, FOLDER

    path = FOLDER / f"{demo}.rnnrun"
    assert path.stat().st_size < 2_000_000
    run = load_run(path)
    expected = next(d for d in DEMOS if d.file == path.name)
    assert run.title == expected.title and list(run.lanes) == list(expected.lanes)
    for label, lane in run.lanes.items():
        assert lane.config == expected.lanes[label]
        assert lane.steps == list(range(1, expected.steps + 1))
        assert lane.weights[0][0] == 0 and lane.weights[-1][0] == expected.steps
    if demo == "adding_race_T50":  # the lesson the race teaches: gated cells solve it, the plain RNN does not
        assert run.lanes["GRU"].solved_at and run.lanes["LSTM"].solved_at and run.lanes["RNN"].solved_at is None


def test_the_demo_script_is_deterministic(tmp_path):
    from scripts.make_demo_runs import Demo, make

    demo = Demo("tiny.rnnrun", "tiny", {"GRU": CONFIG.replace(cell="gru")}, 30, probes=2, weights=2)
    first = make(demo, tmp_path).read_bytes()
    assert make(demo, tmp_path).read_bytes() == first


def test_a_decoder_that_feeds_back_its_outputs_saves_and_replays_with_its_teacher_forcing(tmp_path):
    config = TrainConfig(task="reverse", feedback=True, teacher_forcing=0.5, hidden_size=8, batch_size=8, probe_every=5)
    job = TrainingJob({"LSTM": config}, max_steps=10).start()
    deadline = time.time() + 60
    while job.active and time.time() < deadline:
        time.sleep(0.05)
    assert job.state == "finished", job.message
    lane = load_run(save_run(job, tmp_path / "decoder.rnnrun")).lanes["LSTM"]
    assert (lane.config.feedback, lane.config.teacher_forcing) == (True, 0.5)
    assert lane.recordings[-1].spec.decoder_input == "token"
