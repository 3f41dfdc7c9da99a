"""Trainer: fused training steps, probes through the unrolled loop, evaluation, divergence stop.

Training uses the fused torch module (3-15× faster than the explicit loop on CPU); every
`probe_every` steps the explicit loop runs on a fixed probe batch of four sequences, with the
same parameters, and its Recording is what the pages draw.

A run that diverges stops by itself and puts back the weights that gave the lowest loss: a loss
or gradient that is NaN or infinite, a single loss a thousand times the reference, a loss whose
mean over a window of steps stays far above the reference, or one that grows a hundredfold over
its best window. The reference is the larger of the memoryless baseline and the first loss.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, field, make_dataclass

import torch

from rnnviz.analysis.recording import Recording, record, sequence_loss
from rnnviz.net import budget
from rnnviz.net.device import pick_device
from rnnviz.net.initialisation import initialise
from rnnviz.net.model import SeqModel, build_model
from rnnviz.net.seeding import seeded
from rnnviz.net.spec import DECODER_TOPOLOGIES, MIN_CELLS
from rnnviz.tasks import TASKS, Batch, Task, char_task
from rnnviz.tasks.series import MAX_ROWS, SeriesError, check_spread, finite, series_task
from rnnviz.training.settings import OPTIMIZER_NAMES, TRAINING

OPTIMIZERS = dict(zip(OPTIMIZER_NAMES, (torch.optim.Adam, torch.optim.SGD, torch.optim.RMSprop), strict=True))
OPTIMIZER_COPIES = {"adam": 2, "sgd": 0, "rmsprop": 1}  # extra copies of the weights each keeps
PROBE_EXAMPLES = 4
DIVERGENCE_WINDOW = 50  # steps over which the loss is averaged for the divergence rules
FAR_ABOVE = 3.0  # the window's mean loss above this × the reference: diverged
SPIKE = 1000.0  # one loss above this × the reference: diverged at once
GROWTH = 100.0  # the window's mean above this × the best window's mean: diverged


class TrainingError(ValueError):
    """A training setting that cannot work, with a sentence saying why."""


class _TrainConfig:
    """The methods of TrainConfig; its fields are rnnviz.training.settings.TRAINING's, one per setting."""

    def task_object(self) -> Task:
        if self.task == "series":
            if not self.series or len(self.series) > MAX_ROWS or not finite(self.series):
                raise TrainingError(f"The series task needs between 1 and {MAX_ROWS:,} finite values.")
            try:
                check_spread(self.series)
            except SeriesError as error:
                raise TrainingError(str(error)) from None
            return series_task(self.series)
        if self.task not in TASKS:
            raise TrainingError(f"Unknown task {self.task!r}; tasks: {', '.join(TASKS)}.")
        return char_task(self.text) if self.task == "char" and self.text else TASKS[self.task]

    def validate(self) -> TrainConfig:
        task = self.task_object()
        for setting in TRAINING.values():  # each value within its own bounds
            problem = setting.check(getattr(self, setting.name))
            if problem:
                raise TrainingError(problem)
        checks = [
            (
                self.init == "default" or self.cell not in MIN_CELLS,
                "minGRU and minLSTM have no W_hh to initialise: keep the default initialisation.",
            ),
            (
                self.attention == "none" or task.topology == "many_to_many",
                f"{task.title} has no encoder to look back at: attention is for the encoder-decoder tasks.",
            ),
            (
                not self.feedback or task.topology in DECODER_TOPOLOGIES,
                f"{task.title} reads an input at every step: only a task with a decoder can feed back its outputs.",
            ),
        ]
        steps, most = self.seq_len or task.default_seq_len, TRAINING["seq_len"].high
        checks.append(
            (
                task.min_seq_len <= steps <= most,
                f"{task.title} needs seq_len between {task.min_seq_len} and {most:g}; it is {steps}.",
            )
        )
        if self.task == "char" and self.text is not None:
            checks.insert(0, (len(set(self.text)) >= 2, "The training text needs at least two different characters."))
            checks.insert(
                1,
                (
                    len(self.text) >= steps + 1,
                    f"The training text has {len(self.text)} characters, but windows of {steps} steps need at "
                    f"least {steps + 1} (each step predicts the next character). Use a longer text or a shorter "
                    "sequence length.",
                ),
            )
        if self.task == "series":
            checks.insert(
                0,
                (
                    len(self.series) >= steps + 2,
                    f"The series has {len(self.series)} values, but windows of {steps} steps and the value after "
                    f"them need at least {steps + 2}. Use a shorter sequence length.",
                ),
            )
        for ok, message in checks:
            if not ok:
                raise TrainingError(message)
        spec = self.spec()  # raises SpecError for a bad cell or size, or a batch over the memory budget
        for options in (  # training keeps the optimiser's copies; evaluation reads eval_size sequences at once
            dict(optimizer_copies=OPTIMIZER_COPIES[self.optimizer]),
            dict(batch=self.eval_size, backward=False),
            dict(batch=PROBE_EXAMPLES, record=True),
        ):
            too_big = budget.problem(spec, **options)
            if too_big:
                raise TrainingError(too_big[1])
        return self

    def spec(self):
        task = self.task_object()
        extra = {"nonlinearity": self.nonlinearity} if self.cell == "rnn" else {}
        if self.decay != "positive":
            extra["decay"] = self.decay
        if self.feedback:
            extra["decoder_input"] = "token" if task.classification else "value"
        if self.attention != "none":
            extra["attention"] = self.attention
        return task.spec(
            self.cell, self.hidden_size, self.num_layers, self.batch_size, self.seq_len, **extra
        ).validate()

    def replace(self, **changes) -> TrainConfig:
        return TrainConfig(**{**asdict(self), **changes})


TrainConfig = make_dataclass(
    "TrainConfig",
    [(s.name, s.annotation, field(default=s.default)) for s in TRAINING.values()],
    bases=(_TrainConfig,),
    frozen=True,
)
TrainConfig.__module__ = __name__
TrainConfig.__doc__ = (
    "A training run's settings: one field per entry of rnnviz.training.settings.TRAINING, same default."
)


class Trainer:
    def __init__(self, config: TrainConfig):
        self.config = config.validate()
        self.task = config.task_object()
        self.spec = config.spec()
        self.device = pick_device(config.device)
        with seeded(config.seed):
            self.model: SeqModel = build_model(self.spec)
            if config.init != "default":
                initialise(self.model.core, config.init)
            self.model.to(self.device)
        self.parameters = [p for p in self.model.parameters() if p.requires_grad]
        self.optimizer = OPTIMIZERS[config.optimizer](self.parameters, lr=config.lr, weight_decay=config.weight_decay)
        self.seq_len = self.spec.seq_len
        self.data = torch.Generator().manual_seed(config.seed + 1)  # training batches
        self.eval_batch = self._batch(config.eval_size, config.seed + 1000)  # held out: another seed
        self.probe_batch = self._batch(PROBE_EXAMPLES, config.seed + 2000)
        self.steps = 0
        self.initial_loss: float | None = None
        self.baseline = self.task.baseline(self.seq_len)
        self.best_loss, self.best_step = math.inf, 0
        self.best = [p.detach().clone() for p in self.parameters]  # the weights that gave best_loss
        self.recent: list[float] = []  # the last DIVERGENCE_WINDOW losses
        self.best_window = math.inf  # the lowest mean loss over a full window so far

    def _batch(self, size: int, seed: int | None = None) -> Batch:
        generator = torch.Generator().manual_seed(seed) if seed is not None else self.data
        batch = self.task.generate(size, self.seq_len, generator)
        move = lambda t: None if t is None else t.to(self.device)  # noqa: E731
        return Batch(move(batch.x), move(batch.y), move(batch.mask))

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """The fused forward pass; with truncated BPTT, chunk by chunk with the state detached.
        Given targets y, a decoder that feeds back its outputs is teacher-forced at the
        configured ratio; without, it runs free."""
        k, forcing = self.config.tbptt, self.config.teacher_forcing
        if not k:
            return self.model(x, y=y, teacher_forcing=forcing, generator=self.data)[0]
        features = self.model.core_input(x, y, forcing, generator=self.data)  # (B, steps, F)
        outputs, state = [], None
        for chunk in features.split(k, dim=self.model.time_axis):
            output, state = self.model.core(chunk, state)
            outputs.append(output)
            state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
        return self.model.kept(self.model.read_out(torch.cat(outputs, dim=self.model.time_axis)))

    def train_step(self) -> dict:
        """One step. Returns loss and gradient norm; 'diverged' holds a message when it stopped."""
        self.model.train()
        batch = self._batch(self.config.batch_size)
        loss = sequence_loss(self.forward(batch.x, batch.y), batch.y, batch.mask)
        value = loss.item()
        if self.initial_loss is None:
            self.initial_loss = value
        self.optimizer.zero_grad(set_to_none=True)
        stop = self._divergence(value)
        if stop:
            return self._diverged(stop)
        if value < self.best_loss:  # these weights (before this step's update) gave this loss
            self.best_loss, self.best_step = value, self.steps
            torch._foreach_copy_(self.best, [p.detach() for p in self.parameters])
        loss.backward()
        grad_norm = float(torch.nn.utils.clip_grad_norm_(self.parameters, self.config.clip or float("inf")))
        if not math.isfinite(grad_norm):
            return self._diverged(f"the gradient norm became {grad_norm}")
        self.optimizer.step()
        self.steps += 1
        return {"step": self.steps, "loss": value, "grad_norm": grad_norm, "diverged": None}

    @property
    def reference(self) -> float:
        """What the divergence rules compare with: the memoryless baseline, or the first loss
        when that is higher (an untrained model may start above the baseline)."""
        return max(self.baseline, self.initial_loss or 0.0, 1e-6)

    def _times_reference(self, value: float, digits: str) -> str:
        """'40× the memoryless baseline 0.167', or, when the first loss was higher and the rules
        compared with it, '12× the first loss 0.61'."""
        ratio = format(value / self.reference, f",{digits}")
        if self.reference > self.baseline:
            return f"{ratio}× the first loss {self.reference:.3g} (the memoryless baseline is {self.baseline:.3g})"
        return f"{ratio}× the memoryless baseline {self.baseline:.3g}"

    def _divergence(self, value: float) -> str | None:
        """Why this loss means the run diverged, or None."""
        if not math.isfinite(value):
            return f"the loss became {value}"
        if value > SPIKE * self.reference:
            return f"the loss jumped to {value:.3g}, {self._times_reference(value, '.0f')}"
        self.recent = self.recent[-(DIVERGENCE_WINDOW - 1) :] + [value]
        if len(self.recent) < DIVERGENCE_WINDOW:
            return None
        mean = sum(self.recent) / DIVERGENCE_WINDOW
        self.best_window = min(self.best_window, mean)
        if mean > FAR_ABOVE * self.reference:
            return (
                f"over the last {DIVERGENCE_WINDOW} steps the loss averaged {mean:.3g}, "
                f"{self._times_reference(mean, '.1f')}"
            )
        if mean > GROWTH * self.best_window:
            return (
                f"the loss grew {mean / self.best_window:,.0f}-fold, from a {DIVERGENCE_WINDOW}-step average of "
                f"{self.best_window:.3g} to {mean:.3g}"
            )
        return None

    def _diverged(self, what: str) -> dict:
        with torch.no_grad():
            torch._foreach_copy_(self.parameters, self.best)
        self.optimizer.state.clear()  # its moments belong to the weights that diverged
        if math.isfinite(self.best_loss):
            kept = (
                f"The weights with the lowest training loss, from step {self.best_step} (loss "
                f"{self.best_loss:.3g}, {self.best_loss / self.baseline:.2f}× the baseline), were put back."
            )
        else:
            kept = "The initial weights were put back."
        message = (
            f"Training stopped at step {self.steps}: {what}. The learning rate {self.config.lr:g} is "
            f"probably too large. {kept}"
        )
        return {"step": self.steps, "loss": float("nan"), "grad_norm": float("nan"), "diverged": message}

    @torch.no_grad()
    def evaluate(self) -> dict:
        self.model.eval()
        y_hat = self.forward(self.eval_batch.x)
        loss = float(sequence_loss(y_hat, self.eval_batch.y, self.eval_batch.mask))
        metric = self.task.metric_value(y_hat, self.eval_batch)
        found = {"step": self.steps, "eval_loss": loss, "metric": metric, "solved": self.task.is_solved(metric)}
        return found | ({"teacher_forced": self.teacher_forced_metric()} if self.spec.feeds_back else {})

    @torch.no_grad()
    def teacher_forced_metric(self) -> float:
        """The held-out metric with every writing step reading the true previous target: beside
        the free-running `evaluate()`, the gap is exposure bias."""
        self.model.eval()
        batch = self.eval_batch
        return self.task.metric_value(self.model(batch.x, y=batch.y, teacher_forcing=1.0)[0], batch)

    def probe(self) -> Recording:
        batch = self.probe_batch
        return record(self.model, batch.x, batch.y, batch.mask, step=self.steps, tbptt=self.config.tbptt)

    def run(self, steps: int, until_solved: bool = False, on_progress=None, on_step=None) -> dict:
        """Train for `steps` steps (or until solved); returns a summary for the CLI and scripts.
        on_progress(result and evaluation) after each evaluation; on_step(result, evaluation or
        None) after every step (result None: the run diverged and its best weights are back)."""
        start, evaluation = time.perf_counter(), None
        for _ in range(steps):
            result = self.train_step()
            if result["diverged"]:
                final = self.evaluate()
                if on_step:
                    on_step(None, final)
                return self.summary(start, final, result["diverged"])
            due = self.steps % self.config.eval_every == 0 or self.steps == steps
            evaluation = self.evaluate() if due else evaluation
            if on_step:
                on_step(result, evaluation if due else None)
            if due:
                if on_progress:
                    on_progress({**result, **evaluation})
                if until_solved and evaluation["solved"]:
                    break
        return self.summary(start, evaluation or self.evaluate(), None)

    def summary(self, start: float, evaluation: dict, diverged: str | None) -> dict:
        seconds = time.perf_counter() - start
        return {
            "task": self.task.name,
            "cell": self.config.cell,
            "steps": self.steps,
            "seconds": round(seconds, 3),
            "steps_per_second": round(self.steps / seconds, 1) if seconds else 0.0,
            "metric": self.task.metric,
            "value": evaluation["metric"],
            "eval_loss": evaluation["eval_loss"],
            "baseline": self.baseline,
            "solved": bool(evaluation["solved"]),
            "diverged": diverged,
            "device": self.device.type,
        } | ({"teacher_forced_value": self.teacher_forced_metric()} if self.spec.feeds_back else {})
