"""The cycle collector paused for a pipeline run (issue 18).

The pipeline builds a few hundred thousand containers and frees them in one go; the cycle
collector's passes over them are pure overhead (~15 % of the CPU time for GitHub's spec) and change
nothing it could free in time to matter, so they are paused for the run. When the run ends, every
object it made is still in the youngest generation (no collection ran to promote them): re-enabling
the collector as such would make the next container allocated start a pass over all of them —
GitHub's IR, 0.08–0.12 s of CPU and 2,400 page faults right after the package is written, to free
about 80 objects. So they are moved to the oldest generation first (`gc.freeze` then
`gc.unfreeze`, which moves them there without looking at them): a later full collection still
frees whatever garbage the run left, as it would any other's. Not when the program has frozen
objects of its own (`gc.freeze`): `gc.unfreeze` would thaw them too.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """No cycle collection inside the block; what it made goes to the oldest generation after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()  # all tracked objects to the permanent generation, the counts reset
                gc.unfreeze()  # and back into the oldest generation, none of them traversed
            gc.enable()
