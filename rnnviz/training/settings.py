"""Every training setting once: its kind, bounds, default and words (the network's sizes have
RNNSpec's bounds, INT_BOUNDS; what a size costs is the memory budget's to judge). TrainConfig's fields, its
checks, the Train and Race pages' widgets and links, the CLI's options and the run-file reader
are all made from this table, so a new setting is one entry here and its use where it acts.

    TRAINING["lr"].check(0.0)   → "The learning rate must be between 1e-06 and 1000; it is 0."
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rnnviz.lessons.batching import MAX_TEXT_CHARS
from rnnviz.net.device import DEVICES
from rnnviz.net.initialisation import INITS
from rnnviz.net.spec import ATTENTIONS, CELLS, DECAYS, INT_BOUNDS, NONLINEARITIES
from rnnviz.tasks import TASKS
from rnnviz.tasks.series import MAX_ROWS

OPTIMIZER_NAMES = ("adam", "sgd", "rmsprop")  # rnnviz.training.train maps each to its torch.optim class
TYPES = {"int": "int", "float": "float", "choice": "str", "bool": "bool", "text": "str", "values": "tuple[float, ...]"}


@dataclass(frozen=True)
class Setting:
    name: str  # TrainConfig's field
    kind: str  # "int", "float", "choice", "bool", "text" (high: most characters) or "values" (high: most numbers)
    default: object
    label: str  # the words a page and the CLI use
    help: str = ""
    low: float = 0
    high: float = 0
    choices: tuple = ()
    optional: bool = False  # None is allowed (and means: the task's default, or off)
    off: float | None = None  # the number a box or the CLI types for None ("0 = off")
    link: str = ""  # its name in a page's link, when not `name`
    group: str = ""  # where the Train page draws it: "more" (the expander, drawn from this table); "" by hand
    cli: bool = True  # an option of `python -m rnnviz train`

    @property
    def annotation(self) -> str:
        return TYPES[self.kind] + (" | None" if self.optional else "")

    @property
    def link_name(self) -> str:
        return self.link or self.name

    @property
    def named(self) -> str:
        """'hidden size (hidden_size)': the words, and the name a file or the library uses."""
        return self.label if self.label == self.name else f"{self.label} ({self.name})"

    def check(self, value) -> str | None:
        """None when `value` is allowed, else a sentence naming the setting and its bounds."""
        if value is None:
            return None if self.optional else f"The {self.named} must be set."
        if self.kind == "choice":
            return None if value in self.choices else f"The {self.named} must be one of {', '.join(self.choices)}."
        if self.kind in ("int", "float"):
            number = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
            whole = self.kind == "float" or (number and float(value).is_integer())
            if number and whole and self.low <= value <= self.high:
                return None
            kind = "a whole number" if self.kind == "int" else "a number"
            return f"The {self.named} must be {kind} between {self.low:g} and {self.high:g}; it is {value}."
        if self.kind in ("text", "values") and len(value) > self.high:
            unit = "characters" if self.kind == "text" else "values"
            return f"The {self.named} may hold at most {self.high:,.0f} {unit}."
        return None


TRAINING: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("task", "choice", "adding", "task", choices=(*TASKS, "series"), cli=False),
        Setting("cell", "choice", "lstm", "cell", "the recurrent cell", choices=CELLS),
        Setting(
            "nonlinearity",
            "choice",
            "tanh",
            "RNN activation",
            "the plain RNN's activation (the other cells ignore it)",
            choices=NONLINEARITIES,
            link="activation",
        ),
        Setting(
            "init",
            "choice",
            "default",
            "initialisation",
            "W_hh at the start; a ReLU RNN from the identity is Le et al. 2015's IRNN",
            choices=tuple(INITS),
        ),
        Setting("decay", "choice", "positive", "decay range", "minGRU/minLSTM: 0 to 1, or −1 to 1", choices=DECAYS),
        Setting("hidden_size", "int", 64, "hidden size", "units per layer", *INT_BOUNDS["hidden_size"], link="hidden"),
        Setting(
            "num_layers",
            "int",
            1,
            "number of layers",
            "stacked recurrent layers",
            *INT_BOUNDS["num_layers"],
            link="layers",
        ),
        Setting(
            "seq_len",
            "int",
            None,
            "sequence length",
            "input steps; not given: the task's own",
            *INT_BOUNDS["seq_len"],
            optional=True,
        ),
        Setting(
            "batch_size",
            "int",
            64,
            "batch size",
            "sequences per training step",
            *INT_BOUNDS["batch_size"],
            link="batch",
        ),
        Setting(
            "optimizer", "choice", "adam", "optimiser", "torch.optim's Adam, SGD or RMSprop", choices=OPTIMIZER_NAMES
        ),
        Setting("lr", "float", 1e-2, "learning rate", "", 1e-6, 1000.0),
        Setting(
            "weight_decay",
            "float",
            0.0,
            "weight decay",
            "the optimiser's L2 penalty on every weight (torch.optim's weight_decay)",
            0.0,
            1.0,
            group="more",
        ),
        Setting(
            "clip",
            "float",
            1.0,
            "clipping norm",
            "max total gradient norm (clip_grad_norm_)",
            1e-3,
            1000.0,
            optional=True,
            off=0,
        ),
        Setting(
            "tbptt",
            "int",
            None,
            "truncation length",
            "truncated BPTT: detach every k steps",
            *INT_BOUNDS["seq_len"],
            optional=True,
            off=0,
        ),
        Setting("seed", "int", 0, "seed", "model initialisation and data", 0, 2**31 - 1),
        Setting("device", "choice", "auto", "device", "auto: cuda, then mps, then cpu", choices=DEVICES),
        Setting("probe_every", "int", 50, "probe interval", "steps between probes kept in --run", 1, 100_000),
        Setting("eval_every", "int", 100, "evaluation interval", "steps between held-out evaluations", 1, 100_000),
        Setting("eval_size", "int", 256, "held-out size", "held-out sequences", 1, 4096, cli=False),
        Setting("text", "text", None, "training text", high=MAX_TEXT_CHARS, optional=True, cli=False),
        Setting("series", "values", None, "series", high=MAX_ROWS, optional=True, cli=False),
        Setting("feedback", "bool", False, "decoder feedback", cli=False),
        Setting(
            "attention",
            "choice",
            "none",
            "attention",
            "encoder-decoder tasks: the writing steps look back at the reading steps' states (Luong et al. 2015)",
            choices=ATTENTIONS,
            group="more",
        ),
        Setting(
            "teacher_forcing",
            "float",
            1.0,
            "teacher-forcing ratio",
            "with feedback: the share of decoder steps fed the true previous target",
            0.0,
            1.0,
        ),
    )
}
