"""The top-level client classes as the generator emits them."""

from __future__ import annotations

import os
from typing import Any, Self

from ._auth import Auth, BearerAuth
from ._base_client import AsyncAPIClient, SyncAPIClient
from ._exceptions import APIStatusError, ConflictError, MissingCredentialsError
from .resources import AsyncDocuments, AsyncReferrals, Documents, Referrals
from .resources import Auth as AuthResource

__all__ = ["ERROR_CODES", "AsyncFakeAPI", "FakeAPI", "ReferralExistsError"]

DEFAULT_BASE_URL = "https://api.fake.test/v1"
USER_AGENT = "fakeapi-python/1.2.3"


class ReferralExistsError(ConflictError):
    """A referral with the same external id already exists."""


ERROR_CODES: dict[str, type[APIStatusError]] = {"REFERRAL_EXISTS": ReferralExistsError}


def _auth(api_key: str | None, auth: Auth | None) -> Auth:
    if auth is not None:
        return auth
    api_key = api_key or os.environ.get("FAKEAPI_API_KEY")
    if not api_key:
        raise MissingCredentialsError(
            "No API key: pass api_key= or set the FAKEAPI_API_KEY environment variable"
        )
    return BearerAuth(api_key)


class FakeAPI(SyncAPIClient):
    def __init__(
        self,
        *,
        api_key: str | None = None,
        auth: Auth | None = None,
        base_url: str = DEFAULT_BASE_URL,
        **options: Any,
    ) -> None:
        super().__init__(
            base_url=base_url,
            auth=_auth(api_key, auth),
            user_agent=USER_AGENT,
            error_codes=ERROR_CODES,
            **options,
        )
        self.referrals = Referrals(self)
        self.documents = Documents(self)
        self.auth_api = AuthResource(self)
        self._arguments = {"api_key": api_key, "auth": auth, "base_url": base_url, **options}

    def with_options(self, **changes: Any) -> Self:
        """As generated clients spell it, with typed arguments (here: the options as given)."""
        return self._copy(changes)


class AsyncFakeAPI(AsyncAPIClient):
    def __init__(
        self,
        *,
        api_key: str | None = None,
        auth: Auth | None = None,
        base_url: str = DEFAULT_BASE_URL,
        **options: Any,
    ) -> None:
        super().__init__(
            base_url=base_url,
            auth=_auth(api_key, auth),
            user_agent=USER_AGENT,
            error_codes=ERROR_CODES,
            **options,
        )
        self.referrals = AsyncReferrals(self)
        self.documents = AsyncDocuments(self)
        self._arguments = {"api_key": api_key, "auth": auth, "base_url": base_url, **options}

    def with_options(self, **changes: Any) -> Self:
        """As generated clients spell it, with typed arguments (here: the options as given)."""
        return self._copy(changes)
