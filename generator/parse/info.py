"""`info.license`, `info.contact`, `info.termsOfService` and `externalDocs` → `PackageInfo` (package metadata)."""

from __future__ import annotations

from typing import Any

from ..ir import PackageInfo


def package_info(doc: dict[str, Any]) -> PackageInfo:
    info = _mapping(doc.get("info"))
    lic, contact, docs = (
        _mapping(info.get("license")),
        _mapping(info.get("contact")),
        _mapping(doc.get("externalDocs")),
    )
    return PackageInfo(
        license_name=_text(lic.get("name")),
        license_identifier=_text(lic.get("identifier")),
        license_url=_url(lic.get("url")),
        contact_name=_text(contact.get("name")),
        contact_email=_text(contact.get("email")),
        contact_url=_url(contact.get("url")),
        docs_url=_url(docs.get("url")),
        terms_url=_url(info.get("termsOfService")),
    )


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    """One line of plain text (metadata fields are single-line)."""
    if not isinstance(value, (str, int, float)):
        return ""
    text = "".join(c for c in str(value) if c.isprintable() or c.isspace())
    return " ".join(text.split())


def _url(value: Any) -> str:
    text = _text(value)
    return text if text.startswith(("https://", "http://")) and " " not in text else ""
