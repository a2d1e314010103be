"""`render/imports.py`: the sort keys' caches are bounded (issue 18: graph-beta filled 65,536 entries
each, 31 MB alive to the end of render) and a bounded cache gives the same keys."""

from __future__ import annotations

from generator.render import imports


def test_key_caches_are_bounded_and_evictions_change_no_key() -> None:
    for cached in (imports.natural_key, imports._member_key):
        assert cached.cache_info().maxsize == imports._KEYS <= 16384
    names = [f"Model{i}x{i % 7}" for i in range(imports._KEYS + 500)]
    first = [imports.natural_key(n) for n in names]
    assert imports.natural_key.cache_info().currsize <= imports._KEYS
    assert [imports.natural_key(n) for n in names] == first  # recomputed after eviction
    assert imports.natural_key("a2") < imports.natural_key("a10")
