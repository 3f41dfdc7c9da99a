"""A fuzz test of links (hardening issue): a few hundred generated links, fixed seed, each opened
in a fresh session on a random page. Zero exceptions; every bad value is reported in the page."""

import pathlib
import random

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from rnnviz.net.spec import ATTENTIONS, CELLS, DECAYS, DECODER_INPUTS, INT_BOUNDS, NONLINEARITIES, TOPOLOGIES, RNNSpec
from tests.app.conftest import shown
from ui.link import OWN_LINK_PAGES
from ui.pages import PAGES

ROOT = pathlib.Path(__file__).resolve().parents[2]
LINKS = 400
FIELDS = list(RNNSpec().to_params())
ODD = [
    "",
    " ",
    "+5",
    " 7 ",
    "1_0",
    "١٢",
    "１２",
    "-1",
    "0",
    "1e9",
    "nan",
    "true",
    "maybe",
    "../../etc",
    "%00",
    "9" * 40,
    "<script>",
    "lstm",
    "gru",
    "rnn",
    "relu",
    "synced",
    "one_to_one",
    "one_to_many",
    "many_to_many",
]


CHOICES = {
    "cell": CELLS,
    "nonlinearity": NONLINEARITIES,
    "decay": DECAYS,
    "topology": TOPOLOGIES,
    "decoder_input": DECODER_INPUTS,
    "attention": ATTENTIONS,
    "bidirectional": ("true", "false"),
    "batch_first": ("true", "false"),
}


def _value(rng: random.Random, field: str) -> str:
    """Mostly values a user could pick (so combinations are explored), sometimes junk."""
    if rng.random() < 0.25:
        return rng.choice(ODD)
    if field in INT_BOUNDS:
        low, high = INT_BOUNDS[field]
        return str(rng.choice([low, high, rng.randint(low, high), high + 1, low - 1, rng.randint(low, min(high, 64))]))
    return rng.choice(CHOICES[field])


def _links():
    rng = random.Random(20261124)
    for _ in range(LINKS):
        params = {field: _value(rng, field) for field in rng.sample(FIELDS, rng.randint(0, len(FIELDS)))}
        if rng.random() < 0.2:
            params[rng.choice(["unknown", "hidden", "page", "x"])] = rng.choice(ODD)
        yield rng.choice(PAGES).file, params


@pytest.mark.parametrize("chunk", range(8))
def test_generated_links_never_raise(chunk):
    links = list(_links())[chunk::8]
    for page, params in links:
        st.cache_data.clear()
        st.cache_resource.clear()  # AppTest shares session resources (runs) across instances
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.query_params.update(params)
        at.switch_page(f"app_pages/{page}.py").run()
        where = (page, params)
        assert not at.exception, (where, [e.value for e in at.exception])
        said = shown(at.warning) + " " + shown(at.error)
        for field, text in params.items():  # a value that cannot be used is named in the page
            if field not in FIELDS or (field in ("decoder_input", "attention") and text in CHOICES[field]):
                continue  # a decoder input or attention is right or wrong by the link's topology, not by itself
            try:
                RNNSpec.from_params({field: text})
            except ValueError:
                if page not in OWN_LINK_PAGES:  # those read no spec from a link
                    assert field in said, (where, said)
