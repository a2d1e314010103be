"""casexchange.webhooks: signature verification and typed events."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.functional.sample import sample

SECRET = "whsec_test_0123456789"
SNAPSHOT = {
    "id": "c0000000-0000-4000-8000-000000000001",
    "baseCaseId": "b0000000-0000-4000-8000-000000000001",
    "referenceNumber": "ACME-0042",
    "status": "sent",
    "closingStatus": None,
    "referringFirmId": "f0000000-0000-4000-8000-000000000001",
    "isRetainerSigned": False,
    "createdAt": "2026-09-03T14:12:09.401Z",
    "updatedAt": "2026-09-03T14:12:09.401Z",
}


def envelope(event: str, data: Any) -> dict[str, Any]:
    return {
        "schemaVersion": 1,
        "event": event,
        "eventId": "3f9d2c1e-7b44-4a1c-9e0b-2c5f1a8d6e21",
        "occurredAt": "2026-09-03T14:12:09.401Z",
        "perspective": "sent",
        "piiMasked": False,
        "recipientFirmId": "a1b2c3d4-0000-4000-8000-000000000001",
        "referralId": "d0000000-0000-4000-8000-000000000001",
        "baseCaseId": "b0000000-0000-4000-8000-000000000001",
        "referenceNumber": "ACME-0042",
        "referringFirm": {"id": "f0000000-0000-4000-8000-000000000001", "name": "Acme"},
        "referentFirm": None,
        "isTestCase": False,
        "actor": {"firmId": None, "source": "manual"},
        "data": data,
    }


def test_verify_accepts_a_valid_signature_and_parses_typed_data() -> None:
    from casexchange import webhooks
    from casexchange.types import CaseCreatedEvent, CaseSnapshot

    body = json.dumps(
        envelope("case.created", sample(CaseSnapshot, referenceNumber="ACME-0042"))
    ).encode()
    header = webhooks.sign(body, SECRET, int(time.time()))
    event = webhooks.construct_event(body, header, SECRET)
    assert isinstance(event, CaseCreatedEvent)
    assert isinstance(event.data, CaseSnapshot) and event.data.reference_number == "ACME-0042"
    assert webhooks.SIGNATURE_HEADER == "X-CaseXchange-Signature"


@pytest.mark.parametrize("tamper", ["body", "secret", "stale", "garbage", "missing"])
def test_verify_rejects_bad_deliveries(tamper: str) -> None:
    from casexchange import webhooks

    body = json.dumps(envelope("case.created", SNAPSHOT)).encode()
    ts = int(time.time()) - (1000 if tamper == "stale" else 0)
    header: str | None = webhooks.sign(body, "other-secret" if tamper == "secret" else SECRET, ts)
    if tamper == "body":
        body = body.replace(b"ACME", b"EVIL")
    if tamper == "garbage":
        header = "v1=deadbeef"
    if tamper == "missing":
        header = None
    with pytest.raises(webhooks.WebhookVerificationError) as info:
        webhooks.verify(body, header, SECRET, tolerance=300)
    assert SECRET not in str(info.value)


def test_every_declared_event_has_a_model_and_unknown_events_are_kept() -> None:
    from casexchange import webhooks
    from casexchange.types import CasexWebhookEnvelope

    assert len(webhooks._EVENTS) == 13
    unknown = webhooks.parse_event(json.dumps(envelope("case.teleported", {"x": 1})))
    assert type(unknown) is CasexWebhookEnvelope
    assert unknown.event == "case.teleported" and unknown.data == {"x": 1}


def test_masked_status_change_parses_as_the_masked_variant() -> None:
    from casexchange import webhooks
    from casexchange.types import MaskedStatusChangeData, ReferralReceivedEvent, StatusChangeData

    masked = sample(MaskedStatusChangeData)
    assert set(masked["case"]) < set(
        sample(StatusChangeData)["case"]
    )  # the masked case has fewer keys
    event = webhooks.parse_event(json.dumps(envelope("referral.received", masked)))
    assert isinstance(event, ReferralReceivedEvent)
    assert isinstance(event.data, MaskedStatusChangeData)
