"""Keep Streamlit's garbage collection after every script run cheap.

Streamlit runs a full collection (gc.collect(2)) when each run or fragment run ends, before the
browser hears that the script stopped (config `runner.postScriptGC`). With torch, plotly and
pandas imported, that walks some 370,000 objects: 100-150 ms on every click. Nearly all of them
belong to imported modules, which live as long as the process. gc.freeze() moves every object
tracked so far out of the collector's sight, so later collections walk only what the sessions
made since (their figures, recordings, jobs), which is where garbage comes from.

freeze_imports() does that whenever modules were imported since the last time: a few times in a
process's life (first visits to pages, the first optimizer, which imports torch._dynamo). The
session objects alive at those moments are frozen as well; they are still freed by reference
counting, and only a cycle among them would outlive them (a bounded, one-off cost).
"""

from __future__ import annotations

import gc
import sys

_modules_seen = 0


def freeze_imports() -> bool:
    """After a script run: if modules were imported since the last freeze, collect once and
    freeze every object tracked so far. Returns whether it froze."""
    global _modules_seen
    if len(sys.modules) == _modules_seen:
        return False
    gc.collect()  # whatever is garbage now must not be frozen
    gc.freeze()
    _modules_seen = len(sys.modules)
    return True
