"""Work that runs once the current transaction commits, and never turns a committed write into a 500."""

from collections.abc import Callable

from django.db import transaction


def on_commit_robust(func: Callable[..., object], *args: object) -> None:
    """Call func(*args) after commit; an exception there is logged by Django (with its traceback), not raised.

    By the time the callback runs the row is committed, so raising would answer 500 for a write that
    was kept. The callback is a named function, not a functools.partial: Django 5.2's robust
    handler logs `func.__qualname__`, which a partial lacks, so with a partial the handler itself
    raised AttributeError and the request failed anyway (issue 13).
    """
    def callback() -> None:
        func(*args)

    # What the log line names: the function and the start of its arguments (a file list may be long).
    callback.__qualname__ = f"{func.__module__}.{func.__qualname__}{repr(args)[:200]}"
    callback.func, callback.args = func, args  # what was deferred, as functools.partial shows it (tests read it)
    transaction.on_commit(callback, robust=True)
