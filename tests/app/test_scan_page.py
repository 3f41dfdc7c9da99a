"""AppTest: the Scan page draws the loop and the tree, their numbers agree, the link carries T."""

import json

from tests.app.conftest import charts


def test_scan_page_steps_through_the_levels_and_the_numbers_agree(app):
    app.query_params["T"] = "8"
    app.switch_page("app_pages/scan.py").run()
    assert not app.exception
    assert app.number_input(key="scan_steps").value == 8
    assert any("Step 1 of 8" in m.value for m in app.markdown)  # the first round, 6 levels, the last round
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in charts(app)]
    assert any("Loop: 8 dependent steps" in t for t in titles) and any("Scan: 6 levels" in t for t in titles)
    summary = next(m.value for m in app.markdown if "The same numbers" in m.value)
    difference = float(summary.split("largest difference over all steps ")[1].split()[0].rstrip("."))
    assert difference < 1e-10  # the loop, the log-space scan and the tree give the same states
    app.button(key="scan_next").click().run()
    assert any("Step 2 of 8" in m.value for m in app.markdown)
    app.toggle(key="scan_negative").set_value(True).run()
    app.radio(key="scan_kind").set_value("minlstm").run()
    assert not app.exception


def test_a_race_can_add_mingru_and_measures_what_each_cell_costs(app):
    app.switch_page("app_pages/race.py").run()
    app.number_input(key="race_seq_len").set_value(10)
    app.number_input(key="race_hidden").set_value(8)
    app.multiselect(key="race_cells").set_value(["rnn", "lstm", "mingru"]).run()
    assert not app.exception
    assert app.header[0].value == "Race: RNN against LSTM against minGRU"  # named after the cells racing
    assert any(c.value.startswith("The three cells train in turns") for c in app.caption)
    assert [n.label for n in app.number_input if n.label.endswith("learning rate")] == [
        "RNN learning rate",
        "LSTM learning rate",
        "minGRU learning rate",
    ]
    app.button(key="race_cost_measure").click().run()
    table = app.table[-1].value
    assert list(table["cell"]) == ["RNN", "LSTM", "minGRU"]
    parameters = dict(zip(table["cell"], table["parameters"]))
    assert int(parameters["minGRU"].replace(",", "")) < int(parameters["LSTM"].replace(",", ""))
    assert app.query_params["cells"] in ("rnn,lstm,mingru", ["rnn,lstm,mingru"])
