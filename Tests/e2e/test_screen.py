"""The presenter view at each stage of a session, on a 1920×1080 projector and a 1280×720 laptop,
in English and French: everything fits without scrolling, the join link and QR code come from the
server on the address participants reach (never the projector's localhost), and the screenshots
(Tests/artifacts/web-screen-*.png) are kept to be looked at."""
import re

import pytest

from test_web_session import browser  # noqa: F401 (the module-scoped Chromium fixture)
from web_support import MODERATOR_JS, ROOT, Moderator, shoot

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
DEMO = ROOT / "Workshops" / "demo-en.json"
PROJECTOR = {"width": 1920, "height": 1080}
PRESENTER = {"width": 1280, "height": 720}
IDEAS = ["Lights along the river path", "Night buses every 20 minutes", "A safe-walk phone line",
         "Bar staff trained in de-escalation", "Open late: libraries and youth centres",
         "Street wardens on Friday nights", "Benches that are not hostile", "Clear signs to taxi ranks",
         "A night mayor for the city"]


class Participant(Moderator):
    """A participant speaking the protocol from a page, as the scripted moderator does."""

    def __init__(self, page, server, name):
        self.page = page
        self.server = server
        page.goto(f"{server.url}/healthz")
        page.evaluate(MODERATOR_JS)
        page.evaluate("() => window.moderator.open()")
        answer = self.send("join", {"code": server.code, "name": name, "role": "resident", "language": "en"})
        assert "ack" in answer, answer
        self.page.wait_for_function("() => window.moderator.synced")


def fits(screen, stage, language):
    """At each size: no scrolling, every row of the stage inside the window; a screenshot each."""
    for name, size in (("projector", PROJECTOR), ("presenter", PRESENTER)):
        screen.set_viewport_size(size)
        screen.wait_for_function("(stage) => document.body.dataset.stage === stage", arg=stage)
        screen.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        height = screen.evaluate("() => innerHeight")
        assert screen.evaluate("() => document.scrollingElement.scrollHeight") <= height, f"{stage} scrolls at {name}"
        for row in screen.locator(".screen-panel li").all():
            box = row.bounding_box()
            assert box and box["y"] + box["height"] <= height + 1, f"{stage}: {row.inner_text()!r} is cut at {name}"
        # The join box is whole: its code and link are not pushed out of it.
        box = screen.locator(".join-box").bounding_box()
        for part in (".join-code", ".join-url", ".join-qr"):
            inner = screen.locator(part).bounding_box()
            assert inner["x"] + inner["width"] <= box["x"] + box["width"] + 1, f"{stage}: {part} is cut at {name}"
            assert box["x"] + box["width"] <= screen.evaluate("() => innerWidth"), f"{stage}: the join box is cut at {name}"
        shoot(screen, f"screen-{language}-{stage}-{name}")


@pytest.mark.parametrize("language,words", [
    ("en", {"paused": "Paused", "voted": "1 of 2 people has voted", "dots": "1 dot placed", "first": "#1",
            "proposal": "Keep one youth centre open until midnight"}),
    ("fr", {"paused": "En pause", "voted": "1 personne sur 2 a voté", "dots": "1 point placé", "first": "1er",
            "proposal": "Ouvrir une maison de jeunes jusqu’à minuit"}),
])
def test_every_stage_of_the_presenter_view_fits_the_screen(browser, live_server_factory, language, words):
    server = live_server_factory(workshop=DEMO, extra=["--new-session"])
    moderator = Moderator(browser.new_context().new_page(), server)
    anne = Participant(browser.new_context().new_page(), server, "Anne")
    Participant(browser.new_context().new_page(), server, "Bram")
    # The projector's browser uses localhost: the link it shows must not.
    screen = browser.new_context(viewport=PROJECTOR, locale="en-GB").new_page()
    errors = []
    screen.on("pageerror", lambda error: errors.append(str(error)))
    local = server.url.replace("127.0.0.1", "localhost")
    screen.goto(f"{local}/screen?code={server.code}&lang={language}#key={server.key}")

    moderator.command("start")
    screen.wait_for_selector(".join-qr:not([hidden])")
    expect(screen.locator(".join-url")).to_have_text(f"{server.url.removeprefix('http://')}/?code={server.code}")
    # The QR code is an image the server draws: it has loaded once it has a size.
    screen.wait_for_function("() => { const qr = document.querySelector('.join-qr'); return qr.complete && qr.naturalWidth > 0; }")
    assert screen.evaluate("() => new URL(document.querySelector('.join-qr').src).pathname") == "/qr.svg"
    expect(screen.locator(".alarm-toggle")).to_have_attribute("aria-pressed", "false")
    fits(screen, "programme", language)

    moderator.command("pause")
    expect(screen.locator(".paused-banner")).to_have_text(words["paused"])
    shoot(screen, f"screen-{language}-paused-presenter")
    moderator.command("resume")
    expect(screen.locator(".paused-banner")).to_be_hidden()

    moderator.command("goToSlot", {"slot": "rooms"})
    moderator.command("openRooms", {"mode": "random"})
    moderator.command("closeRooms", {"afterSeconds": 300})
    expect(screen.locator(".rooms-closing")).to_be_visible()
    closing = screen.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.rooms-closing')).fontSize)")
    room = screen.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.room-theme')).fontSize)")
    count = screen.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.room-count')).fontSize)")
    body = screen.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.screen-panel')).fontSize)")
    assert closing >= 40 and room >= body and room >= count
    fits(screen, "rooms", language)

    moderator.command("closeRooms", {"afterSeconds": None})
    moderator.command("goToSlot", {"slot": "vote"})
    for idea in IDEAS:
        moderator.command("addNote", {"prompt": "first-step", "text": idea})
    moderator.command("openVote", {"on": "boards", "hidden": True})
    vote = moderator.wait_for(lambda m: m.events("voteOpened"), "the vote")[-1]["id"]
    first = moderator.notes(IDEAS[3])[0]["id"]
    anne.command("placeDot", {"vote": vote, "item": first})
    expect(screen.locator(".vote-progress")).to_contain_text(words["voted"])
    expect(screen.locator(".vote-progress")).to_contain_text(words["dots"])
    # The workshop's three proposals come first, in the screen's language, then the notes.
    expect(screen.locator(".vote-options li")).to_have_count(3 + len(IDEAS))
    expect(screen.locator(".vote-options li").nth(3 + 3)).to_have_text(IDEAS[3])
    expect(screen.locator(".vote-options li").first).to_have_text(words["proposal"])
    assert screen.locator(".screen-panel .result-dots").count() == 0
    fits(screen, "vote", language)

    moderator.command("closeVote", {"vote": vote})
    moderator.command("revealVote", {"vote": vote})
    expect(screen.locator(".screen-panel .result")).to_have_count(3 + len(IDEAS))
    expect(screen.locator(".screen-panel .result").first).to_contain_text(IDEAS[3])
    expect(screen.locator(".screen-panel .result .rank").first).to_have_text(words["first"])
    fits(screen, "results", language)

    moderator.command("goToSlot", {"slot": "synthesis"})
    moderator.command("announce", {"text": "Coffee is served at the back"})
    for text in IDEAS[:4]:
        moderator.command("draftRecommendation", {"text": f"We recommend: {text.lower()}", "sources": []})
    expect(screen.locator(".screen-recs li")).to_have_count(4)
    expect(screen.locator(".screen-announcement")).to_contain_text("Coffee is served at the back")
    # Numbered: each draft is a list item with a decimal marker.
    assert screen.evaluate("() => getComputedStyle(document.querySelector('.screen-recs')).listStyleType") == "decimal"
    assert screen.evaluate("() => getComputedStyle(document.querySelector('.screen-recs li')).display") == "list-item"
    fits(screen, "recommendations", language)
    assert errors == []


def presenter_in_the_rooms(browser, live_server_factory, viewport):
    """A moderator and the presenter view of a new demo session, its breakout rooms open."""
    server = live_server_factory(workshop=DEMO, extra=["--new-session"])
    moderator = Moderator(browser.new_context().new_page(), server)
    screen = browser.new_context(viewport=viewport, locale="en-GB").new_page()
    screen.goto(f"{server.url}/screen?code={server.code}#key={server.key}")
    moderator.command("start")
    moderator.command("goToSlot", {"slot": "rooms"})
    moderator.command("openRooms", {"mode": "random"})
    return moderator, screen


def test_the_time_up_alarm_is_off_until_turned_on_and_then_flashes(browser, live_server_factory):
    moderator, screen = presenter_in_the_rooms(browser, live_server_factory, PRESENTER)
    moderator.command("closeRooms", {"afterSeconds": 2})
    screen.wait_for_selector(".rooms-closing:not([hidden])")
    screen.wait_for_selector(".rooms-closing", state="hidden", timeout=10000)
    assert "time-up" not in screen.evaluate("() => document.body.className")

    toggle = screen.locator(".alarm-toggle")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(toggle).to_have_text(re.compile("on"))
    moderator.command("openRooms", {"mode": "random"})
    moderator.command("closeRooms", {"afterSeconds": 2})
    screen.wait_for_function("() => document.body.classList.contains('time-up')", timeout=10000)
    shoot(screen, "screen-en-time-up-presenter")


def test_a_pause_holds_the_rooms_countdown_on_the_screen_and_resuming_runs_it_on(browser, live_server_factory):
    moderator, screen = presenter_in_the_rooms(browser, live_server_factory, PROJECTOR)
    moderator.command("closeRooms", {"afterSeconds": 4})
    closing = screen.locator(".rooms-closing")
    expect(closing).to_be_visible()

    moderator.command("pause")
    expect(closing).to_contain_text("paused")
    held = closing.inner_text()
    # Past the countdown's end: the rooms are still open and the countdown where the pause held it.
    screen.wait_for_timeout(5000)
    assert closing.inner_text() == held
    assert moderator.events("roomsClosed") == []
    shoot(screen, "screen-en-rooms-closing-paused-projector")

    moderator.command("resume")
    expect(closing).not_to_contain_text("paused")
    moderator.wait_for(lambda m: m.events("roomsClosed"), "the rooms closing once the held countdown ran out", 15)
    expect(closing).to_be_hidden()
