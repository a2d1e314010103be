"""Models as the generator emits them."""

from __future__ import annotations

import enum
from datetime import datetime

from pydantic import Field

from ._models import BaseModel


class Status(str, enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


class Referral(BaseModel):
    id: str
    status: Status | str
    patient_name: str = Field(alias="patientName")
    """Full name of the patient."""
    created_at: datetime | None = Field(default=None, alias="createdAt")
    tags: list[str] | None = None


class Meta(BaseModel):
    request_id: str | None = Field(default=None, alias="requestId")


class ReferralEnvelope(BaseModel):
    data: Referral
    meta: Meta | None = None


class Pagination(BaseModel):
    page: int
    limit: int | None = None
    total_pages: int | None = Field(default=None, alias="totalPages")
    total: int | None = None


class ReferralList(BaseModel):
    data: list[Referral]
    pagination: Pagination | None = None
    meta: Meta | None = None


class ReferralCreate(BaseModel):
    patient_name: str = Field(alias="patientName")
    notes: str | None = None
    urgent: bool = False
    status: Status | str | None = None


class Document(BaseModel):
    id: str
    filename: str
    size: int


class Token(BaseModel):
    access_token: str
    expires_in: int
