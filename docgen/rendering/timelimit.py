"""A wall-clock limit for one render, which WeasyPrint lacks.

In the main thread (CLI, batch worker processes) the limit is a real-time
interval timer whose signal raises inside whatever Python code is running.
In other threads (a threaded web server) a watchdog thread injects the
exception into the rendering thread; layout is Python code, so it is
interrupted at the next bytecode boundary.
"""

from __future__ import annotations

import ctypes
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["TimeLimitExceeded", "time_limit"]


class TimeLimitExceeded(BaseException):
    """Raised in the rendering code when its time is up.

    A ``BaseException`` so that broad ``except Exception`` blocks inside
    libraries cannot swallow it.
    """


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Run the body with at most ``seconds`` of wall-clock time."""
    if seconds <= 0:
        yield
        return
    if threading.current_thread() is threading.main_thread():
        with _alarm(seconds):
            yield
    else:
        with _watchdog(seconds):
            yield


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def on_alarm(signum: int, frame: object) -> None:
        raise TimeLimitExceeded

    deadline = time.monotonic() + seconds
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    # The body ended normally: if the alarm went off, it landed in a finaliser (WeasyPrint's font
    # clean-up, run by the garbage collector mid-layout), which reports and swallows what it raises.
    # The render took too long all the same, so it is refused now rather than let through.
    if time.monotonic() >= deadline:
        raise TimeLimitExceeded


@contextmanager
def _watchdog(seconds: float) -> Iterator[None]:
    target = threading.get_ident()
    done = threading.Event()
    lock = threading.Lock()

    def fire() -> None:
        # An exception raised into a thread that is running a finaliser is
        # reported and swallowed there, so keep raising until the body ends.
        if done.wait(seconds):
            return
        while True:
            with lock:
                if done.is_set():
                    return
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(target), ctypes.py_object(TimeLimitExceeded)
                )
            if done.wait(0.05):
                return

    watchdog = threading.Thread(target=fire, daemon=True)
    watchdog.start()
    try:
        yield
    finally:
        with lock:
            done.set()
            # Withdraw an exception raised but not yet delivered.
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)
        watchdog.join()
