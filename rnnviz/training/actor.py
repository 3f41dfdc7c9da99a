"""The inside of a Ray actor (rnnviz.serving.ray_jobs): one run's TrainingJob, as in a worker
process (rnnviz.training.worker), steered by method calls instead of pipes. Every call returns
what changed in the run since the last call, so the server's copy never misses a step:

    control(op, args) → (answer, changes or None)      poll() → changes or None, or the last word

The last word (the run ended) carries every model's final weights and resume state.
"""

from __future__ import annotations

import torch

from rnnviz.training.jobs import TrainingJob
from rnnviz.training.worker import Changes, answer, last_word, local_run


class RunActor:
    def __init__(self, configs: dict, max_steps: int | None, resume: dict | None = None):
        torch.set_num_threads(1)
        resume_from = None if resume is None else local_run(resume)
        self.job = TrainingJob(configs, max_steps, resume_from=resume_from).start()
        self.changes = Changes(self.job)

    def control(self, op: str, args: tuple):
        answered = answer(self.job, op, args)
        return answered, self.changes.since()

    def poll(self) -> dict | None:
        if not (self.job.active or self.job.alive):
            return last_word(self.job, self.changes)
        return self.changes.since()
