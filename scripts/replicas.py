"""Several `streamlit run app.py` replicas behind Debian's nginx with sticky sessions:
deploy/nginx.conf with its upstream servers, listen address and static path replaced. For the
replica test, the classroom benchmark (`--replicas 2`), and a lecture on one machine:

    python scripts/replicas.py --replicas 2 --port 8080 --host 0.0.0.0    (Ctrl-C stops them)

    with Replicas(2) as replicas:   # replicas.url is nginx; replicas.servers the streamlit processes
        ...
    routes(replicas.access_log)     # route cookie → the replicas its requests reached
"""

from __future__ import annotations

import argparse
import collections
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

import streamlit

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # run as a script: the repo root

from rnnviz.serving.slots import CORES
from scripts.server import ROOT, Server, free_port

CONFIG = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_config(ports: list[int], listen: int, host: str = "127.0.0.1") -> str:
    """deploy/nginx.conf serving `listen` in front of the replicas on `ports`: each block of lines
    marked "# replica" becomes one line per port (its address and its name r1, r2, …)."""
    text = CONFIG.read_text()
    blocks = re.findall(r"(?:^[^\n]*# replica\n)+", text, flags=re.M)
    if len(blocks) != 3 or "listen 8080;" not in text or "# streamlit static" not in text:
        raise RuntimeError("deploy/nginx.conf no longer has the replica and listen lines this script replaces")
    for block in blocks:
        template = block.splitlines()[0]
        lines = [
            re.sub(r"\br\d+\b", f"r{k + 1}", re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{port}", template))
            for k, port in enumerate(ports)
        ]
        text = text.replace(block, "".join(line + "\n" for line in lines))
    static = pathlib.Path(streamlit.__file__).parent / "static"
    text = re.sub(r"root \S+;  # streamlit static", f"root {static};  # streamlit static", text)
    return text.replace("listen 8080;", f"listen {host}:{listen};")


class Replicas:
    def __init__(self, count: int = 2, env: dict[str, str] | None = None, port: int | None = None, host: str = ""):
        if not pathlib.Path(NGINX).exists():
            raise RuntimeError("nginx is missing: apt-get install -y nginx")
        self.count, self.env, self.host = count, env, host or "127.0.0.1"
        self.port = port or free_port()
        self.servers: list[Server] = []
        self.nginx: subprocess.Popen | None = None

    def __enter__(self) -> Replicas:
        self.folder = pathlib.Path(tempfile.mkdtemp(prefix="rnnviz-nginx-"))
        self.folder.chmod(0o755)  # nginx started as root runs its workers as nobody
        try:
            self.servers = [Server(env=self.env) for _ in range(self.count)]
            self.url = f"http://127.0.0.1:{self.port}"
            config = nginx_config([s.port for s in self.servers], self.port, self.host)
            (self.folder / "nginx.conf").write_text(config)
            self.nginx = subprocess.Popen(
                [NGINX, "-p", str(self.folder), "-c", "nginx.conf", "-g", "daemon off;"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            self._wait_healthy()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_healthy(self) -> None:
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.nginx.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.nginx.stderr.read().decode()[-2000:]}")
            try:
                if urllib.request.urlopen(self.url + "/_stcore/health", timeout=2).read() == b"ok":
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("nginx did not answer in 30 s")

    def replica_of(self, route: str | None) -> tuple[str, str]:
        """(the replica (host:port) nginx sends a request with the route cookie `route` to (None:
        none), the route cookie its answer sets)."""
        headers = {"Cookie": f"rnnviz_route={route}"} if route is not None else {}
        request = urllib.request.Request(self.url + "/_stcore/health", headers=headers)
        with urllib.request.urlopen(request, timeout=5) as answer:
            cookies = " ".join(answer.headers.get_all("Set-Cookie") or [])
            cookie = re.search(r"rnnviz_route=([^;]*)", cookies).group(1)
            return answer.headers["X-Rnnviz-Replica"], cookie

    @property
    def access_log(self) -> pathlib.Path:
        return self.folder / "access.log"

    def __exit__(self, *exc) -> None:
        if self.nginx is not None:
            self.nginx.terminate()
            self.nginx.wait(10)
        for server in self.servers:
            server.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def routes(access_log: pathlib.Path) -> dict[str, dict[str, list[str]]]:
    """route → replica → the paths it served, from nginx's access log (format `route` in the config)."""
    found: dict[str, dict[str, list[str]]] = collections.defaultdict(lambda: collections.defaultdict(list))
    for line in access_log.read_text().splitlines():
        match = re.match(r'(\S+) (\S+) \d+ "\S+ (\S+)', line)
        if match and match.group(2) != "-":
            route, replica, path = match.groups()
            found[route][replica].append(path)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description="A lecture on one machine: replicas behind nginx.")
    parser.add_argument("--replicas", type=int, default=CORES, help="streamlit processes (one per core)")
    parser.add_argument("--port", type=int, default=8080, help="the port the class opens")
    parser.add_argument("--host", default="0.0.0.0", help="the address nginx listens on (0.0.0.0: every network)")
    args = parser.parse_args()
    if not 1 <= args.replicas <= 32 or not 1 <= args.port <= 65535:
        parser.error("replicas 1 to 32, port 1 to 65535")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stopped by a service manager: stop the replicas too
    share = {"RNNVIZ_MAX_RUNS": str(max(1, CORES // args.replicas))}  # the machine's cores, shared out
    with Replicas(args.replicas, env=share, port=args.port, host=args.host) as replicas:
        print(
            f"{args.replicas} replicas behind nginx on http://{args.host}:{args.port}  (Ctrl-C stops them)", flush=True
        )
        try:
            replicas.nginx.wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
