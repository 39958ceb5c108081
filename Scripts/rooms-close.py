#!/usr/bin/env python3
"""The moment the rooms close, as BENCHMARKS.md reports it ("Compressed catch-ups").

Usage: Scripts/rooms-close.py ATELIER_BINARY [PARTICIPANTS] [NOTES_EACH] [COMPRESSED]

Starts `atelier serve` on the default workshop (five rooms) in a throwaway database. A moderator
opens the innovation labs; PARTICIPANTS people (300) join, spread over the five rooms, and each
writes NOTES_EACH notes (6). COMPRESSED says who asks for compressed catch-ups (`"compress":
"deflate-raw"`, as the page does): `half` (every other one, the default), `all` or `none`. Then the moderator closes the rooms, and every participant is
sent the other rooms' notes at once. Prints, for each half: the bytes each participant received
from the close until it held every note (the websocket payloads; median and total), and the time
until the last of them held every note; and the server's CPU time over that burst."""
import json
import os
import pathlib
import selectors
import statistics
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "Tests" / "e2e"))
from conftest import ROOT, start_server  # noqa: E402
from console_support import binary_message, take_frame  # noqa: E402
from test_relays import Member  # noqa: E402

ROOMS = ["gouvernance-crise", "inclusion-multidiagnostics", "polarisation", "nuisances-incivilites",
         "rehabilitation-auteurs"]


def cpu_seconds(pid):
    """User and system time of a process, in seconds."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Reader:
    """A member whose bytes and notes are counted as they come."""

    def __init__(self, member, compressed):
        self.member, self.compressed = member, compressed
        self.bytes = 0
        self.notes = set()
        self.done_at = None

    def take(self, message):
        for event in message.get("events", [message]):
            added = event.get("event", {}).get("noteAdded")
            if added:
                self.notes.add(added["id"])


def frames(member):
    """Reads what the socket holds; returns each message with its payload's size on the wire."""
    chunk = member.sock.recv(1 << 20)
    if not chunk:
        raise ConnectionError("closed")
    member.buffer += chunk
    out = []
    while (frame := take_frame(member.buffer)) is not None:
        first, payload, member.buffer = frame
        opcode = first & 0x0F
        if opcode == 2:
            out.append((len(payload), binary_message(payload)))
        elif opcode == 1:
            out.append((len(payload), json.loads(payload)))
    return out


def main():
    binary = sys.argv[1]
    people = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    notes_each = int(sys.argv[3]) if len(sys.argv) > 3 else 6
    share = sys.argv[4] if len(sys.argv) > 4 else "half"
    assert share in ("half", "all", "none"), "COMPRESSED is half, all or none"
    os.environ["ATELIER_BIN"] = str(pathlib.Path(binary).resolve())
    workshop = ROOT / "Workshops" / "befus-25-ans.json"
    prompts = {room["id"]: [p["id"] for p in room.get("prompts", [])] for room in json.loads(workshop.read_text())["rooms"]}
    shared = [p["id"] for p in json.loads(workshop.read_text()).get("prompts", [])]
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(pathlib.Path(folder) / "a.db", workshop, ["--new-session"])
        readers = []
        try:
            moderator = Member(server.ws_url)
            moderator.enter({"moderate": {"code": server.code, "key": server.key, "name": "Mod"}})
            for command in ({"start": {}}, {"goToSlot": {"slot": "innovation-labs"}}, {"openRooms": {"mode": "self"}}):
                assert "ack" in moderator.command(command), command
            selector = selectors.DefaultSelector()

            def drain(counting, timeout=0):
                """Reads what every reader's socket holds; with `counting`, from the close on."""
                for key, _ in selector.select(timeout=timeout):
                    reader = key.data
                    try:
                        for size, message in frames(reader.member):
                            if counting:
                                reader.bytes += size
                            reader.take(message)
                    except BlockingIOError:
                        continue

            for index in range(people):
                member = Member(server.ws_url)
                body = {"code": server.code, "name": f"P{index}", "role": "partenaire-local", "language": "fr"}
                compressed = share == "all" or (share == "half" and index % 2 == 1)
                if compressed:
                    body["compress"] = "deflate-raw"
                member.enter({"join": body})
                room = ROOMS[index % len(ROOMS)]
                assert "ack" in member.command({"chooseRoom": {"room": room}})
                for note in range(notes_each):
                    prompt = (prompts.get(room) or shared)[note % len(prompts.get(room) or shared)]
                    text = f"Idée {note} de P{index} : une permanence de nuit partagée entre services"
                    assert "ack" in member.command({"addNote": {"prompt": prompt, "text": text}})
                reader = Reader(member, compressed)
                for message in member.messages:
                    reader.take(message)
                member.sock.setblocking(False)
                selector.register(member.sock, selectors.EVENT_READ, reader)
                readers.append(reader)
                drain(counting=False)
            total = people * notes_each
            # Everything sent before the close is read, and not counted.
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                drain(counting=False, timeout=0.2)
            before = cpu_seconds(server.process.pid)
            started = time.monotonic()
            moderator.command({"closeRooms": {}})
            waiting = len(readers)
            while waiting:
                drain(counting=True, timeout=30)
                for reader in readers:
                    if reader.done_at is None and len(reader.notes) >= total:
                        reader.done_at = time.monotonic() - started
                        waiting -= 1
            cpu = cpu_seconds(server.process.pid) - before
            print(f"{people} participants in {len(ROOMS)} rooms, {total} notes; server CPU over the burst {cpu:.2f} s")
            for compressed in (False, True):
                group = [r for r in readers if r.compressed == compressed]
                if not group:
                    continue
                sizes = [r.bytes for r in group]
                print(f"  {'compressed' if compressed else 'as text   '}: {len(group)} participants, "
                      f"median {statistics.median(sizes) / 1024:.1f} KiB each, total {sum(sizes) / 1048576:.1f} MiB, "
                      f"last one whole after {max(r.done_at for r in group):.2f} s")
        finally:
            for reader in readers:
                reader.member.close()
            server.stop()


if __name__ == "__main__":
    main()
