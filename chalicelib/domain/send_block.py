"""Why a client cannot be texted right now, in a case manager's words — or nothing.

One answer for the page (which disables the send and schedule forms and says why) and for
the use case (which refuses the send), so the two never disagree.
"""

from __future__ import annotations

from .clients import Client
from .delivery import ERROR_EXPLANATIONS, LANDLINE

# Failures that say the current number itself cannot take texts: sending again is useless
# until someone changes the number (which clears the problem).
NUMBER_CANNOT_TEXT = frozenset({ERROR_EXPLANATIONS[c] for c in (LANDLINE, 21211, 21614)})


def why_sending_is_off(client: Client) -> str:
    """ "" when texts can be sent."""
    if client.retired:
        return (
            f"{client.full_name} is retired (case closed), so texts to them are blocked. "
            "Reactivate the client to text them again."
        )
    if client.opted_out:
        return (
            f"{client.first_name} texted STOP, so nothing can be sent until they text START "
            "to the department number."
        )
    if client.delivery_problem in NUMBER_CANNOT_TEXT:
        return (
            f"The last text could not be delivered: {client.delivery_problem} "
            "Change the number under “Edit details” to text "
            f"{client.first_name} again."
        )
    return ""
