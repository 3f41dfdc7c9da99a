"""Each crafted run file of the test suite (tests/unit/crafted_files.py), loaded in a forked
child: refused or accepted, seconds, and peak memory growth in MB. The suite asserts < 2 s and
< 300 MB per file; this prints the figures, worst first.

    python benchmarks/crafted_files.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.unit.crafted_files import case_list  # noqa: E402
from tests.unit.test_crafted_files import load_in_child  # noqa: E402


def main() -> None:
    rows = []
    for name, data in case_list():
        outcome = load_in_child(data)
        verdict = "accepted" if outcome["accepted"] else "refused" if "error" in outcome else outcome.get("other")
        rows.append((outcome["peak_mb"], outcome["seconds"], len(data), name, verdict, outcome.get("error", "")))
    print(f"{'peak MB':>8} {'seconds':>8} {'file kB':>8}  case → outcome")
    for peak, seconds, size, name, verdict, error in sorted(rows, reverse=True):
        print(f"{peak:8.1f} {seconds:8.3f} {size / 1e3:8.0f}  {name} → {verdict}: {error[:90]}")
    print(f"{len(rows)} files; worst peak {max(r[0] for r in rows):.1f} MB, slowest {max(r[1] for r in rows):.3f} s")


if __name__ == "__main__":
    main()
