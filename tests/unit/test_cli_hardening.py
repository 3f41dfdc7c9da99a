"""Crafted checkpoints and bad options: `python -m rnnviz sample` answers each with one line on
stderr and exit status 2, never a traceback; load_checkpoint raises only CheckpointError
(hardening issue, item 4)."""

import json
import math
import os
import subprocess
import sys

import pytest
import torch
from safetensors.torch import save as save_bytes

from rnnviz import RNNSpec, build_model
from rnnviz.__main__ import main
from rnnviz.files.export import CheckpointError, load_checkpoint, save_checkpoint

SPEC = RNNSpec(cell="gru", topology="synced", vocab_size=5, input_size=4, hidden_size=6, output_size=5)
VOCABULARY = list("abcde")


def _file(tmp_path, tensors=None, metadata=None, raw_metadata=None) -> str:
    model = build_model(SPEC)
    tensors = dict(model.state_dict()) if tensors is None else tensors
    header = {"spec": SPEC.to_params(), "task": "char", "vocabulary": VOCABULARY} if metadata is None else metadata
    text = json.dumps(header) if raw_metadata is None else raw_metadata
    path = tmp_path / "model.safetensors"
    path.write_bytes(save_bytes({k: v.contiguous() for k, v in tensors.items()}, metadata={"rnnviz": text}))
    return str(path)


def _weights(**changes):
    state = {k: v.clone() for k, v in build_model(SPEC).state_dict().items()}
    state.update(changes)
    return state


CRAFTED = {
    "metadata is a JSON list": (dict(raw_metadata="[1, 2]"), "not an object"),
    "metadata is a JSON string": (dict(raw_metadata='"spec"'), "not an object"),
    "spec is a list": (dict(metadata={"spec": ["cell", "gru"]}), "not a set of named settings"),
    "deeply nested JSON": (dict(raw_metadata="[" * 100_000 + "]" * 100_000), "no readable rnnviz metadata"),
    "vocabulary shorter than the output": (
        dict(metadata={"spec": SPEC.to_params(), "vocabulary": ["a", "b"]}),
        "vocabulary has 2 tokens",
    ),
    "vocabulary not strings": (
        dict(metadata={"spec": SPEC.to_params(), "vocabulary": [1, 2, 3, 4, 5]}),
        "not a list of strings",
    ),
    "NaN weights": (dict(tensors=_weights(**{"head.bias": torch.full((5,), math.nan)})), "NaN or infinite"),
    "infinite weights": (
        dict(tensors=_weights(**{"core.weight_hh_l0": torch.full((18, 6), math.inf)})),
        "NaN or infinite",
    ),
    "an extra tensor": (dict(tensors=_weights(extra=torch.zeros(2))), "unexpected: ['extra']"),
    "a missing tensor": (
        dict(tensors={k: v for k, v in _weights().items() if k != "head.bias"}),
        "missing: ['head.bias']",
    ),
    "a wrong shape": (dict(tensors=_weights(**{"head.bias": torch.zeros(7)})), "wrong shape: ['head.bias']"),
    "integer weights": (dict(tensors=_weights(**{"head.bias": torch.zeros(5, dtype=torch.long)})), "floating-point"),
}


def _run(argv, capsys) -> tuple[int, str]:
    code = main(argv)
    err = capsys.readouterr().err
    return code, err


@pytest.mark.parametrize("case", CRAFTED)
def test_crafted_checkpoints_give_one_line_and_exit_2(case, tmp_path, capsys):
    kwargs, words = CRAFTED[case]
    path = _file(tmp_path, **kwargs)
    code, err = _run(["sample", path, "--prime", "ab"], capsys)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ") and words in err, err
    with pytest.raises(CheckpointError, match=words.replace("[", r"\[").replace("]", r"\]")):
        load_checkpoint(open(path, "rb").read())  # the bytes of an upload: the same refusal


@pytest.mark.parametrize(
    "options,words",
    [
        (["--temperature", "nan"], "temperature"),
        (["--temperature", "-1"], "temperature"),
        (["--temperature", "inf"], "temperature"),
        (["--length", "0"], "length"),
        (["--top-k", "9"], "top_k"),
        (["--prime", "xyz"], "not known"),
        (["--seed", "-3"], "seed"),
    ],
)
def test_bad_sampling_options_give_one_line_and_exit_2(options, words, tmp_path, capsys):
    path = tmp_path / "good.safetensors"
    save_checkpoint(path, build_model(SPEC), task="char", vocabulary=VOCABULARY)
    code, err = _run(["sample", str(path), "--prime", "ab", *options], capsys)
    assert code == 2 and err.count("\n") == 1 and words in err, err
    assert main(["sample", str(path), "--prime", "ab"]) == 0  # the file itself is fine


@pytest.mark.parametrize("source", [b"", b"\x00" * 7, b"\xff" * 64, os.urandom(300)])
def test_load_checkpoint_of_garbage_bytes_raises_only_checkpoint_error(source):
    with pytest.raises(CheckpointError):
        load_checkpoint(source)


def test_load_checkpoint_of_a_truncated_file_raises_checkpoint_error(tmp_path):
    data = open(_file(tmp_path), "rb").read()
    for cut in (9, len(data) // 2, len(data) - 1):
        with pytest.raises(CheckpointError):
            load_checkpoint(data[:cut])


def test_load_checkpoint_of_the_wrong_type_raises_checkpoint_error():
    with pytest.raises(CheckpointError, match="path or bytes"):
        load_checkpoint(12)  # type: ignore[arg-type]


def test_the_real_command_on_dev_zero_and_a_folder(tmp_path):
    for target in ("/dev/zero", str(tmp_path)):
        done = subprocess.run(
            [sys.executable, "-m", "rnnviz", "sample", target], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
