"""The cycle collector paused for a run (`generator/gcpause.py`, issue 18): what the run made is
moved to the oldest generation when the block ends, without a pass over it, and stays collectable."""

from __future__ import annotations

import gc
import weakref

import pytest

from generator.gcpause import cycle_collection_paused


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cycle collector frees it


@pytest.fixture(autouse=True)
def _collector_on() -> object:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def _in_generation(obj: object, generation: int) -> bool:
    return any(o is obj for o in gc.get_objects(generation=generation))


def test_the_run_is_not_collected_and_its_objects_end_in_the_oldest_generation() -> None:
    with cycle_collection_paused():
        assert not gc.isenabled()
        kept = [{"n": i} for i in range(5_000)]  # more than gen 0's threshold
        assert gc.get_count()[0] > gc.get_threshold()[0]
    assert gc.isenabled()
    assert gc.get_count()[0] < gc.get_threshold()[0]  # no pass over them is pending
    assert _in_generation(kept, 2) and not _in_generation(kept, 0)


def test_garbage_the_run_left_is_still_collected() -> None:
    with cycle_collection_paused():
        ref = weakref.ref(Node())
    assert ref() is not None  # a cycle: not freed by reference counting
    gc.collect()
    assert ref() is None


def test_objects_frozen_by_the_program_stay_frozen() -> None:
    sentinel = [{"frozen": True}]
    gc.collect()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with cycle_collection_paused():
            made = [{"n": 1}]
        # not thawed: the sentinel is still in the permanent generation (which `get_objects` leaves
        # out), and the count has not fallen back (frozen objects other threads of a test worker
        # free meanwhile leave it a few lower, which is why it is not compared for equality)
        assert not any(obj is sentinel for obj in gc.get_objects())
        assert gc.get_freeze_count() > frozen // 2
        assert _in_generation(made, 0)  # (left where they are, as before)
    finally:
        gc.unfreeze()


def test_a_collector_turned_off_stays_off() -> None:
    gc.disable()
    with cycle_collection_paused():
        pass
    assert not gc.isenabled()
