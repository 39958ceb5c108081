"""`atelier synthesis`: curating a session's synthesis in the database after it, without a server, by
the session's own rules, and never beside a server that serves the session."""
import json
import os
import sqlite3
import time

import pytest

from conftest import WORKSHOPS
from console_support import run_script


@pytest.fixture
def ended(atelier, tmp_path):
    """An ended BeFUS session (simulated, so dated on the workshop's day in 2021) in a fresh database."""
    database = tmp_path / "atelier.db"
    result = atelier("simulate", "--workshop", WORKSHOPS / "befus-25-ans.json", "--db", database,
                     "--participants", "6", "--join-code", "SYN001", "--session-id", "s-syn")
    assert result.returncode == 0, result.stderr
    return database


def synthesis(atelier, database, *words, code="SYN001", env=None):
    return atelier("synthesis", "--db", database, "--code", code, *words,
                   env={**os.environ, **(env or {})} if env else None)


def rows(database, sql):
    with sqlite3.connect(database) as db:
        return db.execute(sql).fetchall()


def test_curation_is_decided_by_the_sessions_rules_and_recorded_as_one_offline_moderators_events(atelier, ended):
    before = rows(ended, "SELECT max(seq) FROM events")[0][0]
    for words in (["intro", "Une matinée d'échanges entre communes."], ["quote", "n9"],
                  ["rec", "classify", "r1", "theme", "polar", "to", "commune"],
                  ["rec", "reserve", "r1", "Le coût n'est pas chiffré"]):
        result = synthesis(atelier, ended, *words)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("Recorded: " + " ".join(words)), result.stdout

    refused = synthesis(atelier, ended, "quote", "n999")
    assert refused.returncode == 1 and refused.stderr == 'atelier synthesis: There is no note "n999".\n'
    twice = synthesis(atelier, ended, "quote", "n9")
    assert twice.returncode == 1
    assert twice.stderr == ("atelier synthesis: This is already quoted in the synthesis. "
                            "[quote.alreadyFeatured]\n"), twice.stderr
    live_only = synthesis(atelier, ended, "rec", "draft", "Encore une mesure")
    assert live_only.returncode == 1 and "This command curates the synthesis" in live_only.stderr
    unasked = synthesis(atelier, ended, "conclusion", "clear")
    assert unasked.returncode == 1 and "Pass --yes" in unasked.stderr

    joined = rows(ended, "SELECT json_extract(payload, '$.id') FROM events WHERE seq > %d "
                         "AND type = 'participantJoined'" % before)
    assert len(joined) == 1, joined
    organiser = joined[0][0]
    assert rows(ended, "SELECT name, is_moderator FROM participants WHERE participant_id = '%s'" % organiser) == [
        ("organiser", 1)]
    assert rows(ended, "SELECT DISTINCT actor FROM events WHERE seq > %d" % before) == [(organiser,)]

    shown = synthesis(atelier, ended, "show")
    assert shown.returncode == 0, shown.stderr
    assert "Introduction\n  Une matinée d'échanges entre communes.\n" in shown.stdout
    assert '  n9 "' in shown.stdout
    assert "· theme polarisation · to commune\n    rv1 reservation: Le coût n'est pas chiffré\n" in shown.stdout


def test_prose_is_written_in_the_editor_and_recorded_only_when_it_changed(atelier, ended, tmp_path):
    editor = tmp_path / "edit.sh"
    editor.write_text(f'#!/bin/sh\ncp "$1" "{tmp_path}/seen.txt"\ncat "{tmp_path}/next.txt" > "$1"\n')
    editor.chmod(0o755)
    env = {"EDITOR": str(editor), "VISUAL": ""}
    (tmp_path / "next.txt").write_text("Les jeunes manquent de lieux.\n\nSurtout le soir.\n")
    written = synthesis(atelier, ended, "findings", "polar", env=env)
    assert written.returncode == 0 and written.stdout.startswith("Recorded: findings polar"), written.stderr
    assert (tmp_path / "seen.txt").read_text() == ""

    again = synthesis(atelier, ended, "findings", "polar", env=env)
    assert again.stdout == "Unchanged: the findings of polarisation; nothing recorded.\n", again.stderr
    assert (tmp_path / "seen.txt").read_text() == "Les jeunes manquent de lieux.\n\nSurtout le soir."

    (tmp_path / "next.txt").write_text("")
    emptied = synthesis(atelier, ended, "findings", "polar", env=env)
    assert emptied.stdout == ("Empty file, nothing recorded; to clear: "
                              "atelier synthesis --code SYN001 findings polarisation clear\n")
    stored = rows(ended, "SELECT json_extract(payload, '$.text') FROM events WHERE type = 'findingsWritten'")
    assert stored == [("Les jeunes manquent de lieux.\n\nSurtout le soir.",)]


def test_a_session_a_server_serves_is_refused_while_the_server_goes_on_storing_it(atelier, ended, live_server_factory):
    # Serving also purges the 2021 session's names at start (its retention has run): this test
    # is about the log, which keeps every event.
    server = live_server_factory(workshop=WORKSHOPS / "demo-en.json", database=ended)
    # The running session of the demo workshop, served and leased from the start.
    assert run_script(server, ["start"]).returncode == 0
    refused = synthesis(atelier, ended, "intro", "Hors ligne", code=server.code)
    assert refused.returncode == 1
    assert f"is being served by atelier serve, process {server.process.pid}" in refused.stderr, refused.stderr
    assert "Nothing was recorded." in refused.stderr

    # The ended session is served from its code's first use (its summary here), and leased then.
    assert synthesis(atelier, ended, "intro", "Avant").returncode == 0
    assert server.get("/summary?code=SYN001")[0] == 200
    during = synthesis(atelier, ended, "intro", "Pendant")
    assert during.returncode == 1
    assert during.stderr == (
        f"atelier synthesis: Session SYN001 has ended but is still served by atelier serve, process {server.process.pid}, "
        "which lets it go once nobody has been connected to it for 10 minutes (unless started with another "
        "--keep-ended): try again then, or curate it from atelier moderate. Nothing was recorded.\n"), during.stderr

    result = run_script(server, ["intro Written live", "findings night The buses stop early."])
    assert result.returncode == 0, result.stdout + result.stderr

    code, log = server.stop()
    assert code == 0 and "events not stored" not in log, log
    assert synthesis(atelier, ended, "intro", "Après", code=server.code).returncode == 0
    intros = rows(ended, "SELECT json_extract(payload, '$.text') FROM events WHERE type = 'synthesisTextWritten' "
                         "ORDER BY rowid")
    assert intros == [("Avant",), ("Written live",), ("Après",)]


def served_sessions(server):
    return json.loads(server.get("/healthz")[2])["sessions"]


def test_a_server_lets_go_of_an_ended_session_nobody_is_connected_to_and_serves_it_again_with_the_offline_curation(
        atelier, ended, live_server_factory):
    server = live_server_factory(workshop=WORKSHOPS / "demo-en.json", database=ended, extra=["--keep-ended", "1"])
    assert served_sessions(server) == 1
    assert server.get("/summary?code=SYN001")[0] == 200

    # Nobody connects to the ended session: a second later the server lets go of it and of its lease.
    deadline = time.monotonic() + 30
    while served_sessions(server) > 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert served_sessions(server) == 1
    written = synthesis(atelier, ended, "intro", "Hors ligne, le lendemain")
    assert written.returncode == 0, written.stderr

    status, _, summary = server.get("/summary?code=SYN001&format=md")
    assert status == 200 and "Hors ligne, le lendemain" in summary
    code, log = server.stop()
    assert code == 0 and "ended session unloaded, lease released" in log, log
    assert "events not stored" not in log, log
