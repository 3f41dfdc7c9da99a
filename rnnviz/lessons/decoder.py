"""The Decoder page's runs: an encoder-decoder (SeqModel, many_to_many) on reversal or Keras'
addition, trained by the one Trainer, with or without attention and feedback. The bundled run
decoder_reverse.rnnrun holds this page's default settings, so the page opens without training."""

from __future__ import annotations

from rnnviz.training.train import TrainConfig

DECODER_TASKS = {"reverse": 10, "add_digits": 5}  # the task → its input steps (2-digit sums: "a+b" in 5)
DEMO_RUN = "decoder_reverse"
DEFAULT_STEPS = 600


def decoder_config(
    task: str = "reverse",
    attention: str = "none",
    feedback: bool = True,
    teacher_forcing: float = 1.0,
    seed: int = 0,
    steps: int = DEFAULT_STEPS,
) -> TrainConfig:
    """The run of these settings: an LSTM of 64 units, evaluated and probed six times."""
    every = max(steps // 6, 1)
    return TrainConfig(
        task=task,
        seq_len=DECODER_TASKS[task],
        hidden_size=64,
        feedback=feedback,
        attention=attention,
        teacher_forcing=teacher_forcing,
        seed=seed,
        eval_every=every,
        probe_every=every,
    )


def bundled_lane(config: TrainConfig, steps: int):
    """(the bundled run, the label of its lane) that trained `config` for `steps`; None if none did."""
    from rnnviz.files.demos import demo

    run = demo(DEMO_RUN)
    for label, lane in run.lanes.items():
        if lane.config == config and run.max_steps == steps:
            return run, label
    return None
