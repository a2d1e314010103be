"""Webhook signature headers: anything malformed is a verification error (issue 12, item 10)."""

from __future__ import annotations

from typing import Any

import pytest

BODY = b'{"event": "referral.created", "data": {"id": "ref_1"}}'
SECRET = "whsec-2b7e151628aed2a6"
NOW = 1_750_000_000
DIGEST = "0" * 64


def _header(fakeapi: Any, timestamp: int = NOW) -> str:
    from fakeapi._webhooks import sign

    return sign(BODY, SECRET, timestamp)


@pytest.mark.parametrize(
    "header",
    [
        f"t=١٧٥٠٠٠٠٠٠٠,v1={DIGEST}",  # Arabic-Indic digits: int() would accept them
        f"t={NOW},v1={'é' * 64}",  # non-ASCII signature: hmac.compare_digest raises TypeError
        f"t={NOW},v1=ü",
        f"t={'9' * 4000},v1={DIGEST}",  # float(timestamp) would overflow
        f"t={'9' * 5000},v1={DIGEST}",  # int() refuses more than 4300 digits with ValueError
        f"t={NOW},t={NOW},v1={DIGEST}",  # two timestamps
        f"t=-{NOW},v1={DIGEST}",
        f"t= ,v1={DIGEST}",
        f"t={NOW},v1=",
        f"t={NOW},v1=xyz",
        f"t={NOW},v1={DIGEST}0",
        f"v1={DIGEST}",
        f"t={NOW}",
        ",,,,",
        "=",
        "t",
        f"t={NOW},v1={DIGEST}," + "x" * 5000,  # over 4 KiB
        "\x00",
        b"t=1,v1=\xff",  # bytes that are not ASCII
        12345,  # not a string at all
    ],
)
def test_malformed_header_is_a_verification_error(fakeapi: Any, header: Any) -> None:
    from fakeapi._webhooks import WebhookVerificationError, verify_signature

    with pytest.raises(WebhookVerificationError) as info:
        verify_signature(BODY, header, SECRET, now=NOW)
    assert SECRET not in str(info.value)


def test_valid_headers_still_verify(fakeapi: Any) -> None:
    from fakeapi._webhooks import WebhookVerificationError, verify_signature

    header = _header(fakeapi)
    assert verify_signature(BODY, header, SECRET, now=NOW) == NOW
    assert verify_signature(BODY, header.encode(), SECRET, now=NOW) == NOW
    upper = header.replace(header.split("v1=")[1], header.split("v1=")[1].upper())
    assert verify_signature(BODY, upper, SECRET, now=NOW) == NOW
    rotated = f"t={NOW},v1={DIGEST},v1={header.split('v1=')[1]}"  # secret rotation: two v1
    assert verify_signature(BODY, rotated, SECRET, now=NOW) == NOW
    with pytest.raises(WebhookVerificationError, match="does not match"):
        verify_signature(BODY + b" ", header, SECRET, now=NOW)
    with pytest.raises(WebhookVerificationError, match="away from now"):
        verify_signature(BODY, header, SECRET, now=NOW + 301)
