"""The padding lesson (issue: padding and packing): for a batch padded at the end, output[:, -1]
is not the last real step's output, the page's correct read equals torch's packed h_n, and
training on the last column costs accuracy."""

import numpy as np
import torch

from rnnviz.lessons.padding import pad_at_the_end, phrases, three_reads, train_both


def test_padding_moves_to_the_end_and_lengths_count_the_words():
    x = torch.tensor([[0, 0, 5, 6], [1, 2, 3, 4]])
    padded, lengths = pad_at_the_end(x)
    assert padded.tolist() == [[5, 6, 0, 0], [1, 2, 3, 4]] and lengths.tolist() == [2, 4]


def test_the_last_column_differs_and_the_correct_read_is_the_packed_h_n():
    x, lengths, _ = phrases(4, 12, seed=0)
    assert (lengths < 12).all()  # every phrase is padded
    reads = three_reads(x, lengths)
    np.testing.assert_allclose(reads["last real step"], reads["packed h_n"], atol=1e-6)
    assert (np.abs(reads["last column"] - reads["packed h_n"]).max(axis=1) > 1e-3).all()
    assert reads["unroll difference"] < 1e-6


def test_reading_the_last_column_of_a_long_padded_batch_costs_accuracy():
    history = train_both(steps=48, updates=200, every=100, seed=0)
    assert history["packed"][-1][1] > 0.95
    assert history["last column"][-1][1] < 0.75
