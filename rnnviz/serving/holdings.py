"""What sessions keep between clicks, accounted server-wide: the run files and checkpoints each
browser session opened, with their size, per session and in all.

A session may keep at most SESSION_BYTES and the server at most SERVER_BYTES of them; past either
cap the least recently used are dropped (the session's own first, for its cap; anyone's, for the
server's), and put() says which, so the page can tell its user, and the owner of a dropped file
is told when it next looks for it. Nothing here imports Streamlit: a session is any hashable key.

    HOLDINGS.put(session, "race (3f9a)", run, nbytes(run)) → [(session, name) dropped, ...]
    HOLDINGS.get(session, "race (3f9a)")  → the run, or None once dropped
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict

import numpy as np
import torch


def _megabytes(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        return default * 1_000_000
    return (value if 1 <= value <= 1_000_000 else default) * 1_000_000


SESSION_BYTES = _megabytes("RNNVIZ_SESSION_MB", 300)  # what one session keeps opened
SERVER_BYTES = _megabytes("RNNVIZ_SERVER_MB", 2000)  # what every session keeps, in all


class HoldingsError(ValueError):
    """A file too large to keep at all, with a sentence."""


class Holdings:
    def __init__(self, per_session: int = SESSION_BYTES, total: int = SERVER_BYTES):
        self.per_session, self.total = per_session, total
        self._items: OrderedDict[tuple, tuple[object, int]] = OrderedDict()  # oldest use first
        self._lock = threading.Lock()

    def put(self, session, name: str, value, size: int) -> list[tuple]:
        """Keep `value` for `session` under `name`; returns the (session, name) pairs dropped to
        make room, oldest use first."""
        if size > min(self.per_session, self.total):
            raise HoldingsError(
                f"Opened, it would take {size / 1e6:,.0f} MB of the server's memory; one browser tab may keep at most "
                f"{min(self.per_session, self.total) / 1e6:,.0f} MB of files open."
            )
        with self._lock:
            self._items.pop((session, name), None)
            dropped = []
            while self._held(session) + size > self.per_session:
                dropped.append(self._drop_oldest(lambda key: key[0] == session))
            while sum(s for _, s in self._items.values()) + size > self.total:
                dropped.append(self._drop_oldest(lambda key: True))
            self._items[(session, name)] = (value, size)
            return dropped

    def get(self, session, name: str):
        """The value, marked as just used; None when it was dropped (or never kept)."""
        with self._lock:
            found = self._items.get((session, name))
            if found is None:
                return None
            self._items.move_to_end((session, name))
            return found[0]

    def names(self, session) -> list[str]:
        """What `session` keeps, in the order it opened them."""
        with self._lock:
            return [name for (owner, name) in self._items if owner == session]

    def held(self, session=None) -> int:
        """Bytes kept by `session` (None: by every session)."""
        with self._lock:
            return sum(s for _, s in self._items.values()) if session is None else self._held(session)

    def drop_session(self, session) -> None:
        """The session ended: let go of everything it kept."""
        with self._lock:
            for key in [key for key in self._items if key[0] == session]:
                del self._items[key]

    def _held(self, session) -> int:
        return sum(s for (owner, _), (_, s) in self._items.items() if owner == session)

    def _drop_oldest(self, which) -> tuple:
        key = next(key for key in self._items if which(key))
        del self._items[key]
        return key


def nbytes(value) -> int:
    """Memory a kept value takes: its arrays and tensors, found through lists, tuples, dicts,
    dataclasses (a Run, a Lane, a Recording) and modules; plus about 32 bytes per number kept
    in a Python list (a run's history)."""
    seen: set[int] = set()

    def size(item) -> int:
        if id(item) in seen:
            return 0
        seen.add(id(item))
        if isinstance(item, np.ndarray):
            return item.nbytes
        if isinstance(item, torch.Tensor):
            return item.element_size() * item.nelement()
        if isinstance(item, torch.nn.Module):
            return sum(size(t) for t in item.state_dict().values())
        if isinstance(item, dict):
            return sum(size(v) for v in item.values())
        if isinstance(item, list | tuple | set):
            plain = sum(isinstance(v, int | float) for v in item)
            return 32 * plain + sum(size(v) for v in item if not isinstance(v, int | float | str))
        if hasattr(item, "__dataclass_fields__"):
            return sum(size(getattr(item, f)) for f in item.__dataclass_fields__)
        return 0

    return size(value)


HOLDINGS = Holdings()
