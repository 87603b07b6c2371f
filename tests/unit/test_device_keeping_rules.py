"""Which pages a device may keep (domain/device_keeping): the officer's own work only."""

from __future__ import annotations

from chalicelib.domain.clients import Client
from chalicelib.domain.device_keeping import may_keep_caseload, may_keep_conversation
from chalicelib.domain.users import Role, User

KRISTINA = User("kristina", "Kristina", "k@x.invalid", Role.CASE_MANAGER, "probation")
DANA = User("dana", "Dana", "d@x.invalid", Role.SUPERVISOR, "probation")
HERS = Client("c1", "probation", "kristina", "Ana", "Lopez", "+15555550100")


def test_only_her_own_caseload_opened_without_a_query_may_be_kept():
    assert may_keep_caseload(whole_department=False, has_query=False)
    assert not may_keep_caseload(whole_department=True, has_query=False)
    assert not may_keep_caseload(whole_department=False, has_query=True)


def test_a_conversation_may_be_kept_only_by_the_clients_case_manager():
    assert may_keep_conversation(KRISTINA, HERS, has_query=False)
    assert not may_keep_conversation(DANA, HERS, has_query=False)
    assert not may_keep_conversation(KRISTINA, HERS, has_query=True)
