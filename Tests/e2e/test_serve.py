"""`atelier serve` as an operator meets it: the banner, health and metrics, a clean stop, a restart."""
import signal
import sqlite3
import urllib.error
import urllib.request

from conftest import WORKSHOPS
from console_support import run_script


def test_serve_prints_the_link_the_code_and_the_key_once(live_server):
    assert "(new)" in live_server.banner
    assert live_server.code and len(live_server.code) == 6
    assert live_server.key, live_server.banner
    assert f"/screen?code={live_server.code}" in live_server.banner


def test_healthz_and_metrics_answer(live_server):
    status, headers, body = live_server.get("/healthz")
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert '"status":"ok"' in body and '"sessions":1' in body
    status, headers, body = live_server.get("/metrics")
    assert status == 200 and headers["Content-Type"].startswith("text/plain; version=0.0.4")
    for name in ["atelier_connections", "atelier_sessions 1", "atelier_events_appended_total",
                 "atelier_messages_sent_total", "atelier_queue_drops_total", "atelier_commands_refused_total",
                 "atelier_append_seconds_bucket", "atelier_append_seconds_count"]:
        assert name in body, name
    assert "Content-Security-Policy" in headers


def test_sigint_and_sigterm_stop_cleanly(live_server_factory, tmp_path):
    for sig in (signal.SIGINT, signal.SIGTERM):
        server = live_server_factory(database=tmp_path / f"{sig.name}.db")
        code, stderr = server.stop(sig)
        assert code == 0, stderr
        assert "stopped" in stderr


def test_a_restart_resumes_the_session_without_showing_the_key_again(live_server_factory, tmp_path):
    database = tmp_path / "resume.db"
    first = live_server_factory(database=database)
    assert first.stop()[0] == 0
    second = live_server_factory(database=database)
    assert second.code == first.code
    assert "(resumed)" in second.banner and second.key is None
    assert second.stop()[0] == 0
    third = live_server_factory(database=database, extra=["--new-session"])
    assert "(new)" in third.banner and third.code != first.code and third.key


def test_several_sessions_are_served_side_by_side(live_server_factory, tmp_path):
    database = tmp_path / "two.db"
    live_server_factory(database=database).stop()
    both = live_server_factory(database=database, workshop=WORKSHOPS / "demo-en.json")
    codes = [line.split()[1] for line in both.banner.splitlines() if line.startswith("Session ")]
    assert len(set(codes)) == 2
    assert '"sessions":2' in both.get("/healthz")[2]


def test_a_broken_workshop_file_stops_serve_with_its_error(atelier, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": 1, "id": "x"}')
    result = atelier("serve", "--workshop", broken, "--db", tmp_path / "x.db", "--port", "0")
    assert result.returncode != 0
    assert "broken.json" in result.stderr


def fetch_transcript(server, query, key=None):
    request = urllib.request.Request(f"{server.url}/export?{query}")
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode("utf-8-sig")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_the_transcript_downloads_only_with_the_moderator_key(live_server):
    def fetch(query, key=None):
        return fetch_transcript(live_server, query, key)

    assert fetch(f"code={live_server.code}&format=md")[0] == 401
    assert fetch(f"code={live_server.code}&format=md", key="AAAA-BBBB-CCCC-DDDD")[0] == 401
    # An unknown code is answered as a wrong key: the answer does not tell which codes exist.
    assert fetch("code=ZZZZZZ&format=md", key=live_server.key)[:3:2] == fetch(f"code={live_server.code}&format=md")[:3:2]
    assert fetch(f"code={live_server.code}&format=pdf", key=live_server.key)[0] == 400
    status, headers, body = fetch(f"code={live_server.code}&format=md", key=live_server.key)
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    assert "25 ans de transversalité" in body
    status, headers, body = fetch(f"code={live_server.code}&format=csv&table=votes", key=live_server.key)
    assert status == 200 and headers["Content-Disposition"].endswith('-votes.csv"')


def test_an_ended_session_keeps_its_transcript_after_a_restart(live_server_factory, tmp_path):
    database = tmp_path / "ended.db"
    first = live_server_factory(database=database)
    ended = run_script(first, ["start", "end"], "--yes")
    assert ended.returncode == 0, ended.stdout
    assert first.stop()[0] == 0
    # The next start serves a new session of the workshop; the ended one answers when named.
    second = live_server_factory(database=database)
    assert second.code != first.code
    status, _, body = fetch_transcript(second, f"code={first.code}&format=md", key=first.key)
    assert status == 200 and "25 ans de transversalité" in body


def test_serve_purges_the_names_of_sessions_past_their_retention_at_start_and_says_what(atelier, live_server_factory,
                                                                                       tmp_path):
    database = tmp_path / "atelier.db"
    # A simulated session is dated on its workshop's day: BeFUS's in 2021, long past its 30 days.
    # Which sessions are not yet due is the purge's own rule (test_export.py, PurgeTests.swift).
    result = atelier("simulate", "--workshop", WORKSHOPS / "befus-25-ans.json", "--db", database,
                     "--participants", "4", "--join-code", "OLD001", "--session-id", "s-old001")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as db:
        names = [row[0] for row in db.execute("SELECT name FROM participants")]

    server = live_server_factory(workshop=WORKSHOPS / "demo-en.json", database=database)
    code, log = server.stop()
    assert code == 0
    assert "Retention expired for session s-old001: removed 5 names and 4 organisations." in log, log
    assert not any(name in log for name in names)
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT participant_id, name, organisation FROM participants "
                          "WHERE session_id = 's-old001'").fetchall()
    assert len(rows) == 5 and all(name == pid and org is None for pid, name, org in rows)
