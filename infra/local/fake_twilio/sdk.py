"""Pointing the official twilio SDK (9.x) at the fake.

Every Messages and IncomingPhoneNumbers call goes through `client.api` (a Domain whose
`base_url` defaults to https://api.twilio.com), and next_page_uri links are resolved
against that same base_url, so replacing it is enough; the auth-token calls go through
`client.accounts` (https://accounts.twilio.com), pointed at the fake too. Region/edge are
cleared because the SDK would otherwise rewrite the host into
"api.<edge>.<region>.twilio.com" even for 127.0.0.1.
"""

from __future__ import annotations

from twilio.rest import Client

from .constants import LOCAL_ACCOUNT_SID, LOCAL_AUTH_TOKEN


def sdk_client(
    base_url: str, account_sid: str = LOCAL_ACCOUNT_SID, auth_token: str = LOCAL_AUTH_TOKEN
) -> Client:
    """A real twilio.rest.Client whose API calls go to base_url."""
    client = Client(account_sid, auth_token)
    client.edge = None
    client.region = None
    client.api.base_url = base_url.rstrip("/")
    client.accounts.base_url = base_url.rstrip("/")
    return client
