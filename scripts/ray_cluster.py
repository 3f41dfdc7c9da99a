"""A real Ray cluster on loopback, started with `ray start --head` (two CPUs, no dashboard) in a
folder of its own, with token authentication and a token of its own: for the Ray tests, and to
try RNNVIZ_RAY_ADDRESS by hand. Whoever connects needs `cluster.env` in its environment.

    with RayCluster() as cluster:        # cluster.address: "127.0.0.1:<port>"
        Server(env={"RNNVIZ_RAY_ADDRESS": cluster.address, **cluster.env})

    python scripts/ray_cluster.py        # starts one, prints its address, stops it on Ctrl-C
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the repo root
from scripts.server import free_port

RAY = str(Path(sys.executable).parent / "ray")


def auth_env() -> dict[str, str]:
    """Token authentication with a new token: the cluster and whoever connects to it need it in
    their environment (Ray reads it when it is imported)."""
    return {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(16)}


class RayCluster:
    def __init__(self, cpus: int = 2, env: dict[str, str] | None = None):
        self.folder = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short: Ray's sockets live under it
        self.address = f"127.0.0.1:{free_port()}"
        self.env = env or auth_env()
        command = [RAY, "start", "--head", "--node-ip-address=127.0.0.1", f"--port={self.address.split(':')[1]}"]
        command += [f"--num-cpus={cpus}", "--include-dashboard=false", "--disable-usage-stats"]
        command.append(f"--temp-dir={self.folder}")
        subprocess.run(command, check=True, capture_output=True, timeout=120, env={**os.environ, **self.env})

    def stop(self) -> None:
        subprocess.run([RAY, "stop", "--force"], capture_output=True, timeout=120, env={**os.environ, **self.env})
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> RayCluster:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


if __name__ == "__main__":
    with RayCluster() as cluster:
        settings = " ".join(f"{k}={v}" for k, v in {"RNNVIZ_RAY_ADDRESS": cluster.address, **cluster.env}.items())
        print(f"export {settings}   (Ctrl-C stops the cluster)", flush=True)
        try:
            subprocess.run(["sleep", "infinity"])
        except KeyboardInterrupt:
            pass
