"""Each sender keeps its own pace: on AWS each of the SEND_CONCURRENCY senders is its own
Lambda container; locally they are threads of one process, and must not share a pacer
(that halved every number's rate)."""

from __future__ import annotations

import threading

from chalicelib.domain.jurisdiction import Department

LONG_CODE = Department("probation", "Probation", "+18015550100", messages_per_second=1)


def in_a_thread(work) -> None:
    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=10)


def test_two_senders_in_one_process_together_send_at_the_numbers_rate():
    from chalicelib.services.sending import SenderPacers

    clock = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    pacers = SenderPacers(clock=lambda: clock[0], sleep=sleep)

    def two_sends() -> None:
        for _ in range(2):
            pacers.for_this_sender().wait_turn(LONG_CODE)

    in_a_thread(two_sends)
    in_a_thread(two_sends)

    # each sender waits 2 / rate between its own sends, and never for the other sender:
    # two senders, one text a second from the number together
    assert slept == [2.0, 2.0]


def test_the_send_handler_gives_each_sender_thread_its_own_pacer_and_keeps_it():
    from chalicelib.jobs import entry_points

    seen: list[object] = []

    def look() -> None:
        seen.extend([entry_points.PACERS.for_this_sender(), entry_points.PACERS.for_this_sender()])

    in_a_thread(look)
    in_a_thread(look)

    assert seen[0] is seen[1] and seen[2] is seen[3]
    assert seen[0] is not seen[2]
