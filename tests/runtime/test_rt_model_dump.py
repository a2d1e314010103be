"""`to_dict()` / `to_json()`: wire names and JSON-safe values by default, with the options of the
OpenAI SDK's methods (`mode`, `use_api_names`, `exclude_*`)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from rt_helpers import REFERRAL


def _referral(fakeapi: Any, **extra: Any) -> Any:
    from fakeapi.types import Referral

    return Referral.model_validate({**REFERRAL, **extra})


def test_to_dict_defaults_are_the_wire_document(fakeapi: Any) -> None:
    ref = _referral(fakeapi, priority=3)
    assert ref.to_dict() == {**REFERRAL, "priority": 3}  # unknown fields kept
    json.dumps(ref.to_dict())  # JSON-safe: the datetime is a string, the enum its value


def test_to_dict_options(fakeapi: Any) -> None:
    from fakeapi.types import Referral, Status

    ref = Referral(id="r", status=Status.OPEN, patient_name="Ada")
    assert ref.to_dict() == {"id": "r", "status": "open", "patientName": "Ada"}  # only set fields
    assert ref.to_dict(use_api_names=False) == {"id": "r", "status": "open", "patient_name": "Ada"}
    everything = ref.to_dict(exclude_unset=False)
    assert everything == {**ref.to_dict(), "createdAt": None, "tags": None}
    assert ref.to_dict(exclude_unset=False, exclude_none=True) == ref.to_dict()
    assert ref.to_dict(exclude_unset=False, exclude_defaults=True) == ref.to_dict()
    python = _referral(fakeapi).to_dict(mode="python")
    assert isinstance(python["createdAt"], dt.datetime)
    assert ref.to_dict(mode="python")["status"] is Status.OPEN


def test_to_json(fakeapi: Any) -> None:
    ref = _referral(fakeapi)
    text = ref.to_json()
    assert json.loads(text) == REFERRAL
    assert "\n  " in text  # indented by default
    one_line = ref.to_json(indent=None, use_api_names=False)
    assert "\n" not in one_line
    assert json.loads(one_line)["patient_name"] == "Ada Lovelace"


def test_side_data_and_lenient_values_stay_out_or_safe(fakeapi: Any) -> None:
    from fakeapi.types import Referral

    loose = Referral.model_construct(id="r", status="open", patient_name="A", created_at="soon")
    assert json.loads(loose.to_json(warnings=False))["createdAt"] == "soon"
    assert loose.to_dict(warnings=False)["createdAt"] == "soon"
