"""The UI login: credentials from a file or the environment, never the command line; a growing
wait after failed logins, shared by all user names; a real Gradio server enforces it."""

from __future__ import annotations

import pytest

from rag.login import MAX_WAIT, AuthError, LoginGuard, load_credentials, parse_credentials


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def guard(users: dict[str, str] | None = None) -> tuple[LoginGuard, Clock, list[float]]:
    clock, slept = Clock(), []
    return LoginGuard(users or {"analis": "rahasia-123"}, clock=clock, sleep=slept.append), clock, slept


def test_right_password_logs_in_and_wrong_ones_are_refused():
    g, _, slept = guard()
    assert g("analis", "rahasia-123") is True
    assert g("analis", "rahasia-12") is False
    assert (g.failures, g.locked_until) == (1, 101.0)
    assert slept == [0.5]  # a failed attempt answers after a pause


def test_wait_doubles_after_each_failure_and_covers_every_user_name():
    g, clock, _ = guard()
    waits = []
    for attempt in range(8):
        assert g(f"user{attempt}", "x") is False
        waits.append(g.locked_until - clock.now)
        clock.now = g.locked_until  # the next attempt comes just when the wait is over
    assert waits[:4] == [1.0, 2.0, 4.0, 8.0]
    assert max(waits) == MAX_WAIT
    # during a wait even the right password is refused, unchecked, and the wait does not grow
    assert g("user0", "x") is False
    before = (g.failures, g.locked_until)
    assert g("analis", "rahasia-123") is False
    assert (g.failures, g.locked_until) == before


def test_a_success_after_the_wait_resets_it():
    g, clock, _ = guard()
    g("analis", "salah")
    clock.now = g.locked_until
    assert g("analis", "rahasia-123") is True
    assert (g.failures, g.locked_until) == (0, 0.0)


def test_credentials_from_a_file_or_the_environment(tmp_path):
    file = tmp_path / "users.txt"
    file.write_text("# UI users\nanalis:pass:with:colons\n\nredaksi:kedua\n", encoding="utf-8")
    assert load_credentials("", file) == {"analis": "pass:with:colons", "redaksi": "kedua"}
    assert load_credentials("a:b,c:d") == {"a": "b", "c": "d"}
    assert load_credentials("") is None
    with pytest.raises(AuthError, match="cannot read the credentials file"):
        load_credentials("", tmp_path / "missing.txt")
    with pytest.raises(AuthError, match="user:password"):
        parse_credentials("onlyuser", "RAG_UI_AUTH")
    with pytest.raises(AuthError, match="no user:password"):
        parse_credentials("# nothing\n", "users.txt")


def test_password_on_the_command_line_is_refused_with_a_sentence(capsys):
    from rag import ui

    with pytest.raises(SystemExit) as exit_:
        ui.main(["--auth", "analis:rahasia"])
    assert exit_.value.code == 2
    assert "process list" in capsys.readouterr().err


def test_unreadable_credentials_file_is_one_line_error(tmp_path, capsys, monkeypatch):
    from rag import ui

    monkeypatch.delenv("RAG_UI_AUTH", raising=False)
    with pytest.raises(SystemExit):
        ui.main(["--auth-file", str(tmp_path / "none.txt")])
    err = capsys.readouterr().err.strip().splitlines()
    assert "cannot read the credentials file" in err[-1]


def test_a_real_gradio_server_enforces_the_guard():
    import gradio as gr
    import httpx

    from conftest import free_port

    g = LoginGuard({"analis": "rahasia-123"}, pause=0.0)
    with gr.Blocks() as demo:
        gr.Markdown("ok")
    port = free_port()
    demo.launch(server_port=port, auth=g, prevent_thread_lock=True, quiet=True, ssr_mode=False)
    try:
        url = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{url}/config").status_code in (401, 403)  # nothing without a login
        wrong = httpx.post(f"{url}/login", data={"username": "analis", "password": "nope"})
        assert wrong.status_code >= 400
        # right password, but within the wait that followed the failure: refused
        early = httpx.post(f"{url}/login", data={"username": "analis", "password": "rahasia-123"})
        assert early.status_code >= 400
        g.locked_until = 0.0  # the wait is over
        with httpx.Client() as client:
            right = client.post(f"{url}/login", data={"username": "analis", "password": "rahasia-123"})
            assert right.status_code == 200
            assert client.get(f"{url}/config").status_code == 200
    finally:
        demo.close()
