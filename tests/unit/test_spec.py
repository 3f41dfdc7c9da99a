"""RNNSpec: bounds, messages, URL round-trip, and the property that nothing but SpecError escapes."""

from dataclasses import fields

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnviz import RNNSpec, SpecError, build_model, example_input
from rnnviz.net.spec import CELLS, DECODER_INPUTS, INT_BOUNDS, TOPOLOGIES


def test_defaults_are_valid_and_every_field_has_a_default():
    spec = RNNSpec().validate()
    assert len(fields(spec)) == 16


@pytest.mark.parametrize(
    "spec",
    [
        RNNSpec(),
        RNNSpec(cell="rnn", nonlinearity="relu", topology="many_to_many", bidirectional=True, batch_first=False),
        RNNSpec(cell="gru", topology="one_to_many", vocab_size=50, num_layers=3),
    ],
)
def test_params_round_trip(spec):
    params = spec.to_params()
    assert all(isinstance(v, str) for v in params.values())
    assert RNNSpec.from_params(params) == spec
    assert RNNSpec.from_params(spec.to_params(only_changed=True)) == spec


def test_only_changed_params_omit_defaults():
    assert RNNSpec(hidden_size=32).to_params(only_changed=True) == {"hidden_size": "32"}


@pytest.mark.parametrize(
    "params,field,words",
    [
        ({"colour": "red"}, "colour", "Unknown setting"),
        ({"hidden_size": "big"}, "hidden_size", "whole number"),
        ({"hidden_size": "0"}, "hidden_size", "between 1 and 2048"),
        ({"num_layers": "9"}, "num_layers", "between 1 and 4"),
        ({"cell": "transformer"}, "cell", "rnn, lstm, gru"),
        ({"bidirectional": "maybe"}, "bidirectional", "true or false"),
        ({"bidirectional": "true", "topology": "one_to_many"}, "bidirectional", "backward direction"),
        ({"hidden_size": "2048", "num_layers": "4", "bidirectional": "true"}, "hidden_size", "weights"),
        ({"batch_size": "1024", "seq_len": "1000", "hidden_size": "1024"}, "batch_size", "unrolled hidden states"),
    ],
)
def test_bad_values_name_the_field_and_say_why(params, field, words):
    with pytest.raises(SpecError) as caught:
        RNNSpec.from_params(params)
    assert caught.value.field == field
    assert words in str(caught.value)


def test_lenient_parse_keeps_good_values_and_resets_bad_ones():
    spec, problems = RNNSpec.from_params_lenient({"cell": "gru", "hidden_size": "-3", "bogus": "1", "seq_len": "12"})
    assert spec == RNNSpec(cell="gru", seq_len=12)
    assert {p.field for p in problems} == {"hidden_size", "bogus"}


def test_lenient_parse_drops_one_side_of_a_bad_combination():
    spec, problems = RNNSpec.from_params_lenient({"bidirectional": "true", "topology": "one_to_many"})
    spec.validate()
    assert [p.field for p in problems] == ["bidirectional"]
    assert spec.topology == "one_to_many" and not spec.bidirectional


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("vocab_size", [0, 11])
def test_parameter_count_formula_equals_torch(cell, vocab_size):
    spec = RNNSpec(cell=cell, num_layers=3, bidirectional=True, vocab_size=vocab_size)
    assert spec.parameter_count == sum(p.numel() for p in build_model(spec).parameters())


small_ints = st.one_of(st.integers(-2, 6), st.sampled_from([0, 1, 10**9, -(10**9)]))
text_values = st.one_of(
    small_ints.map(str),
    st.sampled_from(
        CELLS + TOPOLOGIES + DECODER_INPUTS + ("tanh", "relu", "true", "false", "1", "0", "", " 3 ", "3.5", "nan")
    ),
    st.text(max_size=5),
)
param_dicts = st.dictionaries(
    st.one_of(st.sampled_from([f.name for f in fields(RNNSpec)]), st.text(max_size=4)), text_values, max_size=8
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(param_dicts)
def test_any_params_build_a_working_model_or_raise_spec_error(params):
    try:
        spec = RNNSpec.from_params(params)
    except SpecError as error:
        assert isinstance(error.field, str) and str(error)
        return
    if spec.batch_size * spec.steps * spec.hidden_size > 10**6:
        return  # valid but too big to run inside a unit test
    model = build_model(spec)
    y, _ = model(example_input(spec))
    y.sum().backward()
    assert all(p.grad is not None for p in model.parameters())


@settings(max_examples=100, deadline=None)
@given(st.builds(RNNSpec, **{name: st.integers(-1, 5) for name in INT_BOUNDS}))
def test_direct_construction_validates_or_raises_spec_error(spec):
    try:
        spec.validate()
    except SpecError:
        return
    y, _ = build_model(spec)(example_input(spec))
    assert torch.isfinite(y).all()
