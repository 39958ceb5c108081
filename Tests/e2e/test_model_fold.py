"""The page's fold pinned to the core's: for every shipped workshop, a scripted session's events are
fed to Web/js/model.js in Chromium and what the model holds is compared with what `SessionState`
holds for the same events (`atelier state`, which folds them as the console does). Pages see only
their audience's events, so the moderator's page and a participant's are both compared, at moments
through the session: at the end of each slot, in each breakout before its rooms close, before each
vote's reveal and at the end, each time as a page loading then is sent the log."""
import json

import pytest

from conftest import ROOT, SHIPPED
from test_web_session import browser, new_page  # noqa: F401 (fixture)
from web_support import Moderator

MODERATOR, PARTICIPANT = "p1", "p2"

# The model's state in the shape `atelier state` prints (Sources/atelier/StateCommand.swift), read
# through the model's own queries where it has them.
PROJECT = r"""async (messages) => {
  const { SessionModel } = await import('/js/model.js');
  const model = new SessionModel();
  for (const message of messages) model.applyMessage(message);
  const inOrder = (items) => Array.from(items).sort((a, b) => a.seq - b.seq);
  const breakout = model.breakout;
  return {
    status: model.status,
    slot: model.currentSlot?.id ?? null,
    participants: inOrder(model.participants.values()).map((p) => ({
      id: p.id, name: p.name, role: p.role, organisation: p.organisation, language: p.language,
      moderator: p.isModerator, active: p.active, room: p.room, facilitates: p.facilitates })),
    breakout: breakout && { slot: breakout.slot, rooms: breakout.rooms, mode: breakout.mode, closesAt: breakout.closesAt,
      closingWhenPaused: breakout.closingWhenPaused },
    notes: inOrder(model.notes.values()).map((n) => ({
      id: n.id, board: n.board, prompt: n.prompt, author: n.author, text: n.text, colour: n.colour,
      anonymous: n.anonymous, createdAt: n.createdAt, editedAt: n.editedAt, group: n.cluster })),
    comments: inOrder(model.comments.values()).map((c) => ({
      id: c.id, note: c.note, author: c.author, text: c.text, createdAt: c.at })),
    groups: inOrder(model.clusters.values()).map((g) => ({ id: g.id, board: g.board, name: g.name, notes: g.notes })),
    votes: model.roundsInOrder().map((r) => ({
      id: r.id, scope: r.scope, slot: r.slot, boards: r.boards, dotsPerPerson: r.dotsPerPerson,
      maxDotsPerItem: r.maxDotsPerItem, hidden: r.hidden, status: r.status,
      dots: Object.fromEntries(Array.from(r.dots, ([voter, mine]) => [voter, Object.fromEntries(mine)])),
      results: model.results(r) })),
    promoted: model.promoted.map((i) => ({ id: i.id, source: i.source, board: i.board, text: i.text })),
    recommendations: model.recommendationOrder.map((id) => model.recommendations.get(id)).filter(Boolean).map((r) => ({
      id: r.id, text: r.text, sources: r.sources, room: r.room, addressee: r.addressee })),
  };
}"""


def without_nulls(value):
    """JSON with absent and null members alike: Swift leaves out a nil, the page keeps a null."""
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def first_difference(swift, page):
    """The first part and element where the two states differ, for a readable failure."""
    for part in swift.keys() | page.keys():
        left, right = swift.get(part), page.get(part)
        if left == right:
            continue
        if isinstance(left, list) and isinstance(right, list):
            for index, (a, b) in enumerate(zip(left, right)):
                if a != b:
                    return f"{part}[{index}]: core {a} / page {b}"
            return f"{part}: core has {len(left)}, page {len(right)}"
        return f"{part}: core {left} / page {right}"
    return None


def moments(events):
    """Sequence numbers to compare after: the end of each slot, just before each rooms' closing and each
    reveal, and the last."""
    names = [next(iter(m["event"])) for m in events]
    before = {events[i - 1]["seq"] for i, name in enumerate(names) if name in ("slotEnded", "roomsClosed", "voteRevealed")}
    return sorted(before | {events[-1]["seq"]})


@pytest.mark.parametrize("workshop", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_the_pages_model_holds_what_the_core_holds_for_the_same_events(atelier, browser, live_server, tmp_path, workshop):
    database = tmp_path / "fold.db"
    made = atelier("simulate", "--workshop", workshop, "--db", database, "--join-code", "FOLD01")
    assert made.returncode == 0, made.stderr

    def state(*args):
        result = atelier("state", "FOLD01", "--db", database, *map(str, args))
        assert result.returncode == 0, result.stderr
        return result.stdout

    log = [json.loads(line) for line in state("--as", MODERATOR, "--events").splitlines()]
    page = new_page(browser)
    page.goto(f"{live_server.url}/healthz")
    compared = {MODERATOR: [], PARTICIPANT: []}
    for seq in moments(log):
        for viewer in compared:
            events = [json.loads(line) for line in state("--as", viewer, "--after", seq, "--events").splitlines()]
            core = without_nulls(json.loads(state("--as", viewer, "--after", seq)))
            held = without_nulls(page.evaluate(PROJECT, events))
            assert held == core, f"{workshop.name}, {viewer} after seq {seq}: {first_difference(core, held)}"
            compared[viewer].append(events)
    assert page.errors == []
    # The participant's page was sent another log than the moderator's: a room's notes held back while
    # its breakout was open, anonymous authors and hidden rounds' dots shown to the writer and voter alone.
    assert any(mine != theirs for mine, theirs in zip(compared[PARTICIPANT], compared[MODERATOR]))
    assert len(compared[MODERATOR]) >= 5


def test_a_pause_holds_the_rooms_countdown_in_the_pages_model_as_in_the_core(atelier, browser, live_server_factory):
    server = live_server_factory(workshop=ROOT / "Workshops" / "demo-en.json", extra=["--new-session"])
    moderator = Moderator(new_page(browser), server)
    for command, arguments in (("start", {}), ("goToSlot", {"slot": "rooms"}), ("openRooms", {"mode": "random"}),
                               ("closeRooms", {"afterSeconds": 120})):
        moderator.command(command, arguments)
    page = new_page(browser)
    page.goto(f"{server.url}/healthz")

    def compare(what):
        events = atelier("state", server.code, "--db", server.database, "--as", MODERATOR, "--events").stdout
        core = json.loads(atelier("state", server.code, "--db", server.database, "--as", MODERATOR).stdout)
        held = page.evaluate(PROJECT, [json.loads(line) for line in events.splitlines()])
        assert without_nulls(held) == without_nulls(core), f"{what}: {first_difference(core, held)}"
        return core["breakout"]

    assert "closesAt" in compare("closing")
    moderator.command("pause")
    paused = compare("paused")
    assert "closesAt" not in paused and 0 < paused["closingWhenPaused"] <= 120000
    moderator.command("resume")
    assert "closesAt" in compare("resumed")


def test_a_round_revealed_while_the_rooms_are_open_folds_for_a_room_as_in_the_core_and_whole_once_they_close(
        atelier, browser, live_server_factory):
    from test_screen import Participant
    server = live_server_factory(workshop=ROOT / "Workshops" / "demo-en.json", extra=["--new-session"])
    moderator = Moderator(new_page(browser), server)
    anne, bram = (Participant(new_page(browser), server, name) for name in ("Anne", "Bram"))
    moderator.command("start")
    moderator.command("goToSlot", {"slot": "rooms"})
    moderator.command("openRooms", {"mode": "self"})
    anne.command("chooseRoom", {"room": "night-economy"})
    bram.command("chooseRoom", {"room": "public-space"})
    anne.command("addNote", {"prompt": "presence", "text": "Night mediators"})
    bram.command("addNote", {"prompt": "change", "text": "Brighter underpasses"})
    moderator.command("openVote", {"on": "boards"})
    vote = moderator.wait_for(lambda m: m.events("voteOpened"), "the vote")[-1]["id"]
    bram.command("placeDot", {"vote": vote, "item": moderator.notes("Brighter underpasses")[0]["id"]})
    moderator.command("revealVote", {"vote": vote})
    page = new_page(browser)
    page.goto(f"{server.url}/healthz")

    def compare(viewer, what):
        events = atelier("state", server.code, "--db", server.database, "--as", viewer, "--events").stdout
        core = json.loads(atelier("state", server.code, "--db", server.database, "--as", viewer).stdout)
        held = page.evaluate(PROJECT, [json.loads(line) for line in events.splitlines()])
        assert without_nulls(held) == without_nulls(core), f"{what}: {first_difference(core, held)}"
        return [(row["item"], row["dots"]) for row in core["votes"][0]["results"]]

    notes = {n["text"]: n["id"] for n in moderator.events("noteAdded")}
    assert compare(PARTICIPANT, "Anne in her room") == [(notes["Night mediators"], 0)]
    assert compare(MODERATOR, "the moderator") == [(notes["Brighter underpasses"], 1), (notes["Night mediators"], 0)]
    moderator.command("closeRooms")
    assert compare(PARTICIPANT, "Anne after the rooms closed") == [(notes["Brighter underpasses"], 1), (notes["Night mediators"], 0)]


def test_state_names_what_it_cannot_show(atelier, tmp_path):
    database = tmp_path / "fold.db"
    assert atelier("simulate", "--workshop", SHIPPED[0], "--db", database, "--join-code", "FOLD02").returncode == 0
    events = len(atelier("state", "FOLD02", "--db", database, "--as", MODERATOR, "--events").stdout.splitlines())

    late = atelier("state", "FOLD02", "--db", database, "--after", events + 1)
    assert late.returncode == 1
    assert late.stderr.strip() == f"Session FOLD02 has {events} events: --after takes a number from 1 to {events}."
    stranger = atelier("state", "FOLD02", "--db", database, "--as", "p99")
    assert stranger.returncode == 1
    assert stranger.stderr.strip() == f"Session FOLD02 has no participant p99 at event {events}: `atelier state` lists them."
    nobody = atelier("state", "FOLD02", "--db", database, "--events")
    assert nobody.returncode != 0
    assert "--events needs --as: events are sent to someone." in nobody.stderr
