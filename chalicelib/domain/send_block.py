"""Why a client cannot be texted right now, in a case manager's words — or nothing.

One answer for the page (which disables the send and schedule forms and says why) and for
the use case (which refuses the send), so the two never disagree.
"""

from __future__ import annotations

from .clients import Client
from .delivery import ERROR_EXPLANATIONS, LANDLINE
from .errors import ValidationFailed
from .phones import written_as_stored

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


def why_not_to_this_number(client: Client, written_to: str) -> str:
    """A text written for ``written_to`` (the number the page showed when it was typed) is
    not sent to another one: a number changed meanwhile may belong to someone else now.
    "" when it still matches, or when the form did not say (a form from before this rule)."""
    wanted = (written_to or "").strip()
    if not wanted:
        return ""
    if not written_as_stored(wanted):
        raise ValidationFailed({"body": "The form is out of date; reload the page."})
    if wanted == client.phone:
        return ""
    return (
        f"{client.full_name} has a new number since this was written; nothing was sent. "
        "Check the number on their page and send the text again if it is still right."
    )
