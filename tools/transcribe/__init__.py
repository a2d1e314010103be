"""Tools that turn a vendor's OpenAPI 3.0 document into our own 3.1 transcription.

The structure (paths, schemas, constraints) is carried over mechanically; every piece of
prose comes from a hand-written overlay file kept next to the tool.  See README.md.
"""
