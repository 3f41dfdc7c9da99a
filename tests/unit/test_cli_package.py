"""The `rnnviz` command as people expect it (issue 27): its version, defaults and allowed values in
--help, exit statuses, one JSON-lines schema, Ctrl-C keeping the partial run, options a recipe
cannot use refused, a progress bar on a terminal and plain lines elsewhere."""

import fcntl
import json
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
from importlib.metadata import version

import pytest

import rnnviz
from rnnviz.__main__ import main
from rnnviz.files.runs import load_run

SMALL = ["train", "--task", "parity", "--cell", "gru", "--hidden-size", "8", "--seq-len", "6"]


def rnnviz_command(*args: str, **options) -> subprocess.Popen:
    """`python -m rnnviz …` in a process of its own, from a folder that is not the repository."""
    return subprocess.Popen([sys.executable, "-m", "rnnviz", *args], cwd=options.pop("cwd", "/"), text=True, **options)


def test_the_version_is_the_packages(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"rnnviz {rnnviz.__version__}"
    assert version("rnn-explorer") == rnnviz.__version__  # the installed metadata reads the same file


def test_help_shows_defaults_bounds_and_allowed_values(capsys):
    for argv in (["train", "--help"], ["shapes", "--help"], ["sample", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    assert "training steps (at least 1) (default: 3000)" in text
    assert "--optimizer {adam,sgd,rmsprop}" in text and "(default: adam)" in text
    assert "default: lstm; one of rnn, lstm, gru, mingru, minlstm" in text  # shapes --cell
    assert "--hidden-size INT default: 16; 1 to" in text
    assert "--temperature TEMPERATURE 0 = greedy (default: 0.0)" in text


@pytest.mark.parametrize("argv", [["--steps", "-5"], ["--steps", "0"], ["--steps", "ten"], ["--threads", "0"]])
def test_a_bad_number_is_refused_with_status_2(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(SMALL + argv)
    assert exit_.value.code == 2
    assert "error: argument" in capsys.readouterr().err


def test_a_recipe_refuses_options_it_would_ignore(tmp_path, capsys):
    for option in (["--save", str(tmp_path / "m.safetensors")], ["--run", str(tmp_path / "r.rnnrun")], ["--feedback"]):
        assert main(["train", "--recipe", "chollet", *option]) == 2
        assert "has no " + option[0] in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_every_json_line_has_an_event_and_a_named_metric(capsys):
    lines = []
    for argv in (
        SMALL + ["--steps", "40", "--eval-every", "20", "--json"],
        ["train", "--recipe", "keras_imdb", "--json"],
    ):
        assert main(argv) == 0
        lines += [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    events = [line["event"] for line in lines]
    assert events == ["evaluation", "evaluation", "summary", "parameters", "parameters", "parameters"]
    for line in lines:
        if "metric" in line:
            assert isinstance(line["metric"], str) and isinstance(line["value"], float)
    assert lines[2]["metric"] == "accuracy" and lines[2]["stopped"] is False


def test_ctrl_c_stops_cleanly_and_writes_the_partial_run(tmp_path):
    path = tmp_path / "partial.rnnrun"
    argv = [*SMALL, "--steps", "100000", "--eval-every", "25", "--json", "--run", str(path)]
    process = rnnviz_command(*argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = json.loads(process.stdout.readline())  # training has started: an evaluation was printed
    assert first["event"] == "evaluation"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    summary = json.loads(out.splitlines()[-1])
    assert summary["event"] == "summary" and summary["stopped"] is True and summary["run"] == str(path)
    run = load_run(path)
    assert run.state == "stopped" and 25 <= run.last_step == summary["steps"] < 100000
    assert run.lanes["GRU"].steps[-1] == summary["steps"]


def test_progress_is_plain_lines_when_not_on_a_terminal():
    process = rnnviz_command(
        *SMALL, "--steps", "60", "--eval-every", "20", stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "\r" not in err
    assert [line.split(":")[0] for line in err.splitlines()] == ["step 20", "step 40", "step 60"]
    assert "parity with gru: 60 steps" in out


def test_progress_is_a_bar_with_rate_and_time_left_on_a_terminal():
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # a terminal 120 wide
    process = rnnviz_command(*SMALL, "--steps", "300", "--eval-every", "100", stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the command ended
            break
        if not chunk:
            break
        seen += chunk
    process.communicate(timeout=120)
    os.close(leader)
    text = seen.decode(errors="replace")
    assert process.returncode == 0
    assert "300/300" in text and "step/s" in text and "<" in text  # tqdm: count, rate, elapsed<left
    assert "loss " in text and "accuracy " in text  # the latest evaluation beside the bar
