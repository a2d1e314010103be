"""The stage cache (issue 18): a prose-only edit regenerated from the last full run's snapshot.

- `cache.py`: the replay's inputs (`replay`) and what a full run records (`Recorder`);
- `prose.py`: where the spec's prose sits, and patching it into the IR;
- `keys.py`: the snapshot's key (the spec's text with the prose emptied, the generator, the libraries);
- `snapshot.py`: the snapshot file (an index and the IR's schemas in pieces, each with a CRC-32,
  behind an unpickler that admits only the generator's classes);
- `writer.py`: the forked child that writes it off the run's critical path;
- `sharing.py`: equal IR values (a parameter many operations take, a type reference) pickled once in the
  snapshot, shared when it is read;
- `spill.py`: what a streamed run's recorder takes (stubs, docs), kept on disk until the child reads it;
- `replay.py`: rendering a prose-only edit from it, each file staged as it is rendered (for
  `generate`, `check` and `generate_replayed`);
- `layout.py`, `region.py`, `structural.py`, `notes.py`, `rekey.py`: a structural edit of one or a
  few operations (where the kept text's parts sit; where the new text differs, inside `paths`; the
  partial full path that serves it; what a replay notes beside the snapshot; the snapshot re-keyed
  to the served text).
"""
