"""Who a new client may be given to: only an active case manager of the department."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.domain.users import Role
from tests.helpers import fresh_phone
from tests.integration.session_tools import new_staff


def add(visitor, case_manager_id: str):
    visitor.get("/clients/new")
    return visitor.post(
        "/clients",
        {
            "first_name": "Owner",
            "last_name": "Check",
            "phone": fresh_phone(),
            "case_manager_id": case_manager_id,
        },
    )


@pytest.fixture()
def dana(web):
    return web.sign_in("dana")


def test_a_supervisor_adds_a_client_to_an_active_case_manager_of_her_department(dana):
    response = add(dana, "kristina")
    assert response.status_code == 303


def test_a_supervisor_cannot_add_a_client_to_another_supervisors_caseload(dana, stack, stores):
    other_supervisor = new_staff(stack, stores, Role.SUPERVISOR)
    before = len(stores.clients.caseload(other_supervisor.user_id))
    response = add(dana, other_supervisor.user_id)
    assert response.status_code == 403
    assert len(stores.clients.caseload(other_supervisor.user_id)) == before


def test_a_supervisor_cannot_add_a_client_to_her_own_caseload(dana):
    assert add(dana, "dana").status_code == 403


def test_a_supervisor_cannot_add_a_client_to_an_inactive_case_manager(dana, stack, stores):
    gone = new_staff(stack, stores)
    stores.users.save(replace(gone, active=False))
    response = add(dana, gone.user_id)
    assert response.status_code == 403
    assert stores.clients.caseload(gone.user_id) == []


def test_a_supervisor_cannot_add_a_client_to_another_departments_case_manager(dana):
    assert add(dana, "tom").status_code == 403
