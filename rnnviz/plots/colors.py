"""Every colour the figures use, defined once. Karpathy's pictures: red in, green state, blue out."""

INPUT = "#d62728"
EMPTY_INPUT = "#f7c6c7"
STATE = "#2ca02c"
STATE_BACKWARD = "#98df8a"
OUTPUT = "#1f77b4"
IGNORED_OUTPUT = "#c6dbef"
LOSS = "#111111"
EDGE = "#7f7f7f"
HIGHLIGHT = "#ff7f0e"
SECOND_HIGHLIGHT = "#9467bd"
GRID = "#e5e5e5"
TEXT = "#262730"
GATES = {
    "i": "#1f77b4",
    "f": "#ff7f0e",
    "g": "#2ca02c",
    "o": "#d62728",
    "r": "#9467bd",
    "z": "#8c564b",
    "n": "#e377c2",
    "h": "#2ca02c",
}
CELLS = {"rnn": "#d62728", "gru": "#9467bd", "lstm": "#1f77b4", "mingru": "#2ca02c", "minlstm": "#8c564b"}
IMPLEMENTATIONS = {  # the Scan page's cost lines: no two alike (the fused GRU keeps the GRU's colour)
    "nn.GRU (fused)": CELLS["gru"],
    "minGRU loop": HIGHLIGHT,
    "minGRU log scan": STATE,
    "minGRU tree": "#17becf",
}

# One diverging scale for every signed value (heatmaps, highlighted text): negative blue, zero
# white, positive red, as Plotly's "RdBu" reversed; the text highlight uses its two ends.
DIVERGING = "RdBu_r"
NEGATIVE_RGB = "33,102,172"  # RdBu's blue end
POSITIVE_RGB = "178,24,43"  # RdBu's red end
CELL_DASHES = {
    "rnn": "dash",
    "gru": "dot",
    "lstm": "solid",
    "mingru": "dashdot",
    "minlstm": "longdash",
}  # so no race line hides another
CELL_SYMBOLS = {"rnn": "circle", "gru": "diamond", "lstm": "square", "mingru": "triangle-up", "minlstm": "cross"}
EXPONENT_FORMAT = "e"  # tick labels 1e-4, not SI prefixes (100µ) that read as units
PROJECTOR_TEXT = "#000000"  # presentation mode: black text
PROJECTOR_GRID = "#bdbdbd"  # and a grid that survives a washed-out projector
