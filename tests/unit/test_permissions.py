"""Permission rules as a table: role x relationship to the client."""

import pytest

from chalicelib.domain.clients import Client
from chalicelib.domain.errors import Forbidden
from chalicelib.domain.permissions import (
    can_view_client,
    case_manager_for_new_client,
    check_can_reassign,
)
from chalicelib.domain.users import Role, User

CLIENT = Client("c1", "probation", "kristina", "Michael", "Tran", "+13855550101")


def staff(user_id, role, department="probation", active=True):
    return User(user_id, user_id.title(), f"{user_id}@x.invalid", role, department, active)


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        (staff("kristina", Role.CASE_MANAGER), True),
        (staff("marcus", Role.CASE_MANAGER), False),
        (staff("dana", Role.SUPERVISOR), True),
        (staff("admin", Role.ADMIN), True),
        (staff("tom", Role.CASE_MANAGER, "pretrial"), False),
        (staff("priya", Role.SUPERVISOR, "pretrial"), False),
        (staff("kristina", Role.CASE_MANAGER, active=False), False),
    ],
)
def test_who_may_open_a_client(user, allowed):
    assert can_view_client(user, CLIENT) is allowed


def test_only_a_supervisor_of_the_department_moves_clients_to_its_case_managers():
    dana = staff("dana", Role.SUPERVISOR)
    check_can_reassign(dana, CLIENT, staff("marcus", Role.CASE_MANAGER))
    for mover, to in [
        (staff("marcus", Role.CASE_MANAGER), staff("marcus", Role.CASE_MANAGER)),
        (staff("priya", Role.SUPERVISOR, "pretrial"), staff("tom", Role.CASE_MANAGER, "pretrial")),
        (dana, staff("tom", Role.CASE_MANAGER, "pretrial")),
        (dana, staff("gone", Role.CASE_MANAGER, active=False)),
        (dana, staff("dana", Role.SUPERVISOR)),
    ]:
        with pytest.raises(Forbidden):
            check_can_reassign(mover, CLIENT, to)


def test_a_case_manager_adds_only_to_her_own_caseload():
    kristina = staff("kristina", Role.CASE_MANAGER)
    assert case_manager_for_new_client(kristina, None) == "kristina"
    assert case_manager_for_new_client(kristina, "kristina") == "kristina"
    with pytest.raises(Forbidden):
        case_manager_for_new_client(kristina, "marcus")
    assert case_manager_for_new_client(staff("dana", Role.SUPERVISOR), "marcus") == "marcus"
