"""The shape stage: the one place the target's configuration is read (`stage.shape`).

Between parse (the spec alone) and naming, it turns the configuration into IR facts: envelope
unwrapping and pagination of each result (`results.py`, `envelopes.py`, `pagination.py`), per-operation
overrides and the package's identity (`target.py`), and — through each feature's `shape()` — the
settings of the features (`generator/features/`). Everything after it reads the IR only."""
