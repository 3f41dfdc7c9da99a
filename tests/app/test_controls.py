"""AppTest: controls that used to lose work or mislead (correct-and-clear 3, 6-10; hardened 2, 3)."""

import time

import pytest

from tests.app.conftest import shown
from tests.app.test_pages import ledger_table
from tests.app.test_training_pages import wait_for_steps
from ui.training_fields import training_fields

TRAIN_VALUES = {  # key → a non-default value (widget kind)
    "train_task": ("selectbox", "sine"),
    "train_cell": ("radio", "gru"),
    "train_hidden": ("number_input", 24),
    "train_seq_len": ("number_input", 17),
    "train_batch": ("number_input", 12),
    "train_optimizer": ("selectbox", "rmsprop"),
    "train_lr": ("number_input", 0.003),
    "train_steps": ("number_input", 1234),
    "train_layers": ("number_input", 2),
    "train_clip": ("number_input", 0.5),
    "train_tbptt": ("number_input", 5),
    "train_seed": ("number_input", 7),
}
RACE_VALUES = {
    "race_task": ("selectbox", "parity"),
    "race_hidden": ("number_input", 20),
    "race_seq_len": ("number_input", 12),
    "race_batch": ("number_input", 16),
    "race_steps": ("number_input", 777),
    "race_lr_rnn": ("number_input", 0.002),
    "race_lr_gru": ("number_input", 0.02),
    "race_lr_lstm": ("number_input", 0.03),
}


def _widget(app, kind, key):
    return getattr(app, kind)(key=key)


@pytest.mark.parametrize("page,values", [("train", TRAIN_VALUES), ("race", RACE_VALUES)])
def test_training_settings_survive_visits_to_two_other_pages(app, page, values):
    app.switch_page(f"app_pages/{page}.py").run()
    for key, (kind, value) in values.items():  # the task first: it resets the sequence length
        _widget(app, kind, key).set_value(value).run()
        assert not app.exception, (key, app.exception)
    for other in ("app_pages/shapes.py", "app_pages/inside.py"):
        app.switch_page(other).run()
        assert not app.exception
    app.switch_page(f"app_pages/{page}.py").run()
    for key, (kind, value) in values.items():
        assert (
            _widget(app, kind, key).value == pytest.approx(value)
            if isinstance(value, float)
            else (_widget(app, kind, key).value == value)
        ), key


def test_typed_training_text_survives_navigation(app):
    app.switch_page("app_pages/train.py").run()
    app.selectbox(key="train_task").set_value("char").run()
    app.text_area(key="train_text").set_value("the quick brown fox jumps over the lazy dog\n").run()
    app.switch_page("app_pages/home.py").run()
    app.switch_page("app_pages/bptt.py").run()
    app.switch_page("app_pages/train.py").run()
    assert app.text_area(key="train_text").value == "the quick brown fox jumps over the lazy dog\n"


def _start_small(app, page="train"):
    prefix = f"{page}_"
    app.switch_page(f"app_pages/{page}.py").run()
    app.number_input(key=f"{prefix}seq_len").set_value(10)
    app.number_input(key=f"{prefix}hidden").set_value(8)
    app.number_input(key=f"{prefix}steps").set_value(0)
    app.run()
    app.button(key="start_run").click().run()
    assert not app.exception


def test_start_is_disabled_while_a_run_is_active_and_the_run_is_kept(app):
    _start_small(app, "race")
    first = wait_for_steps(app, 5)
    assert app.button(key="start_run").disabled  # a second Start cannot throw the run away
    later = wait_for_steps(app, first + 3)
    assert later > first  # the same run, still counting
    app.button(key="stop_run").click().run()
    assert not app.button(key="start_run").disabled
    app.button(key="reset_run").click().run()


def test_the_first_start_on_an_idle_server_never_says_queued(app):
    _start_small(app)
    for _ in range(20):
        app.run()
        texts = " ".join(c.value for c in app.caption)
        assert "Queued" not in texts and "nan" not in " ".join(m.value for m in app.metric)
        time.sleep(0.05)
    app.button(key="stop_run").click().run()


def test_one_step_moves_the_counter_by_exactly_one_and_paused_has_no_rate(app):
    _start_small(app)
    wait_for_steps(app, 5)
    app.button(key="pause_run").click().run()
    step = lambda: int(next(m for m in app.metric if m.label == "Step").value)  # noqa: E731
    held = step()
    rate = next(m for m in app.metric if m.label == "Steps per second").value
    assert rate == "—"
    for k in range(1, 4):
        app.button(key="step_run").click().run()
        assert step() == held + k
    app.button(key="stop_run").click().run()


@pytest.mark.parametrize("value,words", [(0, "between 1 and 2048"), (100000, "between 1 and 2048")])
def test_an_out_of_range_box_says_why_next_to_it_and_keeps_the_last_good_spec(app, value, words):
    app.switch_page("app_pages/shapes.py").run()
    app.number_input(key="hidden_size").set_value(value).run()
    assert not app.exception
    assert any(words in e.value and "Hidden size" in e.value for e in app.sidebar.error)
    assert app.number_input(key="hidden_size").value == value  # the typed value stays in the box
    assert "(1, 4, 16)" in " ".join(ledger_table(app)["shape"])


def test_a_spec_over_the_memory_budget_is_refused_under_the_box_at_fault(app):
    app.switch_page("app_pages/shapes.py").run()
    app.number_input(key="output_size").set_value(50000).run()
    app.number_input(key="seq_len").set_value(1000).run()
    assert not app.exception
    messages = [e.value for e in app.sidebar.error]
    assert any("one request may use at most" in m and "outputs" in m for m in messages), messages


def test_inside_shows_the_configuration_of_the_trained_model_it_inspects(app):
    app.number_input(key="hidden_size").set_value(16).run()
    app.switch_page("app_pages/train.py").run()
    app.number_input(key="train_hidden").set_value(24).run()
    app.number_input(key="train_seq_len").set_value(10).run()
    app.number_input(key="train_steps").set_value(20).run()
    app.button(key="start_run").click().run()
    deadline = time.time() + 60
    while not any("Finished" in c.value for c in app.caption) and time.time() < deadline:
        time.sleep(0.3)
        app.run()
    for page in ("inside", "trajectory", "compare", "generate"):
        app.switch_page(f"app_pages/{page}.py").run()
        assert not app.exception, page
        captions = " ".join(c.value for c in app.caption)
        if page != "generate":  # generate needs a char model: it says so, without a sidebar spec
            assert "hidden 24" in captions, (page, captions)
        with pytest.raises(KeyError):  # no sidebar widget contradicts the model on screen
            app.number_input(key="hidden_size")
    app.switch_page("app_pages/inside.py").run()
    app.selectbox(key="inside_source").set_value("Untrained model of the sidebar configuration").run()
    assert app.number_input(key="hidden_size").value == 16  # the untrained model is the sidebar's
    assert "hidden 16" in " ".join(c.value for c in app.caption)


@pytest.mark.parametrize("topology", ["one_to_one", "one_to_many"])
def test_untrained_token_models_with_a_single_input_open_on_every_inspecting_page(app, topology):
    app.selectbox(key="topology").set_value(topology).run()
    app.number_input(key="vocab_size").set_value(12).run()
    for page in ("inside", "trajectory", "compare"):
        app.switch_page(f"app_pages/{page}.py").run()
        assert not app.exception, (page, app.exception)


def _open(page: str, params: dict):
    import pathlib

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_resource.clear()
    at = AppTest.from_file(str(pathlib.Path(__file__).resolve().parents[2] / "app.py"), default_timeout=120)
    at.query_params.update(params)
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception
    return at


LINKS = {
    "train": {
        "task": "sine",
        "cell": "gru",
        "hidden": "24",
        "lr": "0.003",
        "seed": "7",
        "batch": "16",
        "optimizer": "rmsprop",
        "clip": "0.5",
        "tbptt": "5",
        "steps": "1234",
        "layers": "2",
        "seq_len": "17",
        "init": "orthogonal",
        "weight_decay": "0.01",  # a setting drawn from the settings table alone
    },
    "race": {
        "task": "parity",
        "hidden": "20",
        "lr_rnn": "0.002",
        "lr_gru": "0.02",
        "steps": "777",
        "cells": "rnn,gru,irnn",
        "lr_irnn": "0.003",
    },
}


@pytest.mark.parametrize("page", ["train", "race"])
def test_a_training_link_sets_every_widget_and_the_url_follows_them(page):
    at = _open(page, LINKS[page])
    fields = {f.name: f for f in training_fields(f"{page}_", race=page == "race")}
    for name, text in LINKS[page].items():
        assert at.session_state[fields[name].key] == fields[name].parse(text), name
    assert not at.warning
    assert {
        k: at.query_params[k][0] if isinstance(at.query_params[k], list) else at.query_params[k]
        for k in at.query_params
    } == LINKS[page]  # the URL is a link to what is on screen
    at.number_input(key=f"{page}_hidden").set_value(33).run()
    assert at.query_params["hidden"] in ("33", ["33"])


@pytest.mark.parametrize("page", ["train", "race"])
def test_a_bad_training_link_says_what_it_did_not_use(page):
    at = _open(page, {"hidden": "abc", "colour": "red", "seed": "+5", "task": "sine"})
    warning = shown(at.warning)
    assert "hidden must be a whole number" in warning and "'colour'" in warning and "seed" in warning
    assert at.session_state[f"{page}_task"] == "sine"  # the good values are kept
    assert at.number_input(key=f"{page}_hidden").value == 64


def test_hide_flags_hide_those_controls_and_keep_their_values():
    at = _open("train", {"hide": "lr,optimizer,cell", "lr": "0.002", "hidden": "20"})
    for find in (
        lambda: at.number_input(key="train_lr"),
        lambda: at.selectbox(key="train_optimizer"),
        lambda: at.radio(key="train_cell"),
    ):
        with pytest.raises(KeyError):
            find()  # not drawn
    assert at.number_input(key="train_hidden").value == 20  # the others are shown
    assert not at.button(key="start_run").disabled  # and the hidden values still count
    assert at.query_params["hide"] in ("lr,optimizer,cell", ["lr,optimizer,cell"])  # kept in the link


def test_the_share_box_holds_the_link_of_this_view():
    at = _open("train", {"task": "sine", "hidden": "24"})
    shared = [c.value for c in at.sidebar.code]
    assert shared and "task=sine" in shared[0] and "hidden=24" in shared[0]


def test_inside_and_generate_read_their_settings_from_the_link():
    at = _open("inside", {"unit": "5", "show": "c", "hidden_size": "12"})
    assert not at.warning, [w.value for w in at.warning]
    assert at.slider(key="inside_unit").value == 5 and at.session_state["inside_map"] == "c"
    assert at.number_input(key="hidden_size").value == 12  # the spec in the same link
    bad = _open("inside", {"show": "q"})
    assert any("show must be one of" in w.value for w in bad.warning)


def test_the_decoder_input_feeds_back_outputs_and_a_topology_without_a_decoder_greys_it_out(app):
    app.selectbox(key="topology").set_value("many_to_many").run()
    app.radio(key="decoder_input").set_value("token").run()
    spec = app.session_state["spec"]
    assert (spec.topology, spec.decoder_input) == ("many_to_many", "token")
    assert app.query_params["decoder_input"] == "token"
    app.selectbox(key="topology").set_value("synced").run()
    assert not app.exception and not app.error  # not a broken spec: the radio no longer applies
    assert app.radio(key="decoder_input").disabled
    assert app.session_state["spec"].decoder_input == "empty" and "decoder_input" not in app.query_params
    app.selectbox(key="topology").set_value("one_to_many").run()
    assert app.session_state["spec"].decoder_input == "token"  # the choice comes back with a decoder
