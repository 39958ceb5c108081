"""`atelier bench --scenario 8` on tiny loads: Redis, an owner and relays started by the bench, the
participants spread over the relays, every note counted at every member, each process reported.

As in test_bench.py, nothing here asserts a timing: only that the machinery works and fails loudly."""
import os
import shutil

import pytest

from test_bench import bench

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")


def test_a_relayed_plenary_delivers_every_acked_note_to_every_member_and_stores_every_acked_action(atelier):
    report, progress = bench(atelier, "--scenario", "8", "--participants", "10", "--rate", "5", "--seconds", "2")
    assert report["relays"] == 2 and report["participants"] == 10
    assert report["latency"]["samples"] > 0 and report["ack"]["samples"] > 0
    # Ten participants and the moderator, on two relays, each receive every note exactly once.
    assert report["expectedNoteDeliveries"] > 0
    assert report["noteDeliveries"] == report["expectedNoteDeliveries"]
    assert report["ackedActions"] > 0 and report["missingFromStore"] == 0
    assert report["connectionsLost"] == 0 and report["queueDrops"] == 0 and report["refused"] == 0
    assert report["joinSeconds"] > 0
    assert "joined 10/10" in progress and "measured" in progress


def test_a_relayed_plenary_reports_the_owner_each_relay_and_redis_with_the_connections_spread_in_turn(atelier):
    report, _ = bench(atelier, "--scenario", "8", "--relays", "3", "--participants", "10", "--rate", "5", "--seconds", "1")
    processes = report["processes"]
    assert [p["name"] for p in processes] == ["owner", "relay 1", "relay 2", "relay 3", "redis"]
    assert all(p["rssKiB"] > 0 for p in processes)
    # Eleven connections (the moderator first) in turn over three relays; the owner holds none, and
    # Redis is not an atelier server.
    assert [p.get("connections") for p in processes] == [0, 4, 4, 3, None]
    assert report["noteDeliveries"] == report["expectedNoteDeliveries"]


def test_a_single_process_plenary_counts_every_note_delivered_to_every_member_and_reports_no_processes_apart(atelier):
    report, _ = bench(atelier, "--scenario", "1", "--participants", "5", "--rate", "5", "--seconds", "1")
    assert report["relays"] == 0 and report["processes"] == []
    assert report["expectedNoteDeliveries"] > 0
    assert report["noteDeliveries"] == report["expectedNoteDeliveries"]


def test_the_relayed_plenary_says_redis_server_is_missing_and_stops(atelier, tmp_path):
    # A PATH with no redis-server on it.
    result = atelier("bench", "--scenario", "8", "--participants", "2", "--seconds", "1",
                     env={**os.environ, "PATH": str(tmp_path)})
    assert result.returncode != 0
    assert "bench failed" in result.stderr and "redis-server is not installed" in result.stderr


def test_relays_are_refused_for_a_scenario_that_is_not_a_load(atelier):
    result = atelier("bench", "--scenario", "4", "--relays", "2")
    assert result.returncode != 0
    assert "--relays applies to the load scenarios" in result.stderr
