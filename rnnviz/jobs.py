"""Background training runs: a plain thread per run that never touches the UI.

A job trains one model, or several in lockstep (a race: RNN, GRU and LSTM take turns, one step
each, so they share the CPU fairly). The page polls `snapshot()`; the controls are thread-safe
calls. At most MAX_RUNNING jobs train at once on the whole server; the others wait, "queued",
first come first served (two cores: a third concurrent run would make every run 2-3× slower).

    idle → starting → (queued →) running ⇄ paused → finished | stopped | diverged | failed

"starting" while the thread takes its slot and builds its models; "queued" only when every slot
is taken, with the number of runs ahead of it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import torch

from rnnviz.recording import Recording
from rnnviz.train import TrainConfig, Trainer

MAX_RUNNING = 2
KEPT_PROBES = 64  # probes (and weight copies) a lane keeps; beyond that every second one is dropped
KEPT_BYTES = 48_000_000  # and at most this many bytes of probes per lane
ACTIVE = ("starting", "queued", "running", "paused")
WAIT_FOR_THREAD = 10.0  # seconds a control waits for the training thread to act on it


class SlotQueue:
    """At most `slots` holders at once; waiters are served strictly in arrival order."""

    def __init__(self, slots: int):
        self.slots = slots
        self._free = slots
        self._waiting: list[object] = []
        self._changed = threading.Condition()

    def acquire(self, who: object, stop: threading.Event, on_wait=None) -> bool:
        """Block until `who` is first in line and a slot is free; False if `stop` is set first.
        `on_wait()` is called once if it has to wait."""
        with self._changed:
            self._waiting.append(who)
            waited = False
            while not (self._waiting[0] is who and self._free > 0):
                if stop.is_set():
                    self._waiting.remove(who)
                    self._changed.notify_all()
                    return False
                if not waited and on_wait is not None:
                    on_wait()
                    waited = True
                self._changed.wait(0.1)
            self._waiting.pop(0)
            self._free -= 1
            self._changed.notify_all()
            return True

    def release(self) -> None:
        with self._changed:
            self._free += 1
            self._changed.notify_all()

    def ahead_of(self, who: object) -> int | None:
        """How many runs wait before `who`; None when it is not waiting."""
        with self._changed:
            return self._waiting.index(who) if who in self._waiting else None

    @property
    def running(self) -> int:
        return self.slots - self._free


SLOTS = SlotQueue(MAX_RUNNING)


@dataclass
class Lane:
    """One model's history in a job."""

    label: str
    config: TrainConfig
    steps: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    evaluations: list[dict] = field(default_factory=list)
    recordings: list[Recording] = field(default_factory=list)  # the probes, oldest first (thinned)
    weights: list[tuple[int, dict]] = field(default_factory=list)  # (step, state_dict) at each probe
    solved_at: int | None = None  # first evaluation step that met the task's bar

    @property
    def recording(self) -> Recording | None:
        """The latest probe."""
        return self.recordings[-1] if self.recordings else None

    @property
    def initial_state(self) -> dict | None:
        """The weights at step 0, for comparisons."""
        return self.weights[0][1] if self.weights else None

    def copy(self, until: int | None = None) -> Lane:
        """A copy whose lists the caller may keep; `until`: only what happened up to that step."""
        keep = (lambda step: True) if until is None else (lambda step: step <= until)
        rows = [k for k, step in enumerate(self.steps) if keep(step)]
        return Lane(
            self.label,
            self.config,
            [self.steps[k] for k in rows],
            [self.loss[k] for k in rows],
            [self.grad_norm[k] for k in rows],
            [e for e in self.evaluations if keep(e["step"])],
            [r for r in self.recordings if keep(r.step)],
            [w for w in self.weights if keep(w[0])],
            self.solved_at if self.solved_at is not None and keep(self.solved_at) else None,
        )

    def add(self, step: int, result=None, evaluation=None, recording=None, weights=None) -> None:
        """Record one step (see observe()); a second evaluation or probe at a step replaces the first."""
        if result is not None:
            self.steps.append(step)
            self.loss.append(result["loss"])
            self.grad_norm.append(result["grad_norm"])
        if evaluation is not None:
            self.evaluations = [e for e in self.evaluations if e["step"] != step] + [evaluation]
            if evaluation["solved"] and self.solved_at is None:
                self.solved_at = step
        if recording is not None:
            self.recordings = thin([r for r in self.recordings if r.step != step] + [recording], lambda r: r.nbytes)
            kept = {r.step for r in self.recordings}  # the weights of every probe kept
            self.weights = [w for w in self.weights if w[0] in kept and w[0] != step] + [(step, weights)]

    def weights_at(self, step: int | None = None) -> tuple[int, dict] | None:
        """(step, state_dict) of the latest kept weights at or before `step` (None: the last)."""
        found = [w for w in self.weights if step is None or w[0] <= step]
        return found[-1] if found else None


def thin(items: list, size=lambda item: 0, most: int = KEPT_PROBES, most_bytes: int = KEPT_BYTES) -> list:
    """Drop every second item (never the first or the last) until at most `most` items of at most
    `most_bytes` in all remain: a long run keeps probes spread over its whole length."""
    while len(items) > 2 and (len(items) > most or sum(size(item) for item in items) > most_bytes):
        items = items[:1] + items[1:-1][1::2] + items[-1:]
    return items


class TrainingJob:
    def __init__(self, configs: dict[str, TrainConfig], max_steps: int | None = None):
        for config in configs.values():
            config.validate()  # fail here, in the page, not inside the thread
        self.lanes = {label: Lane(label, config) for label, config in configs.items()}
        self.max_steps = max_steps
        self.state = "idle"
        self.message = ""
        self.started = self.ended = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._running = threading.Event()  # set: train; clear: paused
        self._running.set()
        self._single_steps = 0
        self._completed = 0  # steps the thread has finished (every lane one step each)
        self._step_done = threading.Condition()
        self._idle = threading.Event()  # set while the thread waits, paused, between steps
        self._thread: threading.Thread | None = None
        self._times: list[float] = []  # wall clock of recent steps, for steps per second
        self._trainers: dict[str, Trainer] = {}

    # -- controls (any thread) -------------------------------------------------------------

    def start(self) -> TrainingJob:
        self.state = "starting"
        self._thread = threading.Thread(target=self._main, name="rnnviz-training", daemon=True)
        self._thread.start()
        return self

    def pause(self) -> None:
        """Pause; returns once the thread has finished the step it was in, so the step counter
        the page shows next is the one it stays at."""
        self._running.clear()
        if self.state == "running":
            self.state = "paused"
        if self.alive and self.state == "paused":
            self._idle.wait(WAIT_FOR_THREAD)

    def resume(self) -> None:
        self._running.set()
        if self.state == "paused":
            self.state = "running"

    def step_once(self) -> None:
        """While paused, train exactly one more step; returns once it is done."""
        with self._lock:
            target = self._completed + 1
            self._single_steps += 1
        with self._step_done:
            self._step_done.wait_for(lambda: self._completed >= target or not self.active, WAIT_FOR_THREAD)

    def stop(self, wait: float = 5.0) -> None:
        self._stop.set()
        self._running.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(wait)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def snapshot(self) -> dict:
        """A consistent copy of everything the page draws."""
        with self._lock:
            lanes = {label: lane.copy() for label, lane in self.lanes.items()}
            recent = self._times[-50:]
            rate = (len(recent) - 1) / (recent[-1] - recent[0]) if len(recent) > 1 and recent[-1] > recent[0] else 0.0
            steps = max((lane.steps[-1] if lane.steps else 0) for lane in self.lanes.values())
            return {
                "state": self.state,
                "message": self.message,
                "lanes": lanes,
                "steps": steps,
                "steps_per_second": rate if self.state == "running" else None,  # None: not training now
                "max_steps": self.max_steps,
                "ahead": SLOTS.ahead_of(self) if self.state == "queued" else None,
            }

    def model_copy(self, label: str, initial: bool = False):
        """(trainer's task, a SeqModel with the current weights or those of step 0, step), or None
        before the run has built its models. The copy is the caller's: training goes on."""
        from rnnviz.model import build_model

        with self._lock:
            trainer = self._trainers.get(label)
            if trainer is None:
                return None
            state = self.lanes[label].initial_state if initial else _copy_state(trainer.model)
            step = 0 if initial else trainer.steps
        model = build_model(trainer.spec)
        model.load_state_dict(state)
        return trainer.task, model.eval(), step

    # -- the training thread ---------------------------------------------------------------

    def _main(self) -> None:
        torch.set_num_threads(1)  # see DESIGN.md: two threads on a busy 2-core machine crawl

        def wait_in_line():
            self.state = "queued"

        if not SLOTS.acquire(self, self._stop, on_wait=wait_in_line):
            self.state = "stopped"
            self._notify()
            return
        self.state = "starting"
        try:
            self.started = time.time()
            trainers = {label: Trainer(lane.config) for label, lane in self.lanes.items()}
            with self._lock:
                self._trainers = trainers
            self.state = "running" if self._running.is_set() else "paused"
            for label, trainer in trainers.items():
                self._record(label, trainer, None)
            self._loop(trainers)
        except Exception as error:  # shown in the page as a sentence, never a traceback
            self.state, self.message = "failed", f"Training failed: {error}"
        finally:
            self.ended = time.time()
            SLOTS.release()
            self._notify()

    def _notify(self) -> None:
        with self._step_done:
            self._step_done.notify_all()

    def _loop(self, trainers: dict[str, Trainer]) -> None:
        while not self._stop.is_set():
            if not self._running.is_set():
                with self._lock:
                    single = self._single_steps > 0
                    self._single_steps -= single
                if not single:
                    self._idle.set()
                    time.sleep(0.01)
                    continue
            self._idle.clear()
            for label, trainer in trainers.items():
                with self._lock:  # so model_copy() never sees a half-updated model
                    result = trainer.train_step()
                if result["diverged"]:
                    self.state, self.message = "diverged", f"{label}: {result['diverged']}"
                    self._record(label, trainer, None)
                    return
                self._record(label, trainer, result)
            self._times = self._times[-200:] + [time.perf_counter()]
            with self._step_done:
                self._completed += 1
                self._step_done.notify_all()
            if self.max_steps and min(t.steps for t in trainers.values()) >= self.max_steps:
                self.state, self.message = "finished", f"Finished the budget of {self.max_steps} steps."
                return
        self.state = "stopped"

    def _record(self, label: str, trainer: Trainer, result: dict | None) -> None:
        observed = observe(trainer, result)
        with self._lock:
            self.lanes[label].add(**observed)


def observe(trainer: Trainer, result: dict | None, evaluation: dict | None = None) -> dict:
    """What a lane records after a training step (`result`, from train_step): the step's loss,
    and an evaluation and a probe with its weights when they are due. result None (the start, or
    the end of a diverged run): evaluate and probe now. Pass `evaluation` if one was just made."""
    config, step = trainer.config, trainer.steps
    if evaluation is None and (result is None or step % config.eval_every == 0):
        evaluation = trainer.evaluate()
    probe = result is None or step % config.probe_every == 0
    return {
        "step": step,
        "result": result,
        "evaluation": evaluation,
        "recording": trainer.probe() if probe else None,
        "weights": _copy_state(trainer.model) if probe else None,
    }


def _copy_state(model) -> dict:
    return {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}


class RecipeJob:
    """A recipe (rnnviz.recipes) run in the background, its printed points collected as they come;
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
        return self

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    def stop(self) -> None:
        self._stop.set()

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
