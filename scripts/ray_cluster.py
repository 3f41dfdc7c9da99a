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
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the repo root
from scripts.server import free_port

RAY = str(Path(sys.executable).parent / "ray")


def auth_env() -> dict[str, str]:
    """Token authentication, with this process's token if its environment has one, else a new
    one: the cluster and whoever connects to it need it in their environment (Ray reads it when
    it is imported)."""
    token = os.environ.get("RAY_AUTH_TOKEN") if os.environ.get("RAY_AUTH_MODE") == "token" else None
    return {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": token or secrets.token_hex(16)}


class RayCluster:
    """`ray start --head --block` in a process group of its own: stop() ends this cluster only
    (`ray stop` would end every cluster on the machine, another test's too)."""

    def __init__(self, cpus: int = 2, env: dict[str, str] | None = None):
        self.folder = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short: Ray's sockets live under it
        port = free_port()
        self.address = f"127.0.0.1:{port}"
        self.env = env or auth_env()
        command = [RAY, "start", "--head", "--block", "--node-ip-address=127.0.0.1", f"--port={port}"]
        command += [f"--num-cpus={cpus}", "--include-dashboard=false", "--disable-usage-stats"]
        command.append(f"--temp-dir={self.folder}")
        self.process = subprocess.Popen(
            command,
            env={**os.environ, **self.env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._wait_for(port)

    def _wait_for(self, port: int, seconds: float = 120.0) -> None:
        """Until the head's GCS answers on its port (and a moment for its raylet)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ray start exited with status {self.process.returncode}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the Ray head did not answer on port {port} within {seconds:g} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # ray start --block stops what it started
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
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
            cluster.process.wait()
        except KeyboardInterrupt:
            pass
