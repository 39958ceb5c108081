"""`atelier moderate` in script mode against a live server: commands in, event and result lines out."""
import os
import re
import subprocess
import time

import pytest

from conftest import WORKSHOPS, binary_path, ROOT
from console_support import Participant, free_port, run_script

DEMO = WORKSHOPS / "demo-en.json"


@pytest.fixture
def demo(live_server_factory):
    return live_server_factory(workshop=DEMO, extra=["--log-level", "warning"])


def test_a_script_runs_the_agenda_and_the_rooms_and_reports_refusals(demo):
    anne = Participant(demo.ws_url, demo.code, "Anne Dupont", "elected-official", "Ville de Liège")
    bob = Participant(demo.ws_url, demo.code, "Bob", "police-officer")
    result = run_script(demo, [
        "# a comment, then a refused command",
        "next",
        "start",
        "next",
        "rooms open moderator",
        "move anne public-space",
        "move Bob night-economy",
        "announce room:public-space Five minutes left",
        "status",
        "rooms close 30",
    ])
    out = result.stdout
    assert result.returncode == 3, out + result.stderr  # one refused line
    assert "error session.notStarted: The session has not started yet." in out
    assert "ok start seq=" in out
    assert "event " in out and " slotStarted rooms (Breakout rooms) started" in out
    assert "ok rooms open moderator seq=" in out
    assert f"participantAssigned Anne Dupont → public-space" in out
    assert "participantAssigned Bob → night-economy" in out
    assert 'announced a1 from Moderator to public-space: "Five minutes left"' in out
    assert "rooms open mode=moderator night-economy=1 public-space=1" in out
    assert "roomsClosing rooms close at" in out
    # Each answer comes after the events its command caused.
    lines = out.splitlines()
    assert lines.index(next(l for l in lines if l.startswith("ok start"))) > \
        lines.index(next(l for l in lines if "sessionStarted" in l))
    anne.close()
    bob.close()


def test_what_cannot_be_undone_needs_yes_in_a_script(demo):
    refused = run_script(demo, ["start", "end"])
    assert refused.returncode == 3
    assert "error console.needsConfirmation: End the session? Nothing can change afterwards." in refused.stdout
    assert "sessionEnded" not in refused.stdout

    accepted = run_script(demo, ["end"], "--yes")
    assert accepted.returncode == 0, accepted.stdout
    assert "sessionEnded the session ended" in accepted.stdout
    after = run_script(demo, ["next"])
    assert "error session.ended: The session has ended." in after.stdout


def test_input_mistakes_are_explained_without_asking_the_server(demo):
    result = run_script(demo, ["dance", "goto lunch", "move Nobody public-space", "help rooms"])
    assert result.returncode == 3
    assert 'error console.invalid: Unknown command "dance"; type help for the list.' in result.stdout
    assert 'error console.invalid: There is no slot "lunch"; the slots are: welcome, rooms, vote, synthesis.' in result.stdout
    assert 'error console.invalid: No participant is called "Nobody".' in result.stdout
    assert "help rooms open [self|random|moderator]" in result.stdout


def test_history_is_printed_only_when_asked(demo):
    run_script(demo, ["start"])
    quiet = run_script(demo, ["status"])
    assert "event " not in quiet.stdout and "synced " in quiet.stdout
    loud = run_script(demo, ["status"], "--history")
    assert "event 1 sessionCreated" in loud.stdout and "sessionStarted" in loud.stdout


def test_a_wrong_key_or_no_server_fails_with_status_1(demo):
    wrong = run_script(demo, ["start"], key="AAAA-BBBB-CCCC-DDDD")
    assert wrong.returncode == 1
    assert "error auth.badKey:" in wrong.stdout

    unknown = subprocess.run([binary_path(), "moderate", demo.ws_url, "--code", "ZZZZZZ", "--key", demo.key],
                             input="start\n", capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert unknown.returncode == 1 and "error session.unknownCode:" in unknown.stdout

    port = free_port()
    nobody = subprocess.run([binary_path(), "moderate", f"ws://127.0.0.1:{port}/ws", "--code", demo.code,
                             "--key", demo.key], input="start\n", capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert nobody.returncode == 1
    assert f"error connection: cannot reach ws://127.0.0.1:{port}/ws" in nobody.stdout


def test_the_key_comes_from_the_environment_and_http_links_work(demo):
    environment = {k: v for k, v in os.environ.items() if k != "ATELIER_MODERATOR_KEY"}
    missing = subprocess.run([binary_path(), "moderate", demo.ws_url, "--code", demo.code], input="",
                             capture_output=True, text=True, timeout=60, cwd=ROOT, env=environment)
    assert missing.returncode != 0 and "ATELIER_MODERATOR_KEY" in missing.stderr
    result = subprocess.run([binary_path(), "moderate", f"{demo.url}/?code={demo.code}", "--code", demo.code.lower()],
                            input="start\n", capture_output=True, text=True, timeout=60, cwd=ROOT,
                            env={**environment, "ATELIER_MODERATOR_KEY": demo.key})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok start" in result.stdout


def test_the_console_reconnects_by_itself_after_a_server_restart(live_server_factory, tmp_path):
    port = free_port()
    database = tmp_path / "restart.db"
    first = live_server_factory(workshop=DEMO, database=database, extra=["--port", str(port), "--log-level", "warning"])
    console = subprocess.Popen([binary_path(), "moderate", first.ws_url, "--code", first.code, "--follow"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               cwd=ROOT, env={**os.environ, "ATELIER_MODERATOR_KEY": first.key})
    try:
        def line_with(text, timeout=30):
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                line = console.stdout.readline()
                assert line, f"the console ended before printing {text!r}: {console.stderr.read()}"
                if text in line:
                    return line
            raise AssertionError(f"no line with {text!r}")

        console.stdin.write("start\n")
        console.stdin.flush()
        line_with("ok start")
        assert first.stop()[0] == 0
        line_with("connection lost:")
        second = live_server_factory(workshop=DEMO, database=database, extra=["--port", str(port), "--log-level", "warning"])
        assert second.code == first.code
        line_with("welcome ")
        line_with("connection live")
        console.stdin.write("next\n")
        console.stdin.flush()
        assert "slotStarted rooms" in line_with("slotStarted")
        line_with("ok next")
    finally:
        console.kill()
        console.wait()


def test_export_saves_the_transcript_the_server_sends(demo, tmp_path):
    target = tmp_path / "synthese.md"
    tables = tmp_path / "tables"
    result = run_script(demo, ["start", "rec draft Open one youth centre until midnight", f"export md {target}",
                               f"export csv {tables}", "export pdf"])
    assert result.returncode == 3, result.stdout  # the pdf line
    assert f"ok export md {target} saved={target} bytes=" in result.stdout
    assert "Open one youth centre until midnight" in target.read_text()
    # CSV comes as one table per file, into the folder given.
    assert f"ok export csv {tables} saved={tables} bytes=" in result.stdout
    assert sorted(p.name.rsplit("-", 1)[1] for p in tables.iterdir()) == ["comments.csv", "notes.csv", "votes.csv"]
    assert "error console.invalid: Transcripts come as md, html, csv or json." in result.stdout


def test_export_of_a_large_session_writes_the_whole_transcript(demo, atelier, tmp_path):
    # 150 recommendations of 900 characters, paced under the moderator's rate limit: a transcript
    # well past the 64 KiB a message may hold.
    drafts = [line for index in range(150)
              for line in (f"rec draft Recommendation {index} " + "étayée par les échanges " * 37, "wait 0.06")]
    targets = {format: tmp_path / f"large.{format}" for format in ("md", "html", "json")}
    result = run_script(demo, ["start", *drafts, *(f"export {format} {path}" for format, path in targets.items())])
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    direct = tmp_path / "direct"
    assert atelier("export", demo.code, "--db", demo.database, "--format", "md,html,json", "--out", direct).returncode == 0
    for format, path in targets.items():
        assert f"ok export {format} {path} saved={path} bytes=" in result.stdout
        (expected,) = direct.glob(f"*.{format}")
        assert path.read_bytes() == expected.read_bytes(), format
        assert len(path.read_bytes()) > 150_000, format


def welcomed_as(result):
    return re.search(r"^welcome .* participant=(\S+)", result.stdout, re.M).group(1)


def test_running_the_console_again_comes_back_as_the_same_moderator(demo, tmp_path):
    state = {"XDG_STATE_HOME": str(tmp_path)}
    first = run_script(demo, ["start"], env=state)
    again = run_script(demo, ["next"], env=state)
    assert first.returncode == 0 and again.returncode == 0, first.stdout + again.stdout
    assert welcomed_as(again) == welcomed_as(first)
    fresh = run_script(demo, ["status"], "--new-identity", env=state)
    assert welcomed_as(fresh) != welcomed_as(first)
    # The token file is the owner's alone.
    (token_file,) = (tmp_path / "atelier" / "moderator").iterdir()
    assert token_file.stat().st_mode & 0o077 == 0


def test_a_token_the_server_does_not_know_falls_back_to_the_key(demo, tmp_path):
    state = {"XDG_STATE_HOME": str(tmp_path)}
    first = run_script(demo, ["start"], env=state)
    (token_file,) = (tmp_path / "atelier" / "moderator").iterdir()
    token_file.write_text("0" * 32 + "\n")
    again = run_script(demo, ["next"], env=state)
    assert again.returncode == 0, again.stdout
    assert welcomed_as(again) != welcomed_as(first)
    assert token_file.read_text().strip() != "0" * 32


def test_a_script_curates_with_texts_on_the_line_and_cannot_open_an_editor(demo):
    anne = Participant(demo.ws_url, demo.code, "Anne Dupont", "elected-official", "Ville de Liège")
    result = run_script(demo, [
        "start",
        "findings night Les bus s'arrêtent à 23 h, « trop tôt »",
        "intro",
        "conclusion clear",
    ])
    assert result.returncode == 3, result.stdout
    assert re.search(r"^ok findings night Les bus s'arrêtent à 23 h, « trop tôt » seq=\d+$", result.stdout, re.M), result.stdout
    assert ("error console.needsText: a script cannot open an editor; give the introduction on the line."
            in result.stdout), result.stdout
    assert "error console.needsConfirmation: Clear the conclusion?" in result.stdout
    anne.close()
