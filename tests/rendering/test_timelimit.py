import threading
import time

import pytest

from docgen.rendering.timelimit import TimeLimitExceeded, time_limit


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_main_thread_work_is_stopped_at_the_limit() -> None:
    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded), time_limit(0.1):
        _spin(5)
    assert time.monotonic() - started < 2


def test_work_in_another_thread_is_stopped_too() -> None:
    outcome: list[str] = []

    def worker() -> None:
        try:
            with time_limit(0.1):
                _spin(5)
            outcome.append("finished")
        except TimeLimitExceeded:
            outcome.append("stopped")

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(4)
    assert outcome == ["stopped"]


def test_work_within_the_limit_is_untouched() -> None:
    with time_limit(2):
        _spin(0.01)
    with time_limit(0.05):
        pass
    _spin(0.1)  # the timer was cleared: nothing fires afterwards
