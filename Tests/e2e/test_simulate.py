"""A scripted session recorded to SQLite, listed, and read back with plain SQL like an organiser would."""
import sqlite3

from conftest import WORKSHOPS


def test_simulated_session_is_recorded_and_readable_with_sql(atelier, tmp_path):
    database = tmp_path / "atelier.db"
    result = atelier("simulate", "--workshop", WORKSHOPS / "befus-25-ans.json", "--db", database, "--participants", "10")
    assert result.returncode == 0, result.stderr
    assert "Replaying the log gives the same state." in result.stdout
    assert "Innovation labs" in result.stdout

    listing = atelier("sessions", "--db", database)
    assert listing.returncode == 0, listing.stderr
    assert "ended" in listing.stdout

    with sqlite3.connect(database) as db:
        people = db.execute("SELECT COUNT(*) FROM participants WHERE is_moderator = 0").fetchone()[0]
        assert people == 10
        rooms = [row[0] for row in db.execute("SELECT DISTINCT room FROM notes WHERE slot = 'innovation-labs'")]
        assert len(rooms) >= 2
        top = db.execute("SELECT item_id, dots FROM vote_totals ORDER BY dots DESC LIMIT 1").fetchone()
        assert top[1] > 0
        recommendations = db.execute("SELECT COUNT(*) FROM recommendations").fetchone()[0]
        assert recommendations > 0
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"


def test_simulate_refuses_a_broken_workshop(atelier, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{}")
    result = atelier("simulate", "--workshop", broken, "--db", tmp_path / "x.db")
    assert result.returncode == 1
    assert "missing field" in result.stderr


def test_sessions_on_an_empty_database_says_so(atelier, tmp_path):
    result = atelier("sessions", "--db", tmp_path / "empty.db")
    assert result.returncode == 0
    assert "No sessions" in result.stdout
