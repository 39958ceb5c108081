"""The full-screen console in tmux: typing commands with send-keys and reading the screen with capture-pane."""
import shutil
import subprocess

import pytest

from conftest import WORKSHOPS
from console_support import Participant, TmuxConsole

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (make test installs it)")


@pytest.fixture
def demo(live_server_factory):
    return live_server_factory(workshop=WORKSHOPS / "demo-en.json", extra=["--log-level", "warning"])


@pytest.fixture
def console(demo):
    console = TmuxConsole(demo)
    yield console
    console.close()


def line_with(screen, text):
    return next((line for line in screen.splitlines() if text in line), "")


def test_the_dashboard_follows_the_agenda_and_the_rooms(demo, console):
    anne = Participant(demo.ws_url, demo.code, "Anne Dupont", "elected-official", "Ville de Liège")
    screen = console.wait_text("● connected")
    assert f"code {demo.code}" in screen and "NOT STARTED" in screen
    assert "Safer streets at night" in screen

    console.type("start")
    console.keys("Enter")
    screen = console.wait_text("NOW  welcome · Welcome")
    assert "RUNNING" in screen
    assert line_with(screen, "welcome Welcome").startswith("▶ 10:00")

    console.keys("F4")  # next
    screen = console.wait_text("NOW  rooms · Breakout rooms")
    assert line_with(screen, "rooms Breakout rooms").startswith("▶ 10:05")
    assert line_with(screen, "welcome Welcome").startswith("✓ 10:00")

    console.type("rooms open moderator")
    console.keys("Enter")
    screen = console.wait_text("Rooms (open, moderator)")
    assert "● night-economy" in screen and "● public-space" in screen
    assert "1 not in a room yet" in screen

    console.type("move An")
    console.keys("Tab")
    console.wait_text('> move "Anne Dupont"')
    console.type("pub")
    console.keys("Tab", "Enter")
    screen = console.wait_text("Anne Dupont → public-space")
    assert "1p   0n" in line_with(screen, "● public-space")
    anne.close()


def test_a_refused_command_shows_the_servers_sentence_and_confirmations_ask_first(demo, console):
    console.wait_text("● connected")
    console.type("prev")
    console.keys("Enter")
    console.wait_text("✗ prev: The session has not started yet. [session.notStarted]")

    console.type("start")
    console.keys("Enter")
    console.wait_text("NOW  welcome")
    console.type("end")
    console.keys("Enter")
    console.wait_text("End the session? Nothing can change afterwards. [y/N]")
    console.keys("n")
    console.wait_text("Cancelled: end")
    assert "RUNNING" in console.screen()

    console.type("prev")
    console.keys("Enter")
    console.wait_text("✗ prev: This is the first slot of the agenda. [agenda.noPreviousSlot]")


def test_resizing_to_80x24_redraws_within_the_terminal(demo, console):
    console.wait_text("● connected")
    console.tmux("resize-window", "-t", "console", "-x", "80", "-y", "24")
    screen = console.wait_for(lambda s: len(s.splitlines()) <= 24 and "F10 quit" in s, what="the 80×24 redraw")
    assert all(len(line) <= 80 for line in screen.splitlines())
    assert screen.splitlines()[0].startswith(" atelier ")
    console.keys("F9")
    console.wait_text("People (F9:")
    console.keys("F1")
    console.wait_text("Help 1–18 of 37 · PgDn more · Esc closes")


def test_at_80x24_the_help_pages_through_every_command_and_explains_one_whole(demo):
    console = TmuxConsole(demo, width=80, height=24)
    try:
        console.wait_text("● connected")
        console.type("help")
        console.keys("Enter")
        screen = console.wait_text("Help 1–18 of 37")
        assert any(line.startswith(" start ") for line in screen.splitlines()), screen
        console.keys("PPage")  # at the top already: nothing above
        console.keys("NPage", "NPage", "NPage", "NPage")
        screen = console.wait_text("Help 20–37 of 37 · PgUp back")
        assert any(line.startswith(" quit ") for line in screen.splitlines()), screen
        console.keys("Escape")
        console.type("help rec")
        console.keys("Enter")
        screen = console.wait_text("Help: rec")
        for form in ("rec draft <text>", "rec edit <r> [text]", "rec order r2 r1 …", "rec withdraw <r>",
                     "rec classify <r> [theme <room|none>] [to <addressee|none>]", "rec reserve <r> [text]",
                     "rec unreserve <rv>"):
            assert form in screen, screen
        assert all(len(line) <= 80 for line in screen.splitlines())
        console.keys("Escape")
        console.type("start")
        console.keys("Enter", "F4")
        console.type("rooms open moderator")
        console.keys("Enter")
        console.type("rooms close 60")
        console.keys("Enter")
        screen = console.wait_text("rooms close in")
        assert "⏱ 14:" in line_with(screen, "NOW") or "⏱ 15:" in line_with(screen, "NOW"), screen
    finally:
        console.close()


def test_the_console_shows_it_reconnects_and_comes_back(live_server_factory, tmp_path):
    from console_support import free_port
    port = free_port()
    database = tmp_path / "restart.db"
    extra = ["--port", str(port), "--log-level", "warning"]
    first = live_server_factory(workshop=WORKSHOPS / "demo-en.json", database=database, extra=extra)
    console = TmuxConsole(first)
    try:
        console.wait_text("● connected")
        assert first.stop()[0] == 0
        console.wait_text("○ reconnecting in")
        live_server_factory(workshop=WORKSHOPS / "demo-en.json", database=database, extra=extra)
        console.wait_text("● connected", timeout=30)
        console.type("start")
        console.keys("Enter")
        console.wait_text("NOW  welcome")
    finally:
        console.close()


def test_prose_is_written_in_the_editor_and_sent_only_when_it_changed(demo, tmp_path):
    # The editor is a real program: it keeps what it was given and writes what next.txt holds.
    editor = tmp_path / "edit.sh"
    editor.write_text(f'#!/bin/sh\ncp "$1" "{tmp_path}/seen.txt"\ncat "{tmp_path}/next.txt" > "$1"\n')
    editor.chmod(0o755)
    next_text = tmp_path / "next.txt"
    seen = tmp_path / "seen.txt"
    console = TmuxConsole(demo, width=80, height=24, env={"EDITOR": str(editor), "VISUAL": ""})
    try:
        console.wait_text("● connected")
        console.type("start")
        console.keys("Enter")
        console.wait_text("✓ start")

        next_text.write_text("Les bus de nuit s'arrêtent à 23 h.\n\nSurtout le **week-end**.\n")
        console.type("findings night")
        console.keys("Enter")
        console.wait_text("✓ edit the findings of night-economy")
        assert seen.read_text() == ""

        console.type("findings night")
        console.keys("Enter")
        screen = console.wait_text("Unchanged: the findings of night-economy; nothing sent.")
        assert seen.read_text() == "Les bus de nuit s'arrêtent à 23 h.\n\nSurtout le **week-end**."
        assert "● connected" in screen, screen

        next_text.write_text("\n")
        console.type("findings night")
        console.keys("Enter")
        console.wait_text("Empty file, nothing sent; to clear: findings night-economy clear")

        next_text.write_text("Une matinée d'échanges.\n")
        console.type("intro")
        console.keys("Enter")
        console.wait_text("✓ edit the introduction")
    finally:
        console.close()
    stored = subprocess.run(
        ["sqlite3", str(demo.database),
         "SELECT type, json_extract(payload, '$.text') FROM events "
         "WHERE type IN ('findingsWritten', 'synthesisTextWritten') ORDER BY seq"],
        capture_output=True, text=True, check=True).stdout
    assert stored == ("findingsWritten|Les bus de nuit s'arrêtent à 23 h.\n\nSurtout le **week-end**.\n"
                      "synthesisTextWritten|Une matinée d'échanges.\n")
