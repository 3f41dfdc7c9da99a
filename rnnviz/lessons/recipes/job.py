"""A recipe run in a worker process (as training runs are: rnnviz.serving.process_jobs), its
printed points collected as they come; it waits for a training slot like any run."""

from __future__ import annotations

import threading

import torch

from rnnviz.training.jobs import ACTIVE, SLOTS, track


def _train(conn, name: str, seed: int) -> None:
    """The worker: train the recipe, sending each printed point, then its result."""
    from rnnviz.lessons.recipes import RECIPES

    torch.set_num_threads(1)
    try:
        result = RECIPES[name].train(seed, on_point=lambda x, value: conn.send(("point", x, value)))
        conn.send(("result", result))
    except Exception as error:  # shown in the page as a sentence
        conn.send(("failed", f"The recipe failed: {error}"))


class RecipeJob:
    """A recipe (rnnviz.lessons.recipes) run in a worker process, its printed points collected as
    they come; it waits for a training slot like any run."""

    def __init__(self, recipe, seed: int):
        self.recipe, self.seed = recipe, seed
        self.points: list[tuple[int, float]] = []
        self.result = None
        self.state, self.message = "starting", ""
        self._stop = threading.Event()
        self._process = None
        self._thread = threading.Thread(target=self._main, name="rnnviz-recipe", daemon=True)

    def start(self) -> RecipeJob:
        self._thread.start()
        track(self)
        return self

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self, wait: float = 0) -> None:
        self._stop.set()
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
        self.join(wait)

    def join(self, wait: float) -> None:
        if wait > 0 and self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(wait)

    def _main(self) -> None:
        from rnnviz.serving.process_jobs import start_process

        def wait_in_line():
            self.state = "queued"

        if not SLOTS.acquire(self, self._stop, on_wait=wait_in_line):
            self.state = "stopped"
            return
        try:
            self.state = "running"
            conn, self._process = start_process(_train, self.recipe.name, self.seed)
            self._listen(conn)
        finally:
            SLOTS.release()

    def _listen(self, conn) -> None:
        while True:
            try:
                kind, *values = conn.recv()
            except (EOFError, OSError):
                break
            if kind == "point":
                self.points = self.points + [tuple(values)]
            elif kind == "result":
                self.result, self.state = values[0], "finished"
            else:
                self.state, self.message = "failed", values[0]
        self._process.join(5)
        if self._stop.is_set():
            self.state = "stopped"
        elif self.state == "running":
            self.state = "failed"
            self.message = f"The recipe's process ended unexpectedly (exit code {self._process.exitcode})."
