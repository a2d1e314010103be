"""The generated package's metadata (pyproject.toml `[project]`): distribution name, a PEP 440 version,
licence, authors, URLs, classifiers and dependencies — every value precomputed for the template."""

from __future__ import annotations

import re
from dataclasses import dataclass

from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

from ..diagnostics import DiagnosticSink
from ..ir import Api, PackageInfo
from ..versions import pep440

PYTHONS = ("3.11", "3.12", "3.13")
BASE_DEPENDENCIES = ("httpx>=0.27,<1", "pydantic>=2.10,<3")
TYPING_EXTENSIONS = "typing_extensions>=4.6"  # TypeAliasType
_EMAIL = re.compile(r"^[^@\s<>\",]+@[^@\s<>\",]+\.[A-Za-z0-9-]+$")

# Licence names seen in specs that are not SPDX identifiers themselves (compared lower-case, without
# punctuation and the words "license", "licence", "version", "the").
_SPDX_BY_NAME = {
    "apache 2.0": "Apache-2.0",
    "apache 2": "Apache-2.0",
    "apache2": "Apache-2.0",
    "apache2.0": "Apache-2.0",
    "asl 2.0": "Apache-2.0",
    "mit": "MIT",
    "expat": "MIT",
    "bsd": "BSD-3-Clause",
    "bsd 3 clause": "BSD-3-Clause",
    "new bsd": "BSD-3-Clause",
    "bsd 2 clause": "BSD-2-Clause",
    "simplified bsd": "BSD-2-Clause",
    "isc": "ISC",
    "mpl 2.0": "MPL-2.0",
    "mozilla public 2.0": "MPL-2.0",
    "gpl 3.0": "GPL-3.0-only",
    "gplv3": "GPL-3.0-only",
    "gpl v3": "GPL-3.0-only",
    "gpl 2.0": "GPL-2.0-only",
    "gplv2": "GPL-2.0-only",
    "lgpl 3.0": "LGPL-3.0-only",
    "lgplv3": "LGPL-3.0-only",
    "lgpl 2.1": "LGPL-2.1-only",
    "agpl 3.0": "AGPL-3.0-only",
    "agplv3": "AGPL-3.0-only",
    "unlicense": "Unlicense",
    "cc0": "CC0-1.0",
    "cc0 1.0": "CC0-1.0",
    "cc by 4.0": "CC-BY-4.0",
    "creative commons attribution 4.0": "CC-BY-4.0",
    "creative commons attribution 4.0 international": "CC-BY-4.0",
    "cc by sa 4.0": "CC-BY-SA-4.0",
    "eclipse public 2.0": "EPL-2.0",
    "epl 2.0": "EPL-2.0",
    "zlib": "Zlib",
}
_NOISE = re.compile(r"\b(the|license|licence|version)\b|[(),]")


@dataclass(frozen=True, slots=True)
class PackageMeta:
    """The package's metadata for `pyproject.toml` and the README."""

    dist_name: str
    version: str
    description: str
    license: str  # an SPDX expression, or ""
    license_text: str  # a licence that has no SPDX identifier we know (legacy `license = {text}`)
    authors: tuple[tuple[str, str], ...]  # (name, email); either may be ""
    urls: tuple[tuple[str, str], ...]  # (label, URL)
    classifiers: tuple[str, ...]
    dependencies: tuple[str, ...]


def package_meta(
    api: Api,
    *,
    package: str,
    distribution: str,
    package_version: str,
    description: str,
    uses_typing_extensions: bool,
    sink: DiagnosticSink,
) -> PackageMeta:
    info = api.package_info
    spdx = spdx_expression(info)
    deps = BASE_DEPENDENCIES + ((TYPING_EXTENSIONS,) if uses_typing_extensions else ())
    return PackageMeta(
        dist_name=distribution or package.replace("_", "-"),
        version=package_version or spec_version(api, sink),
        description=description,
        license=spdx,
        license_text="" if spdx else info.license_name,
        authors=_authors(info),
        urls=_urls(info),
        classifiers=(
            "Programming Language :: Python :: 3",
            "Programming Language :: Python :: 3 :: Only",
            *(f"Programming Language :: Python :: {v}" for v in PYTHONS),
            "Typing :: Typed",
        ),
        dependencies=tuple(sorted(deps, key=str.lower)),
    )


def spec_version(api: Api, sink: DiagnosticSink) -> str:
    """`info.version` as PEP 440; a warning says so when it had to be changed."""
    version = pep440(api.version)
    if version != api.version:
        sink.warn(
            "package-version-normalised",
            "/info/version",
            f"info.version {api.version!r} is not a PEP 440 version (pip would refuse the package); "
            f"the generated package is versioned {version}",
            hint="set package_version in the target's configuration to choose the version yourself",
        )
    return version


def spdx_expression(info: PackageInfo) -> str:
    """The SPDX expression of the API's licence: `info.license.identifier`, or its name when it is one
    (or a common spelling of one); "" when unknown."""
    for candidate in (info.license_identifier, info.license_name):
        if not candidate:
            continue
        try:
            return str(canonicalize_license_expression(candidate))
        except InvalidLicenseExpression:
            pass
        key = " ".join(_NOISE.sub(" ", candidate.lower().replace("-", " ")).split())
        if key in _SPDX_BY_NAME:
            return _SPDX_BY_NAME[key]
    return ""


def _authors(info: PackageInfo) -> tuple[tuple[str, str], ...]:
    email = info.contact_email if _EMAIL.match(info.contact_email) else ""
    name = info.contact_name.replace('"', "'")
    return ((name, email),) if name or email else ()


def _urls(info: PackageInfo) -> tuple[tuple[str, str], ...]:
    pairs = (("Homepage", info.contact_url), ("Documentation", info.docs_url))
    return tuple((label, url) for label, url in pairs if url)
