"""The configurations of the seed examples, as RNNSpec values a lecturer can load by name."""

from __future__ import annotations

from rnnviz.net.spec import RNNSpec

PRESETS: dict[str, tuple[RNNSpec, str]] = {
    "Lasagne adding problem": (
        RNNSpec(
            cell="lstm",
            topology="many_to_one",
            batch_size=100,
            seq_len=55,
            input_size=2,
            hidden_size=100,
            output_size=1,
        ),
        "Lasagne's recurrent example: 100 sequences of 55 steps, each step a (value, marker) pair; "
        "the target is the sum of the two marked values.",
    ),
    "Keras IMDB LSTM": (
        RNNSpec(
            cell="lstm",
            topology="many_to_one",
            batch_size=32,
            seq_len=100,
            vocab_size=20000,
            input_size=128,
            hidden_size=128,
            output_size=1,
        ),
        "Keras' IMDB sentiment example: reviews cut to 100 word ids from a 20,000-word vocabulary, "
        "embedded to 128 numbers, read by LSTM(128); only the last output is kept.",
    ),
    "PyTorch char-RNN tutorial": (
        RNNSpec(cell="rnn", topology="synced", batch_size=3, seq_len=14, input_size=17, hidden_size=12, output_size=17),
        "Three sentences ('hey how are you', 'good i am fine', 'have a nice day') padded to 15 "
        "characters, one-hot over 17 characters; an RNN with 12 hidden units predicts the next one.",
    ),
    "Chollet NumPy toy": (
        RNNSpec(
            cell="rnn", topology="synced", batch_size=1, seq_len=100, input_size=32, hidden_size=64, output_size=64
        ),
        "Deep Learning with Python's toy loop: 100 time steps of 32 input features, 64 output "
        "features, one sequence without a batch axis.",
    ),
    "PTB word LSTM": (
        RNNSpec(
            cell="lstm",
            topology="synced",
            batch_size=20,
            seq_len=35,
            vocab_size=10000,
            input_size=200,
            hidden_size=200,
            num_layers=2,
            output_size=10000,
        ),
        "TensorFlow's PTB language-model tutorial (small config): batch 20, 35 unrolled steps, "
        "10,000-word vocabulary, two LSTM layers of 200.",
    ),
}
