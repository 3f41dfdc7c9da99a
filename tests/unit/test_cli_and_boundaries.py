"""The CLI, and the rule that rnnviz never imports streamlit."""

import ast
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "rnnviz", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_shapes_command_prints_the_ledger():
    result = run_cli("shapes", "--cell", "lstm", "--batch-size", "32", "--seq-len", "100", "--input-size", "8")
    assert result.returncode == 0, result.stderr
    x_line = next(line for line in result.stdout.splitlines() if line.split()[:2] == ["input", "x"])
    assert "(32, 100, 8)" in x_line
    assert "lstm.weight_ih_l0" in result.stdout


def test_shapes_command_csv():
    result = run_cli("shapes", "--cell", "gru", "--csv")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0] == "group,name,shape,axes,elements,torch,note"


def test_bad_option_is_a_sentence_not_a_traceback():
    result = run_cli("shapes", "--hidden-size", "zero")
    assert result.returncode == 2
    assert "hidden_size must be a whole number" in result.stderr
    assert "Traceback" not in result.stderr


def test_rnnviz_never_imports_streamlit():
    for path in (ROOT / "rnnviz").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            )
            assert not any(n.split(".")[0] == "streamlit" for n in names), path
    code = "import sys, rnnviz, rnnviz.__main__; assert 'streamlit' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
