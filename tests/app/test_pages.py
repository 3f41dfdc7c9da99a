"""AppTest: every page for every topology × cell, presets, URL round-trip, bad input."""

import json

import pytest

from rnnviz import RNNSpec, shape_ledger, timeline
from rnnviz.lessons.presets import PRESETS
from rnnviz.net.spec import CELLS, TOPOLOGIES
from tests.app.conftest import charts, shown

PAGES = [
    "app_pages/home.py",
    "app_pages/topologies.py",
    "app_pages/shapes.py",
    "app_pages/batches.py",
    "app_pages/bptt.py",
    "app_pages/vanishing.py",
    "app_pages/scratch.py",
]


def chart(at, key):
    for element in charts(at):
        if element.proto.id.endswith(key) or key in element.proto.id:
            return json.loads(element.proto.spec)
    raise AssertionError(f"no chart {key}")


def ledger_table(at):
    """The ledger as shown; its shapes read as plain text (on screen a shape never wraps: no-break spaces)."""
    table = next(t.value for t in at.table if "axes" in t.value.columns)
    return table.assign(shape=table["shape"].str.replace("\u00a0", " "))


def text_of(at):
    return " ".join(m.value for m in at.markdown)


@pytest.mark.parametrize("topology", TOPOLOGIES)
@pytest.mark.parametrize("cell", CELLS)
def test_every_page_runs_for_every_topology_and_cell(app, topology, cell):
    app.radio(key="cell").set_value(cell)
    app.selectbox(key="topology").set_value(topology)
    app.run()
    for page in PAGES:
        app.switch_page(page).run()
        assert not app.exception, (page, app.exception)
        assert not app.error, (page, [e.value for e in app.error])
        assert charts(app) or page.endswith("scratch.py"), page  # scratch shows equations
    app.switch_page("app_pages/bptt.py").run()
    frames = [f["name"] for f in chart(app, "bptt")["frames"]]
    steps = timeline(RNNSpec(topology=topology)).steps
    assert sum(n.startswith("f") for n in frames) == steps and sum(n.startswith("b") for n in frames) == steps
    app.switch_page("app_pages/shapes.py").run()
    spec = RNNSpec(cell=cell, topology=topology)
    expected = shape_ledger(spec)
    table = ledger_table(app)
    assert list(table["shape"]) == [str(s) for s in expected["shape"]]


def test_diagram_follows_seq_len_layers_and_direction(app):
    app.switch_page("app_pages/topologies.py").run()

    def state_nodes(at):
        diagram = chart(at, "topology_diagram")
        return sum(len(t["x"]) for t in diagram["data"] if t["name"].startswith("hidden state"))

    assert state_nodes(app) == 8  # default: 8 steps, 1 layer
    app.number_input(key="seq_len").set_value(5)
    app.number_input(key="num_layers").set_value(3)
    app.run()
    assert state_nodes(app) == 15
    app.toggle(key="bidirectional").set_value(True)
    app.run()
    assert state_nodes(app) == 30
    loss_nodes = [t for t in chart(app, "topology_diagram")["data"] if t["name"].endswith("counts in the loss")]
    assert len(loss_nodes[0]["x"]) == 5


def test_encoder_decoder_diagram_marks_empty_inputs_and_ignored_outputs(app):
    app.switch_page("app_pages/topologies.py").run()
    app.selectbox(key="topology").set_value("many_to_many").run()  # out_len is enabled from now on
    app.number_input(key="seq_len").set_value(4)
    app.number_input(key="out_len").set_value(3)
    app.run()
    traces = {t["name"]: t for t in chart(app, "topology_diagram")["data"]}
    assert len(traces["empty input (zeros)"]["x"]) == 3
    assert len(traces["output computed but ignored"]["x"]) == 4
    assert len(traces["output y_t, counts in the loss"]["x"]) == 3
    code = [c.value for c in app.code]
    assert any("x.new_zeros(x.shape[0], 3, 3)" in c for c in code)


def test_shape_widget_changes_the_ledger(app):
    app.switch_page("app_pages/shapes.py").run()
    before = ledger_table(app)
    assert before.loc[before.name == "h_n", "shape"].item() == "(1, 4, 16)"
    app.number_input(key="hidden_size").set_value(32).run()
    after = ledger_table(app)
    assert after.loc[after.name == "h_n", "shape"].item() == "(1, 4, 32)"
    assert after.loc[after.name == "core.weight_ih_l0", "shape"].item() == "(128, 3)"


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_load_every_value(app, name):
    app.switch_page("app_pages/shapes.py").run()
    app.selectbox(key="preset").set_value(name).run()
    assert not app.exception
    spec = PRESETS[name][0]
    assert app.number_input(key="hidden_size").value == spec.hidden_size
    table = ledger_table(app)
    assert table.loc[table.name == "x", "shape"].item() == str(shape_ledger(spec).set_index("name").loc["x", "shape"])


def test_reset_returns_to_defaults(app):
    app.number_input(key="hidden_size").set_value(99).run()
    app.button[0].click().run()
    assert app.number_input(key="hidden_size").value == RNNSpec().hidden_size


def test_url_restores_widgets_and_reports_bad_values():
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import ROOT

    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"cell": "gru", "hidden_size": "abc", "seq_len": "12", "colour": "red"})
    at.run()
    assert not at.exception
    assert at.radio(key="cell").value == "gru"
    assert at.number_input(key="seq_len").value == 12
    assert at.number_input(key="hidden_size").value == RNNSpec().hidden_size
    warning = shown(at.warning)
    assert "hidden_size" in warning and "colour" in warning
    assert at.query_params["cell"] == ["gru"] or at.query_params["cell"] == "gru"


def test_widget_change_is_mirrored_in_the_url(app):
    app.number_input(key="hidden_size").set_value(48).run()
    value = app.query_params["hidden_size"]
    assert value in ("48", ["48"])


def test_impossible_combination_keeps_the_last_good_spec(app):
    app.switch_page("app_pages/topologies.py").run()
    app.toggle(key="bidirectional").set_value(True).run()
    app.selectbox(key="topology").set_value("one_to_many").run()
    assert not app.exception
    assert any("bidirectional" in e.value for e in app.error)
    steps = timeline(RNNSpec(bidirectional=True)).steps
    states = sum(len(t["x"]) for t in chart(app, "topology_diagram")["data"] if t["name"].startswith("hidden"))
    assert states == 2 * steps  # still the last valid (bidirectional synced) network


def test_overview_strip_shows_all_five(app):
    app.switch_page("app_pages/topologies.py").run()
    overview = chart(app, "overview")
    picked = {t.get("customdata", [None])[0] for t in overview["data"] if t.get("customdata")}
    assert picked == set(TOPOLOGIES)


@pytest.mark.parametrize(
    "text,message",
    [("", "empty"), ("   \n  ", "empty"), ("abc\x00\x01def", "binary"), ("x" * 3, None)],
)
def test_sentences_input_is_checked(app, text, message):
    app.switch_page("app_pages/batches.py").run()
    app.text_area(key="sentences").set_value(text).run()
    assert not app.exception
    errors = " ".join(e.value for e in app.error)
    if message:
        assert message in errors
    else:
        assert not errors


def test_char_rnn_tutorial_shapes_on_the_batches_page(app):
    app.switch_page("app_pages/batches.py").run()
    assert "`x.shape = (3, 14, 17)`" in text_of(app)
    one_hot = chart(app, "one_hot")["data"][0]
    assert one_hot["z"]["shape"] == "14, 17"  # plotly sends numpy arrays as typed binary


def test_stream_too_short_for_the_batch_says_so(app):
    app.switch_page("app_pages/batches.py").run()
    app.number_input(key="stream_batch_size").set_value(64).run()
    assert not app.exception
    assert any("too few" in e.value for e in app.error)


def test_truncated_bptt_control_draws_the_cut_and_zeroes_gradients(app):
    app.selectbox(key="topology").set_value("many_to_one").run()
    app.switch_page("app_pages/bptt.py").run()
    app.number_input(key="tbptt_k").set_value(3).run()
    assert not app.exception
    figure = chart(app, "bptt")
    cut = next(t for t in figure["data"] if t.get("name", "").startswith("detach()"))
    assert [x for x in cut["x"] if x is not None][:2] == [2.5, 2.5]
    gradients = figure["data"][4]
    crossing = [text for text in gradients["hovertext"] if "crosses a detach() cut" in text]
    assert [text.split(": ")[0].split("along ")[1] for text in crossing] == ["h_2 → h_3", "h_5 → h_6"]
    assert all("exactly 0" in text for text in crossing)


def test_clipping_says_by_how_much(app):
    app.switch_page("app_pages/bptt.py").run()
    app.number_input(key="clip_max_norm").set_value(0.01).run()
    assert any("would fire" in w.value for w in app.warning)
    clipped = next(m for m in app.metric if m.label.startswith("Total gradient norm"))
    assert clipped.proto.direction == clipped.proto.DOWN  # clipping scales the gradient down: ↓, never ↑


def test_long_sequences_get_a_message_not_a_huge_animation(app):
    app.number_input(key="seq_len").set_value(500).run()
    app.switch_page("app_pages/bptt.py").run()
    assert not app.exception
    assert any("at most 200" in i.value for i in app.info)


def test_vanishing_page_quotes_the_numbers_of_its_plot(app):
    app.switch_page("app_pages/vanishing.py").run()
    text = text_of(app)
    assert "At distance 40 from the loss" in text and "RNN:" in text and "LSTM:" in text
    assert len(chart(app, "gradient_flow")["data"]) == 6


def test_from_scratch_numbers_match_torch(app):
    app.switch_page("app_pages/scratch.py").run()
    successes = [s.value for s in app.success]
    assert len(successes) == 3  # Chollet's loop, the LSTM step, the minGRU step
    for message in successes:
        difference = float(
            message.split("difference")[-1].split()[-1].rstrip(".").replace("\u2011", "-")
        )  # no-break hyphen
        assert difference < 1e-10


def test_pages_that_do_not_use_the_configuration_hide_it_and_keep_it(app):
    from ui.pages import PAGES

    app.switch_page("app_pages/shapes.py").run()
    app.number_input(key="hidden_size").set_value(24).run()
    for info in PAGES:
        if not info.uses_spec:
            app.switch_page(f"app_pages/{info.file}.py").run()
            assert not app.exception, info.file
            assert not [w for w in app.sidebar.number_input if w.key == "hidden_size"], info.file
    app.switch_page("app_pages/shapes.py").run()
    assert app.number_input(key="hidden_size").value == 24  # the configuration outlived those pages
    assert "(1, 4, 24)" in " ".join(str(v) for v in ledger_table(app)["shape"])
