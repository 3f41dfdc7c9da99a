"""Recipes: the tutorials our users read, reproduced step for step. Each builds exactly its
source's data, model, optimiser and loop (in plain PyTorch, not rnnviz's SeqModel: the point is
to run *that* code) and carries the numbers the source printed, so a page or the CLI can put the
source's points next to a live run.

    RECIPES["char_rnn"].run(seed=0, on_point=print)   → RecipeResult
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rnnviz.lessons.recipes import char_rnn, chollet, keras_imdb, lasagne_adding, ptb


@dataclass
class RecipeResult:
    points: list[tuple[int, float]]  # (x, value) as the source prints them
    summary: str  # one or two sentences: what came out, next to what the source says
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Recipe:
    name: str
    title: str
    source: str  # who wrote it, where
    url: str
    about: str  # what the source does, in a sentence or two
    x_label: str  # "epoch"
    y_label: str  # "loss", "validation cost", "perplexity"; "" for a shapes-only recipe
    published: tuple[tuple[int, float], ...]  # the source's printed numbers
    reports: str  # what the source reports, in words (never numbers it did not print)
    train: Callable | None  # (seed, on_point) → RecipeResult; None: shapes only
    shapes: Callable[[], list[tuple[str, tuple, str]]]
    spread_seeds: int = 0  # seeds run to show the spread seeding produces (0: too slow to run here)


def _char_rnn(seed: int, on_point=None) -> RecipeResult:
    model, losses = char_rnn.train(seed, on_point=on_point)
    prime, length, expected = char_rnn.SAMPLE
    text = char_rnn.sample(model, length, prime)
    points = [(epoch, losses[epoch - 1]) for epoch in range(10, char_rnn.EPOCHS + 1, 10)]
    verdict = "the same as" if text == expected else "unlike"
    return RecipeResult(
        points,
        f"After {char_rnn.EPOCHS} epochs the loss is {losses[-1]:.4f} "
        f"(the notebook printed {char_rnn.PRINTED[-1][1]:.4f}, from a run without a seed). "
        f"sample(model, {length}, {prime!r}) → {text!r}, {verdict} the notebook's {expected!r}.",
        {"sample": text},
    )


def _lasagne(seed: int, on_point=None) -> RecipeResult:
    _, costs = lasagne_adding.train(seed, on_point=on_point)
    return RecipeResult(
        list(enumerate(costs)),
        f"Validation cost after {len(costs)} epochs: {costs[-1]:.4f}, from {costs[0]:.4f} after the first. "
        "Centred targets: always answering 0 scores about 0.17, the variance of the sum.",
    )


def _ptb(seed: int, on_point=None) -> RecipeResult:
    _, history = ptb.train(seed, on_point=on_point)
    train_ppl, valid_ppl = history[-1]
    return RecipeResult(
        [(epoch + 1, t) for epoch, (t, _) in enumerate(history)],
        f"After {len(history)} epochs: train perplexity {train_ppl:.2f}, valid perplexity {valid_ppl:.2f} (the "
        f"corpus has {len(ptb.build_vocab(ptb.corpus()))} words; guessing uniformly scores that many).",
        {"valid": [v for _, v in history]},
    )


def _chollet(seed: int, on_point=None) -> RecipeResult:
    result = chollet.run(seed)
    return RecipeResult(
        [],
        f"NumPy loop and nn.RNN with the same weights: outputs {result['numpy'].shape}, largest difference "
        f"{result['largest difference']:.1e}.",
        result,
    )


RECIPES = {
    recipe.name: recipe
    for recipe in [
        Recipe(
            "char_rnn",
            "PyTorch char-RNN notebook",
            "Gabriel Loye, Beginner's Guide on Recurrent Neural Networks with PyTorch (FloydHub blog, 2019)",
            "https://github.com/gabrielloye/RNN-walkthrough",
            "Three sentences padded and one-hot encoded to (3, 14, 17); nn.RNN(17, 12) + Linear(12, 17) trained on "
            "the whole batch for 100 epochs with Adam 0.01 and cross-entropy.",
            "epoch",
            "loss",
            char_rnn.PRINTED,
            "The notebook prints the loss every 10 epochs (the ten points) and samples 'good i am fine '.",
            _char_rnn,
            char_rnn.shapes,
            spread_seeds=8,
        ),
        Recipe(
            "lasagne_adding",
            "Lasagne's adding example",
            "Lasagne, examples/recurrent.py as on master since November 2015 (both directions' final states "
            "concatenated; the August 2015 version summed them)",
            "https://github.com/Lasagne/Lasagne/blob/master/examples/recurrent.py",
            "A bidirectional tanh RNN of 100 units learns the adding task on (100, 55, 2) batches with masks; both "
            "directions' final states are concatenated (200 numbers) for a Dense(1, tanh). Adagrad 0.001, 10 epochs "
            "of 100 batches.",
            "epoch",
            "validation cost",
            (),
            "The example prints the validation cost after each epoch; it publishes no numbers of its own.",
            _lasagne,
            lasagne_adding.shapes,
        ),
        Recipe(
            "keras_imdb",
            "Keras IMDB LSTM: the shapes",
            "Keras, examples/imdb_lstm.py (max_features 20000, maxlen 100 as in the dimensions blog, batch 32)",
            "https://github.com/keras-team/keras/blob/2.3.1/examples/imdb_lstm.py",
            "Embedding(20000, 128) → LSTM(128) → Dense(1, sigmoid) on padded reviews of 100 word ids; here on a "
            "synthetic stand-in with the same shapes (no download).",
            "",
            "",
            (),
            "Keras' model.summary(): Embedding 2,560,000 parameters, LSTM 131,584, Dense 129.",
            None,
            keras_imdb.shapes,
        ),
        Recipe(
            "ptb",
            "TensorFlow PTB LSTM: batching and perplexity",
            "TensorFlow models, tutorials/rnn/ptb (reader.py, ptb_word_lm.py, SmallConfig)",
            "https://github.com/tensorflow/models/tree/r1.13.0/tutorials/rnn/ptb",
            "ptb_producer lays the word stream into (batch_size, batch_len) rows and num_steps windows; a 2-layer "
            "LSTM of 200 units trains with SGD 1.0, clipping 5, the state carried between windows. Here on a "
            "small bundled corpus from a grammar instead of the Penn Treebank.",
            "epoch",
            "train perplexity",
            (),
            "The tutorial's README lists its train, valid and test perplexities on the Penn Treebank; another "
            "corpus gives other numbers, so the chart has no published points.",
            _ptb,
            ptb.shapes,
        ),
        Recipe(
            "chollet",
            "Chollet's NumPy toy RNN",
            "François Chollet, Deep Learning with Python, section 6.2",
            "https://github.com/fchollet/deep-learning-with-python-notebooks",
            "timesteps 100, input_features 32, output_features 64: the NumPy loop, Keras' SimpleRNN(64, "
            "return_sequences=True) and PyTorch's nn.RNN(32, 64) with the same weights.",
            "",
            "",
            (),
            "The book prints no numbers: the loop's final output has shape (100, 64).",
            _chollet,
            chollet.shapes,
        ),
    ]
}


def seed_spread(name: str) -> dict[int, tuple[float, float]] | None:
    """x → (lowest, highest) value over the recipe's spread_seeds seeds (None when it has none)."""
    recipe = RECIPES[name]
    if not recipe.spread_seeds or recipe.train is None:
        return None
    runs = [dict(recipe.train(seed).points) for seed in range(recipe.spread_seeds)]
    return {x: (min(r[x] for r in runs), max(r[x] for r in runs)) for x in runs[0]}
