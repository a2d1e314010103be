"""Package versions: a spec's `info.version` as a PEP 440 version (what pip accepts), and bumps.

`info.version` is whatever the vendor writes (`2022-11-15`, `v2`, `Wed Oct 15 2025 …`); a generated
package must carry a PEP 440 version or `pip install` refuses it.
"""

from __future__ import annotations

import re

from packaging.version import InvalidVersion, Version

# the patterns `pep440` tries after `Version`, compiled by `re` when first searched (its cache): a
# version that is PEP 440 already, as most are, needs none of them
_ISO_DATE = r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_TEXT_DATE = r"\b(" + "|".join(_MONTHS) + r")[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})\b"
_NUMBERS = r"v?(\d+(?:[._-]\d+)*)"


def is_pep440(text: str) -> bool:
    try:
        Version(text)
    except InvalidVersion:
        return False
    return True


def pep440(text: str) -> str:
    """The PEP 440 form of a version string: `v1.2` → `1.2`, `2022-11-15` → `2022.11.15`,
    `Wed Oct 15 2025 13:53:19 GMT` → `2025.10.15`, `1.0-beta` → `1.0b0`; `0.0.0` when nothing fits."""
    text = text.strip()
    try:
        return str(Version(text))
    except InvalidVersion:
        pass
    date = re.search(_ISO_DATE, text)
    if date:
        return str(Version(".".join(date.groups())))
    named = re.search(_TEXT_DATE, text, re.IGNORECASE)
    if named:
        month = _MONTHS.index(named.group(1)[:3].lower()) + 1
        return str(Version(f"{named.group(3)}.{month}.{named.group(2)}"))
    numbers = re.search(_NUMBERS, text, re.IGNORECASE)
    if numbers:
        return str(Version(re.sub(r"[_-]", ".", numbers.group(1))))
    return "0.0.0"
