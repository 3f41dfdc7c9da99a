"""torch's global random generator is one per process, shared by every thread of the server: two
sessions (or a page and a training thread) that seed it and then build a model at the same time
can interleave, and a seeded model then gets another's numbers. `seeded` makes seeding and what
is built right after it one step no other seeded block can cut into."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import torch

_LOCK = threading.RLock()


@contextmanager
def seeded(seed: int):
    """torch.manual_seed(seed); the block's draws from the global generator are its own."""
    with _LOCK:
        torch.manual_seed(seed)
        yield
