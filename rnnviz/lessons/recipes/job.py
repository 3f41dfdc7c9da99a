"""A recipe run in the background, its printed points collected as they come."""

from __future__ import annotations

import threading

import torch

from rnnviz.training.jobs import ACTIVE, SLOTS, track


class RecipeJob:
    """A recipe (rnnviz.lessons.recipes) run in the background, its printed points collected as they come;
    it waits for a training slot like any run."""

    def __init__(self, recipe, seed: int):
        self.recipe, self.seed = recipe, seed
        self.points: list[tuple[int, float]] = []
        self.result = None
        self.state, self.message = "starting", ""
        self._stop = threading.Event()
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
        self.join(wait)

    def join(self, wait: float) -> None:
        if wait > 0 and self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(wait)

    def _point(self, x: int, value: float) -> None:
        if self._stop.is_set():
            raise InterruptedError
        self.points = self.points + [(x, value)]

    def _main(self) -> None:
        torch.set_num_threads(1)

        def wait_in_line():
            self.state = "queued"

        if not SLOTS.acquire(self, self._stop, on_wait=wait_in_line):
            self.state = "stopped"
            return
        try:
            self.state = "running"
            self.result = self.recipe.train(self.seed, on_point=self._point)
            self.state = "finished"
        except InterruptedError:
            self.state = "stopped"
        except Exception as error:  # shown in the page as a sentence
            self.state, self.message = "failed", f"The recipe failed: {error}"
        finally:
            SLOTS.release()
