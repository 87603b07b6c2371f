"""Who may do what. Every route asks one of these before it reads or writes a client."""

from __future__ import annotations

from .clients import Client
from .errors import Forbidden
from .users import Role, User


def can_view_client(user: User, client: Client) -> bool:
    """Case managers reach their own caseload; supervisors and admins their department."""
    if not user.active or user.department_id != client.department_id:
        return False
    return user.oversees_department or client.case_manager_id == user.user_id


def check_can_view_client(user: User, client: Client) -> None:
    if not can_view_client(user, client):
        raise Forbidden("This client is not on a caseload you can open.")


def check_can_reassign(user: User, client: Client, new_case_manager: User) -> None:
    """Only a supervisor (or admin) moves a client, between case managers of the department."""
    if not (user.oversees_department and user.active):
        raise Forbidden("Only a supervisor can move a client to another caseload.")
    if client.department_id != user.department_id:
        raise Forbidden("This client belongs to another department.")
    if new_case_manager.department_id != user.department_id or not new_case_manager.active:
        raise Forbidden("Clients can only move to an active case manager of your department.")
    if new_case_manager.role is not Role.CASE_MANAGER:
        raise Forbidden("Clients can only be assigned to a case manager.")


def case_manager_for_new_client(user: User, requested: str | None) -> str:
    """A case manager adds to their own caseload; a supervisor chooses whose."""
    if not requested or requested == user.user_id:
        return user.user_id
    if not user.oversees_department:
        raise Forbidden("You can only add clients to your own caseload.")
    return requested
