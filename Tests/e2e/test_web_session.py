"""The participant page and the presenter view in a real Chromium, against a real `atelier serve`.

Two browser participants and a scripted moderator run the demo workshop: join, breakout into
different rooms, notes that appear live only in the right room, a facilitator's group, a hidden
dot vote revealed as ranked bars, the plenary synthesis and the recommendation vote. Screenshots
of the main screens go to Tests/artifacts/web-*.png."""
import re

import pytest

from web_support import ROOT, Moderator, chromium_path, join_url, shoot

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
DEMO = ROOT / "Workshops" / "demo-en.json"
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.fail("Chromium is not installed: `make test` installs Debian's chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def server(live_server_factory):
    """A new session of the English demo workshop (conftest starts and stops the server)."""
    return live_server_factory(workshop=DEMO, extra=["--new-session"])


def new_page(browser, viewport=LAPTOP, locale="en-GB"):
    context = browser.new_context(viewport=viewport, locale=locale)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def join(page, server, name, role="resident", organisation="", language="en"):
    page.goto(join_url(server))
    page.wait_for_selector("#join-name")
    page.fill("#join-name", name)
    page.select_option("#join-role", role)
    page.fill("#join-organisation", organisation)
    page.select_option("#join-language", language)
    page.click("form.join button[type=submit]")
    page.wait_for_selector("body[data-phase=session][data-connection=online]")
    page.wait_for_function("() => document.body.dataset.participant !== ''")
    return page.evaluate("() => document.body.dataset.participant")


def add_note(page, prompt, text, colour=None):
    column = page.locator(f".column[data-prompt='{prompt}']")
    column.locator("textarea").fill(text)
    if colour:
        column.locator(f".composer .swatch.colour-{colour}").click()
    column.locator(".add-note").click()


def note(page, text):
    return page.locator(".note:not(.pending) .note-text", has_text=text)


def open_breakout(moderator):
    moderator.command("start")
    moderator.command("goToSlot", {"slot": "rooms"})
    moderator.command("openRooms", {"mode": "self"})


def bram_at_the_public_space_board(browser, server):
    """A moderator page, and Bram on a phone, in the public-space room of an open breakout."""
    moderator = Moderator(new_page(browser), server)
    bram = new_page(browser, PHONE)
    join(bram, server, "Bram")
    open_breakout(moderator)
    bram.click("[data-room='public-space']")
    bram.wait_for_selector(".column[data-prompt='change']")
    return moderator, bram


def test_a_short_session_from_join_to_final_ranking(browser, server):
    moderator = Moderator(new_page(browser), server)
    anne = new_page(browser, PHONE)
    bram = new_page(browser, LAPTOP, locale="fr-BE")
    screen = new_page(browser, {"width": 1280, "height": 720})

    # Join: the code comes from the link; Bram reads the page in French.
    anne.goto(join_url(server))
    anne.wait_for_selector("#join-name")
    assert anne.locator(".code-chip strong").inner_text() == server.code
    # The form comes from the session's preview: the workshop's title and its role labels.
    assert anne.locator("form.join h1").inner_text() == "Safer streets at night: a quick demo"
    assert anne.locator("#join-role option[value=elected-official]").inner_text() == "Elected official"
    shoot(anne, "01-join-phone")
    anne_id = join(anne, server, "Anne", role="elected-official", organisation="Ville de Liège")
    bram.goto(join_url(server))
    bram.wait_for_selector("#join-role")
    assert bram.locator("#join-role option[value=elected-official]").inner_text() == "Élu·e"
    bram_id = join(bram, server, "Bram", role="police-officer", language="fr")
    assert anne_id != bram_id
    assert bram.evaluate("() => document.documentElement.lang") == "fr"
    assert "Bientôt" in bram.locator(".slot-title").inner_text()

    screen.goto(f"{server.url}/screen?code={server.code}#key={server.key}")
    screen.wait_for_selector(".join-code")
    assert screen.locator(".join-code").inner_text() == server.code
    assert f"/?code={server.code}" in screen.locator(".join-url").inner_text()

    # Anne facilitates the night-economy room; rooms open by self-selection.
    moderator.command("appointFacilitator", {"participant": anne_id, "room": "night-economy"})
    open_breakout(moderator)
    bram.wait_for_selector("[data-room='public-space']")
    shoot(bram, "02-choose-room-laptop")
    bram.click("[data-room='public-space']")
    anne.wait_for_selector(".column[data-prompt='friction']")
    bram.wait_for_selector(".column[data-prompt='works']")
    countdown = anne.locator(".topbar .countdown").inner_text()
    assert re.fullmatch(r"1[45]:\d\d", countdown), countdown

    # Notes appear live in the right room only.
    add_note(anne, "friction", "Bars close at the same time and everyone spills out", colour="pink")
    add_note(bram, "works", "Les lampadaires LED du parc", colour="green")
    moderator.wait_for(lambda m: m.notes("Bars close at the same time and everyone spills out"), "Anne's note")
    moderator.wait_for(lambda m: m.notes("Les lampadaires LED du parc"), "Bram's note")
    moderator.command("addNote", {"board": "rooms/night-economy", "prompt": "friction", "text": "Night buses stop at 1am", "colour": "blue"})
    note(anne, "Night buses stop at 1am").wait_for()
    note(anne, "Bars close at the same time").wait_for()
    bram.wait_for_timeout(500)
    assert note(bram, "Night buses").count() == 0
    assert note(bram, "Bars close").count() == 0
    assert note(anne, "lampadaires").count() == 0
    assert anne.locator(".note.colour-pink .note-text", has_text="Bars close").count() == 1

    # Comments, then the facilitator groups two notes and names the group.
    buses = anne.locator(".note", has=anne.locator(".note-text", has_text="Night buses"))
    buses.locator(".comments-toggle").click()
    buses.locator(".comment-form input").fill("And taxis are rare")
    buses.locator(".comment-form button").click()
    moderator.wait_for(lambda m: [c for c in m.events("commentAdded") if c["text"] == "And taxis are rare"], "the comment")
    expect(buses.locator(".comments-toggle")).to_have_text("1 comment")
    for text in ("Night buses", "Bars close"):
        anne.locator(".note", has=anne.locator(".note-text", has_text=text)).locator(".select-note").check()
    anne.fill(".group-form input", "Getting home at night")
    anne.click(".group-form button[type=submit]")
    anne.locator(".cluster-name", has_text="Getting home at night").wait_for()
    assert anne.locator(".note-group", has_text="Getting home at night").count() == 2
    moderator.wait_for(lambda m: m.events("clusterNamed") or [c for c in m.events("clusterCreated") if c.get("name")], "the group")
    shoot(anne, "03-board-phone")
    shoot(bram, "04-board-laptop-fr")
    shoot(screen, "05-screen-breakout")

    # Back to plenary, a hidden dot vote on the three proposals of the vote slot.
    moderator.command("closeRooms", {"afterSeconds": None})
    moderator.command("goToSlot", {"slot": "vote"})
    moderator.command("openVote", {"on": "boards"})
    anne.wait_for_selector(".vote[data-status=open] .vote-item")
    bram.wait_for_selector(".vote[data-status=open] .vote-item")
    assert anne.locator(".vote-item").count() == 3
    assert anne.locator(".dots-left").get_attribute("data-left") == "3"
    items = anne.locator(".vote-item")
    items.nth(0).locator(".add-dot").click()
    anne.wait_for_selector(".dots-left[data-left='2']")
    items.nth(2).locator(".add-dot").click()
    anne.wait_for_selector(".dots-left[data-left='1']")
    assert items.nth(0).locator(".add-dot").is_disabled()  # at most one dot per item here
    items.nth(2).locator(".remove-dot").click()  # take one back
    anne.wait_for_selector(".dots-left[data-left='2']")
    items.nth(1).locator(".add-dot").click()
    anne.wait_for_selector(".dots-left[data-left='1']")
    bram.locator(".vote-item").nth(1).locator(".add-dot").click()
    bram.wait_for_selector(".dots-left[data-left='2']")
    # Totals stay hidden from everyone until the reveal.
    assert anne.locator(".vote .item-total:visible").count() == 0
    assert anne.locator(".results").count() == 0
    screen.wait_for_selector(".vote-progress")
    assert screen.locator(".results").count() == 0
    shoot(anne, "06-vote-phone")
    shoot(screen, "07-screen-vote-hidden")

    vote = moderator.events("voteOpened")[-1]["id"]
    moderator.command("revealVote", {"vote": vote})
    anne.wait_for_selector(".vote[data-status=revealed] .results .result")
    ranked = anne.locator(".vote .results .result")
    assert ranked.count() == 3
    assert "Train bar staff" in ranked.nth(0).inner_text()
    assert "2 dots" in ranked.nth(0).locator(".result-dots").inner_text()
    assert ranked.nth(0).locator(".rank").inner_text() == "#1"
    expect(bram.locator(".vote .results .result").nth(0).locator(".result-dots")).to_have_text("2 points")
    screen.wait_for_selector(".screen-panel .results .result")
    shoot(anne, "08-results-phone")
    shoot(screen, "09-screen-results")

    # Plenary synthesis: each room's promoted items, draft recommendations, a vote, the final ranking.
    moderator.command("goToSlot", {"slot": "synthesis"})
    anne_note = moderator.notes("Bars close at the same time and everyone spills out")[0]["id"]
    bram_note = moderator.notes("Les lampadaires LED du parc")[0]["id"]
    moderator.command("promote", {"source": {"note": anne_note}, "text": "Stagger closing times of bars"})
    moderator.command("promote", {"source": {"note": bram_note}, "text": "LED lighting in every park"})
    promoted = [e["id"] for e in moderator.events("itemPromoted")]
    moderator.command("draftRecommendation", {"text": "Agree staggered closing hours with bar owners", "sources": [{"promoted": promoted[0]}]})
    moderator.command("draftRecommendation", {"text": "Light park paths with warm LED lamps", "sources": [{"promoted": promoted[1]}]})
    anne.locator(".recommendation .rec-text", has_text="warm LED").wait_for()
    rooms = anne.locator(".promoted-room h4").all_inner_texts()
    assert rooms == ["Night-time economy and noise", "Lighting and design of public space"]
    assert "Night-time economy and noise" in anne.locator(".recommendation", has_text="staggered").locator(".rec-sources").inner_text()
    expect(bram.locator(".recommendation", has_text="staggered").locator(".rec-sources")).to_contain_text("Vie nocturne et bruit")
    moderator.command("openVote", {"on": "recommendations", "dotsPerPerson": 2, "maxDotsPerItem": 2, "hidden": True})
    anne.wait_for_selector(".vote[data-status=open] .vote-item")
    anne.locator(".vote-item", has_text="warm LED").locator(".add-dot").click()
    anne.wait_for_selector(".dots-left[data-left='1']")
    anne.locator(".vote-item", has_text="warm LED").locator(".add-dot").click()
    anne.wait_for_selector(".dots-left[data-left='0']")
    assert anne.locator(".vote-item", has_text="staggered").locator(".add-dot").is_disabled()
    bram.wait_for_selector(".vote[data-status=open] .vote-item")
    bram.locator(".vote-item", has_text="staggered").locator(".add-dot").click()
    bram.wait_for_selector(".dots-left[data-left='1']")
    shoot(bram, "10-synthesis-vote-laptop-fr")
    rec_vote = moderator.events("voteOpened")[-1]["id"]
    moderator.command("revealVote", {"vote": rec_vote})
    anne.wait_for_selector(".final-ranking .result")
    final = anne.locator(".final-ranking .result")
    assert "warm LED" in final.nth(0).inner_text() and "2 dots" in final.nth(0).inner_text()
    assert "staggered" in final.nth(1).inner_text()
    screen.wait_for_selector(".screen-panel .results .result")
    expect(screen.locator(".screen-panel .results .result").nth(0)).to_contain_text("warm LED")
    shoot(anne, "11-final-phone")
    shoot(bram, "12-final-laptop-fr")
    shoot(screen, "13-screen-final")

    for page in (anne, bram, screen):
        assert page.errors == [], page.errors


def test_a_reload_rejoins_the_same_identity_silently(browser, server):
    moderator = Moderator(new_page(browser), server)
    anne = new_page(browser, PHONE)
    anne_id = join(anne, server, "Anne", role="resident")
    open_breakout(moderator)
    anne.click("[data-room='night-economy']")
    add_note(anne, "presence", "Street mediators on Friday nights")
    note(anne, "Street mediators").wait_for()

    anne.reload()
    anne.wait_for_selector("body[data-phase=session][data-connection=online]")
    note(anne, "Street mediators").wait_for()
    assert anne.evaluate("() => document.body.dataset.participant") == anne_id
    assert anne.locator("#join-name").count() == 0
    mine = anne.locator(".note.mine", has=anne.locator(".note-text", has_text="Street mediators"))
    assert mine.locator(".edit").is_visible()
    assert len(moderator.events("participantJoined")) == 2  # the moderator and Anne, once

    # The same person can edit their note after the reload.
    mine.locator(".edit").click()
    mine.locator(".note-editor textarea").fill("Street mediators on Friday and Saturday nights")
    mine.locator(".note-editor button[type=submit]").click()
    moderator.wait_for(lambda m: [e for e in m.events("noteEdited") if "Saturday" in e["text"]], "the edit")
    assert anne.errors == []


def test_a_note_typed_offline_is_sent_once_when_the_connection_returns(browser, server):
    moderator, bram = bram_at_the_public_space_board(browser, server)

    bram.context.set_offline(True)
    bram.wait_for_selector("body[data-connection=offline]")
    add_note(bram, "change", "Benches that do not face the wall")
    bram.wait_for_selector(".note.pending")
    assert "1 change waiting" in bram.locator(".connection").inner_text()
    shoot(bram, "14-offline-phone")
    bram.wait_for_timeout(1000)
    assert moderator.notes("Benches that do not face the wall") == []

    bram.context.set_offline(False)
    moderator.wait_for(lambda m: m.notes("Benches that do not face the wall"), "the offline note")
    bram.wait_for_selector(".note.pending", state="detached")
    bram.wait_for_timeout(1500)
    assert len(moderator.notes("Benches that do not face the wall")) == 1
    assert note(bram, "Benches that do not face").count() == 1
    bram.reload()
    bram.wait_for_selector("body[data-phase=session][data-connection=online]")
    note(bram, "Benches that do not face").wait_for()
    bram.wait_for_timeout(1000)
    assert note(bram, "Benches that do not face").count() == 1
    assert len(moderator.notes("Benches that do not face the wall")) == 1
    assert bram.errors == []


def test_a_note_whose_ack_was_lost_is_not_sent_again(browser, server):
    moderator, bram = bram_at_the_public_space_board(browser, server)

    # The frame leaves, then the link drops before the ack can arrive: the server has the note,
    # the page does not know it. After the resync it must find it in the log and not resend.
    bram.evaluate("""() => {
      const socket = window.atelier.live.connection.socket;
      const send = socket.send.bind(socket);
      socket.send = (data) => { send(data); if (data.includes('addNote')) socket.close(); };
    }""")
    add_note(bram, "change", "A bus shelter with light")
    moderator.wait_for(lambda m: m.notes("A bus shelter with light"), "the note")
    bram.wait_for_selector("body[data-connection=online]")
    note(bram, "A bus shelter with light").wait_for()
    bram.wait_for_timeout(1500)
    assert len(moderator.notes("A bus shelter with light")) == 1
    assert note(bram, "A bus shelter with light").count() == 1
    assert bram.evaluate("() => window.atelier.live.outbox.size") == 0

    # The frame never leaves: the note is sent once after the reconnect.
    bram.evaluate("""() => {
      const socket = window.atelier.live.connection.socket;
      socket.send = (data) => { if (data.includes('addNote')) socket.close(); };
    }""")
    add_note(bram, "change", "Wider pavements near the school")
    moderator.wait_for(lambda m: m.notes("Wider pavements near the school"), "the resent note")
    bram.wait_for_timeout(1500)
    assert len(moderator.notes("Wider pavements near the school")) == 1
    assert note(bram, "Wider pavements near the school").count() == 1
    assert bram.errors == []


def test_a_note_the_server_was_unavailable_for_is_sent_again_by_the_page_and_done_once(browser, server):
    moderator, bram = bram_at_the_public_space_board(browser, server)

    # As a relay answers when the server running the session is away: the first try never reaches
    # it and is answered `server.unavailable`; the second reaches it but is answered the same. The
    # page sends again what waits, under the same key, until it is answered or its note is seen.
    bram.evaluate("""() => {
      const connection = window.atelier.live.connection;
      const socket = connection.socket;
      const send = socket.send.bind(socket);
      let tries = 0;
      socket.send = (data) => {
        const message = JSON.parse(data);
        if (!message.command?.addNote) return send(data);
        tries += 1;
        window.sentNotes = [...(window.sentNotes || []), message];
        if (tries === 2) send(data);
        if (tries <= 2) {
          connection.receive(JSON.stringify({ error: message.id, code: 'server.unavailable', message: 'Away', now: Date.now() }));
          return;
        }
        send(data);
      };
    }""")
    add_note(bram, "change", "Seats in the shade")
    moderator.wait_for(lambda m: m.notes("Seats in the shade"), "the note")
    bram.wait_for_function("() => window.atelier.live.outbox.size === 0", timeout=20000)
    bram.wait_for_timeout(1000)
    sent = bram.evaluate("() => window.sentNotes")
    # The third try is not made: the page sees the second's note in the log.
    assert len(sent) == 2 and sent[0]["once"] == sent[1]["once"]
    assert len(moderator.notes("Seats in the shade")) == 1
    assert note(bram, "Seats in the shade").count() == 1
    assert bram.locator(".toast").count() == 0
    assert bram.errors == []


def test_the_page_asks_for_its_catch_up_compressed_and_shows_every_note_it_holds(browser, server):
    moderator = Moderator(new_page(browser), server)
    moderator.command("start")
    moderator.command("goToSlot", {"slot": "vote"})
    for index in range(30):
        moderator.command("addNote", {"prompt": "first-step", "text": f"Expectation number {index}"})
    anne = new_page(browser, PHONE)
    sent, binary = [], []

    def watch(socket):
        socket.on("framesent", lambda payload: sent.append(payload))
        socket.on("framereceived", lambda payload: isinstance(payload, bytes) and binary.append(payload))
    anne.on("websocket", watch)
    join(anne, server, "Anne")

    assert any('"compress":"deflate-raw"' in frame for frame in sent if isinstance(frame, str) and '"join"' in frame)
    assert binary, "no compressed part of the catch-up"
    for index in (0, 29):
        note(anne, f"Expectation number {index}").wait_for()
    anne.reload()
    anne.wait_for_selector("body[data-phase=session][data-connection=online]")
    note(anne, "Expectation number 29").wait_for()
    assert note(anne, "Expectation number").count() == 30
    assert anne.errors == []


def test_a_page_whose_stored_identity_the_server_does_not_know_goes_back_to_the_join_form(browser, server):
    anne = new_page(browser, PHONE)
    join(anne, server, "Anne")
    # As after the organiser started the session over on a new database: the token means nothing.
    anne.evaluate("""(code) => {
      const key = Object.keys(localStorage).find((k) => k.endsWith(`:participant:${code}`));
      localStorage.setItem(key, JSON.stringify({ ...JSON.parse(localStorage.getItem(key)), token: '0'.repeat(32) }));
    }""", server.code)
    anne.reload()
    anne.wait_for_selector("#join-name")
    assert anne.locator("body").get_attribute("data-phase") == "join"
    join(anne, server, "Anne again")
    assert anne.errors == []


def test_user_text_is_shown_as_inert_text(browser, server):
    moderator = Moderator(new_page(browser), server)
    anne = new_page(browser, PHONE)
    bram = new_page(browser, LAPTOP)
    join(anne, server, "<b>Anne</b><img src=x onerror=\"window.__pwned='name'\">")
    join(bram, server, "Bram")
    open_breakout(moderator)
    anne.click("[data-room='night-economy']")
    bram.click("[data-room='night-economy']")
    script = "<script>window.__pwned='script'</script>"
    image = "<img src=x onerror=\"window.__pwned='img'\">"
    add_note(anne, "friction", script)
    add_note(anne, "presence", image)
    moderator.command("announce", {"text": "<svg onload=\"window.__pwned='svg'\"></svg> Back at 10:30"})
    for page in (anne, bram):
        note(page, "window.__pwned='script'").wait_for()
        note(page, "onerror").wait_for()
        page.locator(".announcement-list .text", has_text="Back at 10:30").wait_for()
        texts = page.locator(".note-text").all_text_contents()
        assert script in texts and image in texts
        assert page.locator("#app img, #app script, #app svg, #app b").count() == 0
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.__pwned") is None
    bram_note = bram.locator(".note", has=bram.locator(".note-text", has_text="onerror"))
    assert bram_note.locator(".note-author").inner_text().startswith("<b>Anne</b>")
    shoot(bram, "15-inert-text-laptop")


UNLABELLED = """() => Array.from(document.querySelectorAll('input, select, textarea, button'))
  .filter((el) => el.offsetParent !== null)
  .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim())
  .map((el) => el.outerHTML.slice(0, 80))"""


def tab_to(page, selector, limit=40):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_the_page_works_from_the_keyboard_with_labelled_controls(browser, server):
    moderator = Moderator(new_page(browser), server)
    page = new_page(browser, PHONE)
    page.goto(join_url(server))
    page.wait_for_selector("#join-name")
    assert page.evaluate(UNLABELLED) == []
    join(page, server, "Kim")
    open_breakout(moderator)
    page.wait_for_selector("[data-room='night-economy']")
    tab_to(page, "[data-room='night-economy']")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "focus is not visible"
    page.keyboard.press("Enter")
    page.wait_for_selector(".column[data-prompt='friction']")
    tab_to(page, ".column[data-prompt='friction'] textarea")
    page.keyboard.type("Typed without a mouse")
    page.keyboard.press("Control+Enter")
    note(page, "Typed without a mouse").wait_for()
    moderator.wait_for(lambda m: m.notes("Typed without a mouse"), "the keyboard note")
    assert page.evaluate(UNLABELLED) == []


def test_the_presenter_screen_opens_whatever_the_projectors_language(browser, server):
    # The demo workshop offers English and French; a Dutch browser still shows the screen.
    screen = new_page(browser, {"width": 1280, "height": 720}, locale="nl-BE")
    screen.goto(f"{server.url}/screen?code={server.code}#key={server.key}")
    screen.wait_for_selector(".join-code")
    assert screen.locator(".join-code").inner_text() == server.code
    assert screen.errors == []


def test_a_page_reloaded_after_the_end_shows_how_it_ended(browser, server):
    moderator = Moderator(new_page(browser), server)
    anne = new_page(browser, PHONE)
    join(anne, server, "Anne")
    moderator.command("start")
    moderator.command("draftRecommendation", {"text": "Light the underpass all night", "sources": []})
    moderator.command("end")
    anne.wait_for_selector("text=The session has ended")
    anne.reload()
    anne.wait_for_selector("body[data-phase=session][data-connection=online]")
    anne.wait_for_selector("text=The session has ended")
    assert "Light the underpass all night" in anne.locator(".recommendations").inner_text()
    shoot(anne, "16-ended-after-reload-phone")
    assert anne.errors == []
