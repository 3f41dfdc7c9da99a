"""Text into batches: the char-RNN tutorial's padding and PTB's batch_producer."""

import numpy as np
import pytest

from rnnviz.lessons.batching import MAX_TEXT_CHARS, TextError, batch_producer, check_text, pad_and_encode, tokenize


def test_char_rnn_tutorial_sentences():
    batch = pad_and_encode(["hey how are you", "good i am fine", "have a nice day"])
    assert batch.one_hot.shape == (3, 14, 17)
    assert batch.sentences[1] == "good i am fine "  # padded with a space to 15 characters
    text = "".join(batch.sentences)
    for b in range(3):
        decoded_in = "".join(batch.vocabulary[i] for i in batch.inputs[b])
        decoded_out = "".join(batch.vocabulary[i] for i in batch.targets[b])
        assert decoded_in == batch.sentences[b][:-1] and decoded_out == batch.sentences[b][1:]
    assert (batch.one_hot.sum(-1) == 1).all()
    assert np.array_equal(batch.one_hot.argmax(-1), batch.inputs)
    assert sorted(set(text)) == batch.vocabulary


def test_batch_producer_matches_the_ptb_reader():
    tokens = [str(i) for i in range(24)]
    batches = batch_producer(tokens, batch_size=3, num_steps=3)
    assert batches.grid.shape == (3, 8) and batches.epoch_size == 2
    x, y = batches.window(1)
    assert x.tolist() == [["3", "4", "5"], ["11", "12", "13"], ["19", "20", "21"]]
    assert y.tolist() == [["4", "5", "6"], ["12", "13", "14"], ["20", "21", "22"]]
    with pytest.raises(IndexError):
        batches.window(2)


def test_batch_producer_with_too_few_tokens_says_what_to_change():
    with pytest.raises(TextError, match="too few"):
        batch_producer(list("abcdef"), batch_size=4, num_steps=3)


def test_tokenize_words_adds_eos_per_line():
    assert tokenize("a b\n\nc\n") == ["a", "b", "<eos>", "c", "<eos>"]
    assert tokenize("ab", "char") == ["a", "b"]


@pytest.mark.parametrize(
    "text,words",
    [
        ("", "empty"),
        (" \n\t", "empty"),
        ("ok\x00", "binary"),
        ("\x01\x02\x03\x04 text", "control characters"),
        ("x" * (MAX_TEXT_CHARS + 1), "limit"),
    ],
)
def test_check_text_refuses_unusable_text(text, words):
    with pytest.raises(TextError, match=words):
        check_text(text)


def test_check_text_accepts_unicode_text():
    assert check_text("naïve café — ok\n") == "naïve café — ok\n"


def test_decode_text_accepts_utf8_and_refuses_binary_and_other_encodings():
    from rnnviz.lessons.batching import decode_text

    assert decode_text("héllo\r\nwörld\n".encode("utf-8-sig")) == "héllo\nwörld\n"
    with pytest.raises(TextError, match="binary"):
        decode_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(TextError, match="not UTF-8"):
        decode_text("café".encode("latin-1"))
    with pytest.raises(TextError, match="limit"):
        decode_text(b"a" * (4 * MAX_TEXT_CHARS + 1))
    with pytest.raises(TextError, match="empty"):
        decode_text(b"  \n ")
