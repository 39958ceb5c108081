"""Every main screen passes axe-core with no violation: the participant's join form, plenary,
board, vote, results, synthesis and end, on a phone in English and a laptop in French, and the
presenter screen at 1920×1080 at each stage (the key form included). Screenshots of each stage go
to Tests/artifacts/web-a11y-*.png."""
import pytest

from test_web_session import PHONE, LAPTOP, add_note, browser, join, new_page, open_breakout, server  # noqa: F401
from web_support import Moderator, axe_violations, join_url, shoot

PROJECTOR = {"width": 1920, "height": 1080}


def check(pages, stage, found):
    for name, page in pages.items():
        found += axe_violations(page, f"{stage} ({name})")
        shoot(page, f"a11y-{stage}-{name}")


def test_every_main_screen_has_no_axe_violation(browser, server):
    found = []
    moderator = Moderator(new_page(browser), server)
    anne = new_page(browser, PHONE)
    bram = new_page(browser, LAPTOP, locale="fr-BE")
    key_form = new_page(browser, PROJECTOR)

    key_form.goto(f"{server.url}/screen?code={server.code}")
    key_form.wait_for_selector("#screen-key")
    anne.goto(join_url(server))
    anne.wait_for_selector("#join-name")
    bram.goto(join_url(server))
    bram.wait_for_selector("#join-name")
    check({"phone-en": anne, "laptop-fr": bram, "presenter": key_form}, "join", found)

    screen = new_page(browser, PROJECTOR)
    screen.goto(f"{server.url}/screen?code={server.code}#key={server.key}")
    screen.wait_for_selector(".join-code")
    join(anne, server, "Anne")
    join(bram, server, "Bram", language="fr")
    moderator.command("start")
    check({"phone-en": anne, "laptop-fr": bram, "presenter": screen}, "plenary", found)

    moderator.command("goToSlot", {"slot": "rooms"})
    moderator.command("openRooms", {"mode": "self"})
    anne.click("[data-room='night-economy']")
    bram.click("[data-room='public-space']")
    anne.wait_for_selector(".column[data-prompt='friction']")
    bram.wait_for_selector(".column[data-prompt='works']")
    add_note(anne, "friction", "Bars close at the same time", colour="pink")
    add_note(bram, "works", "Les lampadaires LED du parc")
    moderator.wait_for(lambda m: m.notes("Les lampadaires LED du parc"), "Bram's note")
    check({"phone-en": anne, "laptop-fr": bram, "presenter": screen}, "board", found)

    moderator.command("closeRooms", {"afterSeconds": None})
    moderator.command("goToSlot", {"slot": "vote"})
    moderator.command("openVote", {"on": "boards"})
    for page in (anne, bram):
        page.wait_for_selector(".vote[data-status=open] .vote-item")
        page.locator(".vote-item").nth(0).locator(".add-dot").click()
    anne.wait_for_selector(".dots-left[data-left='2']")
    screen.wait_for_selector(".vote-progress")
    check({"phone-en": anne, "laptop-fr": bram, "presenter": screen}, "vote", found)

    moderator.command("revealVote", {"vote": moderator.events("voteOpened")[-1]["id"]})
    for page in (anne, bram, screen):
        page.wait_for_selector(".results .result")
    check({"phone-en": anne, "laptop-fr": bram, "presenter": screen}, "results", found)

    moderator.command("goToSlot", {"slot": "synthesis"})
    moderator.command("promote", {"source": {"note": moderator.notes("Bars close at the same time")[0]["id"]}, "text": "Stagger closing times"})
    promoted = moderator.events("itemPromoted")[-1]["id"]
    moderator.command("draftRecommendation", {"text": "Agree closing hours with bar owners", "sources": [{"promoted": promoted}]})
    moderator.command("draftRecommendation", {"text": "Light park paths at night", "sources": []})
    anne.locator(".recommendation .rec-text", has_text="Light park").wait_for()
    bram.locator(".recommendation .rec-text", has_text="Light park").wait_for()
    check({"phone-en": anne, "laptop-fr": bram, "presenter": screen}, "synthesis", found)

    moderator.command("end")
    anne.wait_for_selector("text=The session has ended")
    bram.wait_for_selector(".recommendations")
    check({"phone-en": anne, "laptop-fr": bram, "presenter": screen}, "end", found)
    assert not found, "\n".join(found)


def french_bram_at_the_works_column(browser, server):
    """Bram, on a phone in French, at the first column of the public-space room of an open breakout."""
    moderator = Moderator(new_page(browser), server)
    bram = new_page(browser, PHONE, locale="fr-BE")
    join(bram, server, "Bram", language="fr")
    open_breakout(moderator)
    bram.click("[data-room='public-space']")
    column = bram.locator(".column[data-prompt='works']")
    column.wait_for()
    return bram, column


def test_the_colour_choice_is_a_radio_group_named_in_the_readers_language(browser, server):
    _, column = french_bram_at_the_works_column(browser, server)
    group = column.get_by_role("radiogroup", name="Couleur de la note")
    assert group.count() == 1
    assert group.get_by_role("radio").count() == 6


def test_focus_stays_in_the_vote_row_when_its_plus_button_becomes_disabled(browser, server):
    moderator = Moderator(new_page(browser), server)
    anne = new_page(browser, PHONE)
    join(anne, server, "Anne")
    moderator.command("start")
    moderator.command("goToSlot", {"slot": "vote"})
    moderator.command("openVote", {"on": "boards"})
    anne.wait_for_selector(".vote[data-status=open] .vote-item")
    first = anne.locator(".vote-item").nth(0)
    first.locator(".add-dot").focus()
    anne.keyboard.press("Enter")  # one dot per item here: "+" is disabled once it is placed
    anne.wait_for_selector(".dots-left[data-left='2']")
    assert first.locator(".add-dot").is_disabled()
    assert anne.evaluate("() => document.activeElement.matches('.vote-item .remove-dot')")
    anne.keyboard.press("Enter")  # and "−" takes the dot back from there
    anne.wait_for_selector(".dots-left[data-left='3']")
    assert anne.evaluate("() => document.activeElement.matches('.vote-item .add-dot')")


def invalid_state(page, selector):
    """Whether the control says it is invalid, and the texts of what it is described by."""
    return page.evaluate("""(selector) => {
      const control = document.querySelector(selector);
      const ids = (control.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
      const notes = ids.map((id) => document.getElementById(id)).filter((el) => el && el.offsetHeight > 0);
      return { invalid: control.getAttribute('aria-invalid'), described: notes.map((el) => el.textContent),
               alerts: notes.filter((el) => el.getAttribute('role') === 'alert').length,
               focused: document.activeElement === control };
    }""", selector)


@pytest.mark.parametrize("locale, language, code, name, role", [
    ("en-GB", "en", "Please enter the join code.", "Please enter your name.", "Please choose your role."),
    ("fr-BE", "fr", "Indiquez le code de la session.", "Indiquez votre nom.", "Choisissez votre rôle."),
])
def test_an_empty_required_join_field_is_marked_invalid_with_a_message_read_with_it(browser, server, locale, language, code, name, role):
    page = new_page(browser, PHONE, locale=locale)
    page.goto(server.url + "/")
    page.wait_for_selector("#join-code")
    page.click("form.join button[type=submit]")
    state = invalid_state(page, "#join-code")
    assert state["invalid"] == "true" and state["focused"]
    assert state["described"] == ["The code on the screen or in your invitation, for example K7M2QX." if language == "en"
                                  else "Le code affiché à l’écran ou dans votre invitation, par exemple K7M2QX.", code]
    assert state["alerts"] == 1
    found = axe_violations(page, f"empty code ({language})")
    shoot(page, f"a11y-join-empty-code-{language}")
    page.fill("#join-code", server.code)
    assert invalid_state(page, "#join-code")["invalid"] is None
    page.click("form.join button[type=submit]")
    page.wait_for_selector("#join-name")
    page.fill("#join-name", "")
    page.click("form.join button[type=submit]")
    assert invalid_state(page, "#join-name") == {"invalid": "true", "described": [name], "alerts": 1, "focused": True}
    assert invalid_state(page, "#join-role") == {"invalid": "true", "described": [role], "alerts": 1, "focused": False}
    found += axe_violations(page, f"empty name and role ({language})")
    shoot(page, f"a11y-join-empty-fields-{language}")
    page.fill("#join-name", "Anne")
    assert invalid_state(page, "#join-name") == {"invalid": None, "described": [], "alerts": 0, "focused": True}
    assert invalid_state(page, "#join-role")["invalid"] == "true"
    assert not found, "\n".join(found)


def test_an_empty_note_is_marked_invalid_with_a_message_read_with_it(browser, server):
    bram, column = french_bram_at_the_works_column(browser, server)
    column.locator(".add-note").click()
    textarea = ".column[data-prompt='works'] textarea"
    assert invalid_state(bram, textarea) == {"invalid": "true", "described": ["Écrivez d’abord votre note."], "alerts": 1, "focused": True}
    found = axe_violations(bram, "empty note (fr)")
    shoot(bram, "a11y-board-empty-note-fr")
    column.locator("textarea").fill("Des bancs à l’ombre")
    assert invalid_state(bram, textarea)["invalid"] is None
    assert not found, "\n".join(found)


# Every control a finger can aim at, measured as the area that answers a tap: a radio button or a
# checkbox with its labels (the colour swatches are labels of hidden radios). WCAG 2.5.5 (Target
# Size, enhanced: 44×44 CSS px) applies, with its inline exception: a link inside running text
# (its block holds more text than the link) is exempt.
SMALL_TARGETS = r"""() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])';
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const box = (rects) => {
    const list = rects.filter((r) => r.width > 1 && r.height > 1);
    if (!list.length) return null;
    const left = Math.min(...list.map((r) => r.left)), right = Math.max(...list.map((r) => r.right));
    const top = Math.min(...list.map((r) => r.top)), bottom = Math.max(...list.map((r) => r.bottom));
    return { width: right - left, height: bottom - top };
  };
  const inline = (el) => {
    if (el.tagName !== 'A') return false;
    const block = el.closest('p, li, td, dd');
    return !!block && block.textContent.trim().length > el.textContent.trim().length;
  };
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!visible(el) || el.disabled && el.tagName === 'INPUT' || inline(el)) continue;
    const parts = [el, ...(el.labels || [])].filter(visible).map((part) => part.getBoundingClientRect());
    const size = box(parts);
    if (size == null) continue;
    if (size.width < 44 || size.height < 44) {
      const name = el.getAttribute('aria-label') || el.textContent.trim() || el.id || el.className;
      small.push(`${el.tagName.toLowerCase()} "${name.slice(0, 30)}" ${Math.round(size.width)}×${Math.round(size.height)}`);
    }
  }
  return small;
}"""


def small_targets(page, screen):
    return [f"{screen}: {target}" for target in page.evaluate(SMALL_TARGETS)]


def test_every_control_on_a_phone_is_at_least_44_px_square(browser, server):
    moderator = Moderator(new_page(browser), server)
    anne = new_page(browser, PHONE)
    anne.goto(server.url + "/")
    anne.wait_for_selector("#join-code")
    found = small_targets(anne, "join code")
    anne.goto(join_url(server))
    anne.wait_for_selector("#join-name")
    found += small_targets(anne, "join details")
    join(anne, server, "Anne")
    open_breakout(moderator)
    found += small_targets(anne, "room choice")
    anne.click("[data-room='night-economy']")
    anne.wait_for_selector(".column[data-prompt='friction']")
    add_note(anne, "friction", "Bars close at the same time")
    anne.locator(".note:not(.pending) .note-text", has_text="Bars close").wait_for()
    found += small_targets(anne, "board")
    moderator.command("closeRooms", {"afterSeconds": None})
    moderator.command("goToSlot", {"slot": "vote"})
    moderator.command("openVote", {"on": "boards"})
    anne.wait_for_selector(".vote[data-status=open] .vote-item")
    anne.locator(".vote-item").nth(0).locator(".add-dot").click()
    anne.wait_for_selector(".dots-left[data-left='2']")
    found += small_targets(anne, "vote")
    shoot(anne, "a11y-targets-vote-phone")
    assert not found, "\n".join(found)


# WCAG 1.4.11 (non-text contrast): the edges of a field and of a button stand out at 3:1 from the
# card they sit on. axe checks the text (1.4.3); this checks the boxes.
BOX_CONTRASTS = r"""() => {
  const rgb = (value) => (value.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
  const luminance = ([r, g, b]) => {
    const c = [r, g, b].map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const card = rgb(getComputedStyle(document.querySelector('.key-form')).backgroundColor);
  return Array.from(document.querySelectorAll('.key-form input, .key-form button')).map((el) => {
    const style = getComputedStyle(el);
    const edge = Math.max(ratio(rgb(style.borderTopColor), card), ratio(rgb(style.backgroundColor), card));
    return [el.id || el.textContent, Math.round(edge * 100) / 100];
  });
}"""
PRESENTER = {"width": 1280, "height": 720}


@pytest.mark.parametrize("viewport", [PROJECTOR, PRESENTER], ids=["1920x1080", "1280x720"])
def test_the_presenters_key_form_is_readable_and_passes_axe_before_and_after_a_wrong_key(browser, server, viewport):
    page = new_page(browser, viewport)
    page.goto(f"{server.url}/screen?code={server.code}")
    page.wait_for_selector("#screen-key")
    found = axe_violations(page, "key form")
    found += [f"key form: {name} {ratio}:1" for name, ratio in page.evaluate(BOX_CONTRASTS) if ratio < 3]
    shoot(page, f"a11y-key-form-{viewport['width']}")
    page.fill("#screen-key", "not-the-key")
    page.click(".key-form button[type=submit]")
    page.locator(".key-form .error", has_text="key").wait_for()
    found += axe_violations(page, "wrong key")
    found += [f"wrong key: {name} {ratio}:1" for name, ratio in page.evaluate(BOX_CONTRASTS) if ratio < 3]
    shoot(page, f"a11y-key-form-wrong-key-{viewport['width']}")
    assert page.evaluate("() => document.documentElement.scrollHeight <= innerHeight")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language, title, sections", [
    ("en", "Accessibility statement", ["Compliance status", "Non-accessible content", "What was tested and how",
                                      "Preparation of this statement", "Feedback and contact information", "Enforcement procedure"]),
    ("fr", "Déclaration d’accessibilité", ["État de conformité", "Contenus non accessibles", "Ce qui a été testé et comment",
                                          "Établissement de cette déclaration", "Retour d’information et coordonnées", "Procédure de mise en œuvre"]),
    ("nl", "Toegankelijkheidsverklaring", ["Nalevingsstatus", "Niet-toegankelijke inhoud", "Wat getest is en hoe",
                                          "Opstelling van deze verklaring", "Feedback en contactgegevens", "Handhavingsprocedure"]),
])
def test_the_accessibility_statement_follows_the_eu_model_in_each_language(browser, server, language, title, sections):
    status, headers, _ = server.get(f"/accessibility?lang={language}")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in headers["Content-Security-Policy"] and headers["Cache-Control"] == "no-cache"
    found = []
    for viewport in (PHONE, PROJECTOR):
        page = new_page(browser, viewport)
        page.goto(f"{server.url}/accessibility?lang={language}")
        page.get_by_role("heading", level=1, name=title).wait_for()
        assert page.evaluate("() => document.documentElement.lang") == language
        assert page.locator("main h2").all_text_contents() == sections
        assert page.locator("main li").count() == 9
        found += axe_violations(page, f"statement ({language}, {viewport['width']})")
        shoot(page, f"a11y-statement-{language}-{viewport['width']}")
        assert not page.errors
    assert not found, "\n".join(found)


def test_the_join_form_and_the_end_screen_link_to_the_statement_in_the_readers_language(browser, server):
    moderator = Moderator(new_page(browser), server)
    bram = new_page(browser, PHONE, locale="fr-BE")
    bram.goto(join_url(server))
    bram.wait_for_selector("#join-name")
    bram.locator("footer a", has_text="Accessibilité").click()
    bram.get_by_role("heading", level=1, name="Déclaration d’accessibilité").wait_for()
    join(bram, server, "Bram", language="fr")
    assert bram.locator("footer a", has_text="Accessibilité").count() == 0
    moderator.command("start")
    moderator.command("end")
    bram.locator("footer a", has_text="Accessibilité").click()
    bram.get_by_role("heading", level=1, name="Déclaration d’accessibilité").wait_for()
