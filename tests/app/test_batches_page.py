"""Text into batches (#23 item 6): emptying the sentence box once must not cost the PTB tab its
settings (the box's refusal stopped the script before that tab's widgets were drawn, so they
lost their values: batch_size and num_steps read 0 while the figure used 3 and 4)."""

from tests.app.conftest import shown


def test_an_empty_sentence_box_leaves_the_ptb_settings_as_they_were(app):
    app.switch_page("app_pages/batches.py").run()
    app.number_input(key="stream_batch_size").set_value(5).run()
    app.text_area(key="sentences").set_value("").run()
    assert "empty" in shown(app.error)
    assert app.number_input(key="stream_batch_size").value == 5  # drawn in the same run, kept
    app.text_area(key="sentences").set_value("hello there\ngood day").run()
    assert not app.exception and not app.error
    assert app.number_input(key="stream_batch_size").value == 5
    assert app.number_input(key="stream_num_steps").value == 4
    assert any("(5, " in m.value for m in app.markdown)  # data.shape has the 5 rows the box says
