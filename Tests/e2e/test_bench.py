"""`atelier bench` on tiny loads: the report has every figure and the durability check runs.

Nothing here asserts a timing: the bench measures, BENCHMARKS.md records, tests only check that
the machinery works and that it fails loudly when it cannot run."""
import json
import socket
import struct
import threading
import time

FIELDS = ["acceptedPerSecond", "deliveredPerSecond", "latency", "arrival", "fanOut", "intake", "ack", "serverCPUPercent",
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
    # Every delivery also has the kernel's arrival stamp, which comes before its read.
    assert report["unstampedDeliveries"] == 0
    assert report["arrival"]["samples"] == report["latency"]["samples"]
    assert report["arrival"]["p50"] <= report["latency"]["p50"] and report["arrival"]["max"] <= report["latency"]["max"]
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


def serve_baseline_room(members, posts, period):
    """A room speaking the C baseline's frames (lwsroom.c): once `members` websockets are in, every
    `period` seconds one text frame to each, its first 8 bytes the post time on CLOCK_MONOTONIC,
    until `posts` were sent or the bench leaves."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def run():
        connections = []
        for _ in range(members):
            connection, _ = listener.accept()
            request = b""
            while b"\r\n\r\n" not in request:
                request += connection.recv(4096)
            connection.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                               b"Sec-WebSocket-Protocol: ws\r\n\r\n")
            connections.append(connection)
        try:
            for _ in range(posts):
                frame = struct.pack("<q", time.clock_gettime_ns(time.CLOCK_MONOTONIC)) + b"a" * 122
                for connection in connections:
                    connection.sendall(bytes([0x81, 126]) + struct.pack(">H", len(frame)) + frame)
                time.sleep(period)
        except OSError:
            pass  # the bench has measured and left
        for connection in connections:
            connection.close()
        listener.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return port, thread


def test_the_bench_reads_the_c_baseline_room_at_read_and_at_arrival(atelier):
    port, room = serve_baseline_room(members=20, posts=40, period=0.05)
    report, progress = bench(atelier, "--baseline-room", port, "--participants", "20", "--warmup", "0.3", "--seconds", "1")
    assert report["loadGeneratorYields"] is False
    room.join()
    assert "20 connections to the baseline room" in progress
    assert report["participants"] == 20
    # Every member receives the posts: 20 a round, about 20 rounds in the measured second.
    assert report["latency"]["samples"] >= 20
    assert report["arrival"]["samples"] == report["latency"]["samples"] and report["unstampedDeliveries"] == 0
    assert report["arrival"]["max"] <= report["latency"]["max"]


def test_the_baseline_room_must_be_a_port(atelier):
    result = atelier("bench", "--baseline-room", "70000")
    assert result.returncode != 0 and "--baseline-room must be a port" in result.stderr


def test_a_yielding_load_generator_says_so_and_still_counts_every_delivery(atelier):
    report, _ = bench(atelier, "--scenario", "1", "--participants", "5", "--rate", "5", "--seconds", "1", "--yield")
    assert report["loadGeneratorYields"] is True
    assert report["noteDeliveries"] == report["expectedNoteDeliveries"] > 0
    text = atelier("bench", "--scenario", "1", "--participants", "2", "--rate", "2", "--seconds", "0.5", "--warmup", "0.2", "--yield")
    assert text.returncode == 0 and "the load generator at nice 19" in text.stdout
