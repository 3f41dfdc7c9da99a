"""The Train and Race pages' settings as their links carry them: made from the settings table
(rnnviz.training.settings), plus the page's own (step budget, what a decoder reads, training text)."""

from __future__ import annotations

from rnnviz.tasks import CHAR_RNN_TEXT, TASKS
from rnnviz.training.settings import TRAINING, Setting
from ui.link import LinkField

DECODER_CHOICES = {"empty": "zeros (empty)", "previous": "its previous output"}
# a tanh RNN diverges or stalls at 1e-2 on adding; minGRU and minLSTM race only when picked
RACE_LR = {"rnn": 1e-3, "gru": 1e-2, "lstm": 1e-2, "mingru": 1e-2, "minlstm": 1e-2, "irnn": 1e-3}
RACE_CELLS = ["rnn", "gru", "lstm"]  # the classic race
CELL_ORDER = ("rnn", "gru", "lstm", "mingru", "minlstm")
RACE_ORDER = (*CELL_ORDER, "irnn")  # a race's entrants (rnnviz.training.race.ENTRANTS)
INIT_NAMES = {"default": "PyTorch default", "orthogonal": "orthogonal", "identity": "identity"}


PAGE_SETTINGS = (  # the settings of the TRAINING table a Train or Race page draws and links, in link order
    "task",
    "hidden_size",
    "seq_len",
    "batch_size",
    "optimizer",
    "num_layers",
    "clip",
    "tbptt",
    "seed",
    "decay",
    "teacher_forcing",
)
LINKED_TEXT = 2000  # the most characters of training text a link carries (a link stays a link)
TRAIN_ONLY = ("cell", "lr", "nonlinearity", "init")  # a race has a cell and a learning rate per lane
MORE = tuple(name for name, setting in TRAINING.items() if setting.group == "more")  # drawn from the table alone


def setting_field(setting: Setting, prefix: str) -> LinkField:
    """A table setting as its page's link carries it: 0 stands for off, and a task's own sequence
    length is the adding problem's until a task is picked."""
    default = setting.off if setting.default is None and setting.off is not None else setting.default
    if setting.name == "seq_len":
        default = TASKS["adding"].default_seq_len
    low = setting.off if setting.off is not None else setting.low
    choices = tuple(c for c in setting.choices if c != "series")  # the forecaster's own data comes by upload
    name = setting.link_name
    return LinkField(name, f"{prefix}{name}", setting.kind, default, low, setting.high, choices)


def training_fields(prefix: str, race: bool = False) -> list[LinkField]:
    """Every training setting a link carries, with its bounds and default, from the settings table
    (the widgets use these), and the page's own: the step budget and what a decoder reads."""
    fields = [setting_field(TRAINING[name], prefix) for name in PAGE_SETTINGS + MORE]
    fields += [
        LinkField("steps", f"{prefix}steps", "int", 3000, 0, 1_000_000),
        LinkField("decoder", f"{prefix}decoder", "choice", "empty", choices=tuple(DECODER_CHOICES)),
        LinkField("text", f"{prefix}text", "text", CHAR_RNN_TEXT, 0, LINKED_TEXT),  # a longer text stays unlinked
    ]
    if not race:
        return fields + [setting_field(TRAINING[name], prefix) for name in TRAIN_ONLY]
    lr = TRAINING["lr"]
    rates = [LinkField(f"lr_{c}", f"{prefix}lr_{c}", "float", rate, lr.low, lr.high) for c, rate in RACE_LR.items()]
    return fields + [LinkField("cells", f"{prefix}cells", "choices", RACE_CELLS, choices=RACE_ORDER)] + rates
