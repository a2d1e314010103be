"""Cookie parameters (``in: cookie``, style ``form``) → one ``Cookie`` request header."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

import pydantic

from ._serialize import scalar_to_str
from ._types import NotGiven

__all__ = ["cookie_header"]

# RFC 6265 cookie-octets, except "%" (so that a percent-encoded value stays unambiguous).
_SAFE = "".join(
    chr(c) for c in range(0x21, 0x7F) if chr(c) not in '"%,;\\' and not chr(c).isalnum()
)
_SEPARATORS = frozenset('()<>@,;:\\"/[]?={} \t')


def _encode(value: object) -> str:
    return quote(scalar_to_str(value), safe=_SAFE)


def _check_name(name: str) -> str:
    if not name or any(c in _SEPARATORS or ord(c) < 0x21 or ord(c) > 0x7E for c in name):
        raise ValueError(f"Invalid cookie name {name!r}")
    return name


def _pairs(name: str, value: object, explode: bool) -> list[tuple[str, str]]:
    if isinstance(value, pydantic.BaseModel):
        value = value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        items = [(str(k), _encode(v)) for k, v in value.items() if v is not None]
        if explode:
            return [(_check_name(k), v) for k, v in items]
        return [(name, ",".join(part for pair in items for part in (_encode(pair[0]), pair[1])))]
    if isinstance(value, (list, tuple, set, frozenset)):
        values = [_encode(v) for v in value if v is not None]
        return [(name, v) for v in values] if explode else [(name, ",".join(values))]
    return [(name, _encode(value))]


def cookie_header(
    cookies: Mapping[str, object] | None,
    styles: Mapping[str, tuple[str, bool]],
    nulls: frozenset[tuple[str, str]] = frozenset(),
) -> str:
    """``name=value; name2=value2`` for the given cookie parameters ("" when none is set).

    Values are percent-encoded outside the RFC 6265 cookie-octets. Lists: ``explode=true``
    (the default) repeats the cookie (``id=1; id=2``), ``explode=false`` joins with commas
    (``id=1,2``). Objects: ``explode=true`` sends each key as its own cookie, ``explode=false``
    ``name=k1,v1,k2,v2``. ``None`` / ``NOT_GIVEN`` values are not sent, except ``None`` for the
    cookies in ``nulls`` (nullable in the spec), sent as ``name=`` (the form style's null form).
    """
    out: list[str] = []
    for name, value in (cookies or {}).items():
        if value is None and ("cookie", name) in nulls:
            out.append(f"{_check_name(name)}=")
            continue
        if value is None or isinstance(value, NotGiven):
            continue
        explode = styles.get(name, ("form", True))[1]
        out.extend(f"{k}={v}" for k, v in _pairs(_check_name(name), value, explode))
    return "; ".join(out)
