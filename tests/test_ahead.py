"""Work done ahead in a forked process: its value, or None and the caller does the work."""

import os
import time

from lieux.core.ahead import NICE, Ahead, lower_priority


def _fail():
    raise ValueError("no")


def test_the_value_is_computed_in_another_process():
    with Ahead(os.getpid) as ahead:
        pid = ahead.result()
    assert isinstance(pid, int) and pid != os.getpid()


def test_plain_data_comes_back_as_it_was_computed():
    value = ([1, 2], [("a.csv", 3, "nom", "é", "warning")], {"x": 1.5}, None)
    with Ahead(lambda: value) as ahead:
        assert ahead.result() == value


def test_a_function_that_fails_gives_none():
    with Ahead(_fail) as ahead:
        assert ahead.result() is None


def test_a_value_that_is_not_plain_data_gives_none():
    with Ahead(object) as ahead:
        assert ahead.result() is None


def test_leaving_without_the_value_ends_the_process():
    start = time.monotonic()
    with Ahead(time.sleep, 30) as ahead:
        pid = ahead._pid
    assert time.monotonic() - start < 10
    try:
        os.waitpid(pid, os.WNOHANG)
        reaped = False
    except ChildProcessError:
        reaped = True
    assert reaped


def test_a_helper_runs_at_a_lower_priority_than_the_build():
    with Ahead(_own_priority) as ahead:
        assert ahead.result() == min(os.getpriority(os.PRIO_PROCESS, 0) + NICE, 19)


def _own_priority():
    lower_priority()
    return os.getpriority(os.PRIO_PROCESS, 0)
