"""freeze_imports: garbage is collected before the freeze, what lives is hidden from the collector
afterwards, and it freezes again only when modules were imported."""

import gc
import sys
import types
import weakref

import ui.collector as collector


class Node:
    def __init__(self):
        self.me = self  # a reference cycle: only the cycle collector frees it


def test_freeze_collects_garbage_first_then_hides_the_living_and_only_refreezes_after_imports(monkeypatch):
    try:
        monkeypatch.setattr(collector, "_modules_seen", 0)  # as in a new process
        garbage = Node()
        dead = weakref.ref(garbage)
        del garbage
        kept = Node()
        assert collector.freeze_imports()
        assert dead() is None  # collected, not frozen
        assert gc.get_freeze_count() > 0
        tracked = {id(o) for o in gc.get_objects()}
        assert id(kept) not in tracked  # frozen: a full collection no longer walks it
        made_after = Node()
        assert id(made_after) in {id(o) for o in gc.get_objects()}  # what sessions make stays collectable
        assert not collector.freeze_imports()  # nothing imported since
        monkeypatch.setitem(sys.modules, "rnnviz_test_imported_module", types.ModuleType("imported"))
        assert collector.freeze_imports()
        assert id(made_after) not in {id(o) for o in gc.get_objects()}
    finally:
        gc.unfreeze()
