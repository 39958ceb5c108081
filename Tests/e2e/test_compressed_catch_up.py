"""A member may ask for its catch-ups compressed (`"compress": "deflate-raw"` in `join`, `moderate` or
`rejoin`): the parts of the log the server streams to it (a catch-up, and the earlier events a widening
lets it see when the rooms close) come as binary messages, each the raw DEFLATE of the same
`{"events":[…]}` text; everything else stays text. On venue wifi, a hall whose rooms close is sent every
other room's notes at once: this is what makes that burst small."""
import json

import pytest

from conftest import WORKSHOPS
from test_relays import Member, note_text

DEMO = WORKSHOPS / "demo-en.json"


@pytest.fixture
def server(live_server_factory):
    """A new session of the demo workshop."""
    return live_server_factory(workshop=DEMO, extra=["--new-session"])


def moderator_of(server, *commands):
    """The session's moderator, once it has sent `commands`."""
    moderator = Member(server.ws_url)
    moderator.enter({"moderate": {"code": server.code, "key": server.key, "name": "Mod"}})
    for command in commands:
        assert "ack" in moderator.command(command), command
    return moderator


def joined(server, name, compress=None, room=None):
    member = Member(server.ws_url)
    body = {"code": server.code, "name": name, "role": "resident", "language": "en"}
    if compress:
        body["compress"] = compress
    member.enter({"join": body})
    member.wait_for(lambda e: True, "the catch-up")
    while not any("synced" in m for m in member.messages):
        member.receive()
    if room:
        assert "ack" in member.command({"chooseRoom": {"room": room}})
    return member


def test_a_compressed_catch_up_holds_the_same_events_in_far_fewer_bytes_and_live_events_stay_text(server):
    moderator = moderator_of(server, {"start": {}}, {"goToSlot": {"slot": "vote"}})
    # Each writer within its burst of the rate limit.
    for writer in range(8):
        member = joined(server, f"Writer {writer}")
        for index in range(35):
            text = f"Idea {writer}.{index}: lights along the river path"
            assert "ack" in member.command({"addNote": {"prompt": "first-step", "text": text}})

    plain, packed = joined(server, "Anne"), joined(server, "Bram", compress="deflate-raw")
    # The same log, but each is sent its own join and not the other's.
    shared = lambda member: [(e["seq"], json.dumps(e["event"], sort_keys=True)) for e in member.events
                             if "participantJoined" not in e["event"]]
    assert len(shared(plain)) > 280 and shared(packed) == shared(plain)
    assert getattr(plain, "binary_bytes", 0) == 0
    assert 0 < packed.binary_bytes < sum(len(json.dumps(e)) for e in plain.events) / 4

    assert "ack" in moderator.command({"announce": {"text": "Live"}})
    before = packed.binary_bytes
    packed.wait_for(lambda e: "announced" in e["event"], "the live announcement")
    assert packed.binary_bytes == before


def test_when_the_rooms_close_the_other_rooms_notes_come_compressed(server):
    moderator = moderator_of(server, {"start": {}}, {"goToSlot": {"slot": "rooms"}}, {"openRooms": {"mode": "self"}})
    writer = joined(server, "Anne", room="night-economy")
    packed = joined(server, "Bram", compress="deflate-raw", room="public-space")
    for index in range(35):
        assert "ack" in writer.command({"addNote": {"prompt": "presence", "text": f"Night idea {index}"}})
    before = getattr(packed, "binary_bytes", 0)

    moderator.command({"closeRooms": {}})
    packed.wait_for(lambda e: note_text(e) == "Night idea 34", "the other room's last note")
    assert [note_text(e) for e in packed.events].count("Night idea 0") == 1
    assert packed.binary_bytes > before


def test_an_unknown_compression_is_refused_at_its_path(server):
    member = Member(server.ws_url)
    answer = member.request({"join": {"code": server.code, "name": "Anne", "role": "resident", "language": "en",
                                      "compress": "gzip"}})
    assert answer["code"] == "field.invalidValue" and answer["path"] == "join.compress", answer
