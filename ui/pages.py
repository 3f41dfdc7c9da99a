"""Every page once, in lesson order: the router builds the navigation from it and Home draws the
map of the app from it, so the two never disagree."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageInfo:
    file: str  # app_pages/<file>.py
    title: str
    icon: str  # a Material icon name
    section: str  # the navigation group
    line: str  # what a student finds there, one line
    url_path: str = ""  # "" for the home page
    uses_spec: bool = True  # draws something from the sidebar's configuration (else no spec sidebar)


PAGES = [
    PageInfo("home", "Home", "home", "", "The network of the current configuration, and this map."),
    PageInfo(
        "lecture",
        "Lecture",
        "school",
        "",
        "A guided lesson, one screen a step, each with a question to predict before the answer is revealed.",
        "lecture",
    ),
    PageInfo(
        "topologies",
        "Topologies",
        "account_tree",
        "Learn",
        "Karpathy's five pictures drawn from the configuration, and the PyTorch code that builds each.",
        "topologies",
    ),
    PageInfo(
        "shapes",
        "Shapes",
        "view_in_ar",
        "Learn",
        "Every tensor's real shape: the batch × time × features block, output versus h_n, the gate weights.",
        "shapes",
    ),
    PageInfo(
        "batches",
        "Text into batches",
        "text_fields",
        "Learn",
        "Sentences padded and one-hot encoded; a token stream laid into PTB-style batches.",
        "batches",
        uses_spec=False,
    ),
    PageInfo(
        "packing",
        "Padding & packing",
        "view_week",
        "Learn",
        "Sentences of different lengths in one batch: the mask, pack_padded_sequence, and the output[:, -1] bug.",
        "packing",
        uses_spec=False,
    ),
    PageInfo(
        "bptt",
        "Unroll & BPTT",
        "swap_horiz",
        "Backpropagation through time",
        "The unrolled graph, animated: the forward pass, then the gradient flowing back along every edge.",
        "bptt",
    ),
    PageInfo(
        "vanishing",
        "Vanishing gradients",
        "trending_down",
        "Backpropagation through time",
        "How fast the gradient fades with distance in RNN, GRU and LSTM, and what initialisation does.",
        "vanishing",
    ),
    PageInfo(
        "scan",
        "Scan vs loop",
        "account_tree",
        "Backpropagation through time",
        "minGRU's parallel scan against the loop, level by level, and what each costs as T grows.",
        "scan",
        uses_spec=False,
    ),
    PageInfo(
        "scratch",
        "From scratch",
        "calculate",
        "Backpropagation through time",
        "The RNN loop and the LSTM equations in NumPy, with live numbers checked against PyTorch.",
        "scratch",
        uses_spec=False,
    ),
    PageInfo(
        "train",
        "Train",
        "model_training",
        "Training",
        "Train a model on a toy task in the background and watch its loss, gradients and states.",
        "train",
    ),
    PageInfo(
        "race",
        "Race RNN · GRU · LSTM",
        "sprint",
        "Training",
        "The three cells on the same data and seed: who solves the task first.",
        "race",
    ),
    PageInfo(
        "inside",
        "Inside",
        "visibility",
        "Inside a trained network",
        "Every unit's state and gate over one sequence; follow a unit across the text.",
        "inside",
    ),
    PageInfo(
        "trajectory",
        "Trajectory",
        "timeline",
        "Inside a trained network",
        "The hidden state's path in its first two principal components, live during training.",
        "trajectory",
    ),
    PageInfo(
        "decoder",
        "Decoder & attention",
        "translate",
        "Inside a trained network",
        "A decoder that feeds back its output: teacher forcing against free-running, exposure bias, attention.",
        "decoder",
        uses_spec=False,
    ),
    PageInfo(
        "generate",
        "Generate",
        "edit_note",
        "Inside a trained network",
        "Sample text step by step (greedy, temperature, top-k); forecast a wave free-running.",
        "generate",
    ),
    PageInfo(
        "compare",
        "Compare",
        "compare",
        "Inside a trained network",
        "Two models on the same input, side by side: before and after training, or the cells of a race.",
        "compare",
    ),
]
