"""A link's value at either bound of its field, and text at its maximum length, is taken; one
step past is refused with a sentence (issue: hardened for a room, tests that did not exist)."""

import pytest

from ui.link import PAGE_LINKS, LinkField
from ui.training_fields import training_fields

FIELDS = (
    [f for fields in PAGE_LINKS.values() for f in fields]
    + training_fields("train_")
    + training_fields("race_", race=True)
)


@pytest.mark.parametrize("field", [f for f in FIELDS if f.kind in ("int", "float")], ids=lambda f: f.key)
def test_a_number_at_either_bound_is_taken_and_past_it_refused(field):
    for bound in (field.low, field.high):
        text = field.format(int(bound) if field.kind == "int" else float(bound))
        assert field.parse(text) == bound
    past = (1, 1) if field.kind == "int" else (max(abs(field.low), 1e-3) / 100, max(abs(field.high), 1e-3) / 100)
    for outside in (field.low - past[0], field.high + past[1]):
        with pytest.raises(ValueError, match="between"):
            field.parse(field.format(int(outside) if field.kind == "int" else outside))


def test_text_of_exactly_the_maximum_length_is_taken_and_one_more_refused():
    field = LinkField("prime", "k", "text", "good", 0, 100)
    assert field.parse("a" * 100) == "a" * 100
    with pytest.raises(ValueError, match="at most 100"):
        field.parse("a" * 101)


def test_no_page_setting_takes_a_name_the_sidebar_spec_reads():
    from ui.link import OWN_LINK_PAGES, PAGE_LINKS
    from ui.spec_sidebar import SPEC_NAMES

    for page, fields in PAGE_LINKS.items():
        for field in fields if page not in OWN_LINK_PAGES else ():
            assert field.name not in SPEC_NAMES, (page, field.name)  # the two codecs would fight over it
    # (Train, Race and Decoder own their whole link: app.py reads no spec there, so their names may be the spec's.)
