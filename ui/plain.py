"""Text from outside (a link, an uploaded file's name or contents, typed text) shown as text.

Streamlit renders most strings as Markdown, so a link value like `[log in again](http://…)`
would become a clickable link in an official-looking box. plain() escapes with a backslash
every character that Markdown, GitHub's autolinks or Streamlit's directives (`:red[…]`,
`:material/…:`, `$…$`) give a meaning, and folds line breaks, so the text shows exactly as
written and nothing in it is a link, a heading, a list, emphasis, a colour, an icon or maths.
"""

from __future__ import annotations

import re

MEANINGFUL = re.compile(r"([\\`*_\[\]()<>#+\-!|~:$.=&{}])")


def plain(text: object, most: int = 300) -> str:
    """`text` as literal Markdown, at most `most` characters of it (an ellipsis past that)."""
    text = " ".join(str(text).split())
    if len(text) > most:
        text = text[: most - 1] + "…"
    return MEANINGFUL.sub(r"\\\1", text)
