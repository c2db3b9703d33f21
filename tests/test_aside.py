"""Work done aside, in a forked process: the same result as done in place, and the same errors."""

import os

import pytest
from lieux.core import aside
from lieux.core.aside import Aside


def test_work_done_aside_gives_what_it_gives_in_place():
    assert Aside(lambda: [os.getpid(), "é" * 3]).result()[1:] == ["ééé"]


def test_work_done_aside_runs_in_another_process():
    assert Aside(os.getpid).result() != os.getpid()


def test_without_fork_the_work_is_done_in_place(monkeypatch):
    monkeypatch.setattr(aside.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert Aside(os.getpid).result() == os.getpid()


def test_work_that_fails_aside_fails_in_place_with_its_own_error(capfd):
    def failing():
        raise ValueError("colonne inconnue")

    with pytest.raises(ValueError, match="colonne inconnue"):
        Aside(failing).result()
    assert "Traceback" not in capfd.readouterr().err  # the forked process printed nothing
