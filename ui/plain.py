"""Text from outside (a link, an uploaded file's name or contents, typed text) shown as text.

Streamlit renders most strings as Markdown, so a link value like `[log in again](http://…)`
would become a clickable link in an official-looking box. plain() escapes with a backslash
every character that Markdown or Streamlit's directives (`:red[…]`, `:material/…:`, `$…$`)
give a meaning, puts an invisible word joiner after "http", "www" and "@" (GitHub's autolinks
find addresses in escaped text too), and folds line breaks, so the text shows as written and
nothing in it is a link, a heading, a list, emphasis, a colour, an icon or maths.
"""

from __future__ import annotations

import re

MEANINGFUL = re.compile(r"([\\`*_\[\]()<>#+\-!|~:$.=&{}])")
AUTOLINKED = re.compile(r"(?i)(https?|ftp|mailto|www|@)")  # GitHub links these even when escaped
INVISIBLE_BREAK = "\u2060"  # a word joiner: shows nothing, and no autolink runs across it


def plain(text: object, most: int = 300) -> str:
    """`text` as literal Markdown, at most `most` characters of it (an ellipsis past that)."""
    text = " ".join(str(text).split())
    if len(text) > most:
        text = text[: most - 1] + "…"
    return AUTOLINKED.sub(r"\1" + INVISIBLE_BREAK, MEANINGFUL.sub(r"\\\1", text))
