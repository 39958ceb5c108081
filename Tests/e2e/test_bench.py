"""`atelier bench` on tiny loads: the report has every figure and the durability check runs.

Nothing here asserts a timing: the bench measures, BENCHMARKS.md records, tests only check that
the machinery works and that it fails loudly when it cannot run."""
import json

FIELDS = ["acceptedPerSecond", "deliveredPerSecond", "latency", "fanOut", "intake", "ack", "serverCPUPercent",
          "serverRSSKiB", "refused", "connectionsLost", "queueDrops", "ackedActions", "missingFromStore"]


def bench(atelier, *args):
    result = atelier("bench", "--json", "--warmup", "0.5", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def test_plenary_bench_reports_every_figure_and_finds_every_acked_note_in_sqlite(atelier):
    report, progress = bench(atelier, "--scenario", "1", "--participants", "5", "--rate", "5", "--seconds", "2")
    for field in FIELDS:
        assert field in report, field
    assert report["participants"] == 5
    assert report["ackedActions"] > 0
    assert report["missingFromStore"] == 0
    # Five participants and the moderator each receive every note: latency samples come from all.
    assert report["latency"]["samples"] >= 6
    # The fan-out is measured from each note's first delivery: never longer than post-to-delivery.
    assert report["fanOut"]["samples"] == report["latency"]["samples"]
    assert report["fanOut"]["max"] <= report["latency"]["max"]
    # Intake is one sample per note (its first delivery), and no longer than post to delivery.
    assert 0 < report["intake"]["samples"] < report["latency"]["samples"]
    assert report["intake"]["max"] <= report["latency"]["max"]
    # Every note is acked to its writer, and that is timed.
    assert report["ack"]["samples"] > 0
    assert report["deliveredPerSecond"] > 0
    assert report["connectionsLost"] == 0 and report["queueDrops"] == 0
    assert "joined 5/5" in progress and "measured" in progress


def test_rooms_bench_places_dots_and_checks_durability(atelier):
    report, _ = bench(atelier, "--scenario", "2", "--participants", "6", "--rooms", "2", "--rate", "5",
                      "--dot-rate", "5", "--seconds", "2")
    assert report["rooms"] == 2
    assert report["ackedActions"] > 0
    assert report["missingFromStore"] == 0


def test_flood_bench_measures_the_writers_acks_without_and_beside_a_reconnecting_flooder(atelier):
    report, progress = bench(atelier, "--scenario", "6", "--participants", "5", "--rate", "10", "--seconds", "1.5")
    flood = report["flood"]
    assert flood["quietAck"]["samples"] > 0 and flood["floodedAck"]["samples"] > 0
    assert flood["p99Ratio"] > 0
    # The flooder comes back again and again, and most of what it sends is refused for rate.
    assert flood["flooderReconnectsPerSecond"] > 0
    assert 0 < flood["flooderAcceptedPerSecond"] < flood["flooderNotesPerSecond"]
    assert report["refusedByCode"]["rate.limited"] > 0
    assert report["missingFromStore"] == 0
    assert "joined 5/5" in progress and "the flooder joined" in progress


def test_idle_bench_reports_memory_per_connection(atelier):
    report, _ = bench(atelier, "--scenario", "4", "--participants", "50")
    assert [step["connections"] for step in report["idle"]] == [0, 10, 20, 30, 40, 50]
    assert report["bytesPerIdleConnection"] is not None


def test_bench_fails_clearly_when_the_server_does_not_start(atelier, tmp_path):
    broken = tmp_path / "not-a-server"
    broken.write_text("#!/bin/sh\nexit 3\n")
    broken.chmod(0o755)
    result = atelier("bench", "--scenario", "1", "--participants", "2", "--seconds", "1", "--server", str(broken))
    assert result.returncode != 0
    assert "bench failed" in result.stderr and "banner" in result.stderr
