"""AppTest: the padding page draws the padded batch and the three reads, and trains both ways."""

import json

from tests.app.conftest import charts


def test_packing_page_shows_the_three_reads_and_the_cost(app):
    app.switch_page("app_pages/packing.py").run()
    assert not app.exception
    table = app.table[0].value
    assert list(table["last column"]) == ["differs: it read padding"] * 4
    assert (table["output at the last real step"] == table["packed h_n"]).all()
    app.number_input(key="packing_train_steps").set_value(24).run()
    app.button(key="packing_train").click().run()
    assert not app.exception
    figures = [json.loads(c.proto.spec) for c in charts(app)]
    names = {t.get("name") for f in figures for t in f["data"]}
    assert {"output[:, -1] of the padded batch", "h_n of the packed batch"} <= names
