"""The header that tells the service worker a page may be kept on this device, and for whom.

Set only by the caseload and conversation views, on the answers ``domain.device_keeping``
allows; the worker keeps a page only when it carries this header, and wipes what it kept
when the header names someone else (another person signed in on the device)."""

from __future__ import annotations

from chalice import Response

from ..domain.users import User

KEEP_HEADER = "X-ClientComm-Keep"


def keepable(response: Response, viewer: User) -> Response:
    """``response``, marked as one the viewer's device may keep for reading offline."""
    if response.status_code == 200:
        response.headers[KEEP_HEADER] = viewer.user_id
    return response
