"""The join form and what it tells before anyone gives a name (the privacy notice and its full
page), and what reaches the plenary: a promoted group with its notes, on the participants' page and
the presenter's. In the reader's language, on a phone and a 1920×1080 screen. Screenshots go to Tests/artifacts/web-join-*.png."""
import pytest

from web_support import join_url, shoot
from test_screen import fits
from test_web_room import two_rooms_with_a_note_each
from test_web_session import PHONE, add_note, browser, new_page, note, server  # noqa: F401 (fixtures)

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
PROJECTOR = {"width": 1920, "height": 1080}


def open_join_form(page, server, language):
    page.goto(join_url(server))
    page.wait_for_selector("#join-name")
    page.select_option("#join-language", language)
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("viewport, language, expected", [
    (PHONE, "en", ["What is recorded: your name, role and organisation, and the notes, comments and votes you give.",
                   "Who sees it: participants see your name beside your notes and comments unless you post anonymously; "
                   "the moderators see everyone's name, role and organisation; the published synthesis never names anyone.",
                   "Atelier demo commits to keep names no longer than 30 days after the session.",
                   "Questions, access or erasure: Atelier demo, privacy@atelier.example."]),
    (PROJECTOR, "fr", ["Ce qui est enregistré : votre nom, votre rôle et votre organisation, ainsi que vos notes, commentaires et votes.",
                       "Qui le voit : les participants voient votre nom à côté de vos notes et commentaires, sauf si vous publiez "
                       "anonymement ; les modérateurs voient le nom, le rôle et l’organisation de chacun ; la synthèse publiée ne nomme "
                       "jamais personne.",
                       "Atelier demo s’engage à ne pas garder les noms plus de 30 jours après la session.",
                       "Questions, accès ou effacement : Atelier demo, privacy@atelier.example."]),
], ids=["phone-en", "projector-fr"])
def test_the_join_form_says_what_is_recorded_who_sees_it_how_long_and_whom_to_ask_before_the_name(browser, server, viewport, language, expected):
    page = new_page(browser, viewport)
    open_join_form(page, server, language)
    notice = page.locator("form.join .privacy-notice")
    assert notice.locator("li").all_inner_texts() == expected
    # Told before the join button, and the whole notice reachable on a phone without a wider screen.
    fields = page.locator("form.join > *").evaluate_all("(els) => els.map((e) => e.className || e.tagName)")
    assert fields.index("privacy-notice") < len(fields) - 1
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    link = notice.locator("a.privacy-link")
    assert link.get_attribute("href") == f"/privacy.html?code={server.code}&lang={language}"
    shoot(page, f"join-01-privacy-notice-{language}-{viewport['width']}")
    assert page.errors == []


@pytest.mark.parametrize("viewport, language, heading, lines", [
    (PHONE, "fr", "Notice de confidentialité",
     ["Atelier demo organise cet atelier et décide de l’usage de ce que vous donnez. Contact : Atelier demo, privacy@atelier.example.",
      "Atelier demo s’engage à supprimer les noms et organisations au plus tard 30 jours après la session. Les notes, "
      "commentaires et votes restent dans la synthèse, sans nom."]),
    (PROJECTOR, "nl", "Privacyverklaring",
     ["Atelier demo organiseert deze workshop en beslist wat er gebeurt met wat u geeft. Contact: Atelier demo, privacy@atelier.example.",
      "Atelier demo verbindt zich ertoe namen en organisaties uiterlijk 30 dagen na de sessie te verwijderen. Notities, "
      "opmerkingen en stemmen blijven in de synthese, zonder namen."]),
], ids=["phone-fr", "projector-nl"])
def test_the_full_privacy_notice_names_the_workshops_organiser_contact_and_retention_in_the_readers_language(browser, server, viewport, language, heading, lines):
    page = new_page(browser, viewport)
    page.goto(f"{server.url}/privacy.html?code={server.code}&lang={language}")
    expect(page.locator("h1")).to_have_text(heading)
    assert page.evaluate("() => document.documentElement.lang") == language
    paragraphs = page.locator("main section p").all_inner_texts()
    assert [p for p in paragraphs if p in lines] == lines
    assert page.locator("main section h2").count() == 6
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    shoot(page, f"join-02-privacy-page-{language}-{viewport['width']}")
    # The other languages are a link away, and the page leads back to the join form.
    assert page.locator(".notice-languages a").count() == 2
    page.click(f"a[href='/?code={server.code}']")
    page.wait_for_selector("#join-name")
    assert page.errors == []


def test_the_full_privacy_notice_without_a_workshop_says_where_to_find_its_details(browser, server):
    page = new_page(browser, PHONE)
    page.goto(f"{server.url}/privacy.html?lang=en")
    expect(page.locator("h1")).to_have_text("Privacy notice")
    expect(page.locator("main > p").first).to_have_text(
        "Open this page from your workshop's join form to see its organiser, contact and how long names are kept.")
    assert page.errors == []


def test_a_promoted_group_brings_its_notes_texts_to_the_plenary(browser, server):
    moderator, anne, bram = two_rooms_with_a_note_each(browser, server)
    add_note(anne, "friction", "Taxis cannot stop")
    note(anne, "Taxis cannot stop").wait_for()
    notes = [moderator.wait_for(lambda m: m.notes(text), text)[0]["id"] for text in ("Queues at the night shop", "Taxis cannot stop")]
    moderator.command("groupNotes", {"notes": notes, "name": "Night-time street life"})
    group = moderator.wait_for(lambda m: m.events("clusterCreated"), "the group")[0]["id"]
    moderator.command("promote", {"source": {"cluster": group}})
    moderator.command("closeRooms", {"afterSeconds": None})
    for page in (anne, bram):
        item = page.locator(".plenary .promoted-item")
        expect(item.locator(".promoted-text")).to_have_text("Night-time street life")
        expect(item.locator(".promoted-note")).to_have_text(["Queues at the night shop", "Taxis cannot stop"])
    shoot(anne, "join-03-promoted-group-phone-en")
    shoot(bram, "join-04-promoted-group-projector-fr")
    # The presenter shows them under the group's name too, fitting a projector and a laptop.
    screen = new_page(browser, PROJECTOR)
    screen.goto(f"{server.url}/screen?code={server.code}&lang=en#key={server.key}")
    item = screen.locator(".screen-promoted > li").first
    expect(item.locator(".rec-text")).to_have_text("Night-time street life")
    expect(item.locator(".promoted-note")).to_have_text(["Queues at the night shop", "Taxis cannot stop"])
    fits(screen, "promoted", "en")
    assert anne.errors == [] and bram.errors == [] and screen.errors == []


def test_workshop_texts_shown_in_another_language_than_the_interfaces_carry_their_lang(browser, server):
    """The demo workshop is in English and French: a Dutch interface shows its texts in English,
    marked so, while a French one shows the French translations, unmarked."""
    moderator, anne, bram = two_rooms_with_a_note_each(browser, server)
    anne.select_option("#language", "nl")
    expect(anne.locator("html")).to_have_attribute("lang", "nl")
    expect(anne.locator(".brand-title")).to_have_text("Safer streets at night: a quick demo")
    expect(anne.locator(".brand-title")).to_have_attribute("lang", "en")
    expect(anne.locator(".slot-clock .slot-title")).to_have_attribute("lang", "en")
    expect(anne.locator(".board-theme")).to_have_attribute("lang", "en")
    titles = anne.locator(".column .prompt")
    assert titles.count() >= 1
    assert {titles.nth(i).get_attribute("lang") for i in range(titles.count())} == {"en"}
    # Interface strings around them are Dutch and carry no lang of their own.
    assert anne.locator(".connection [lang], .toasts [lang]").count() == 0
    shoot(anne, "join-05-lang-board-phone-nl")

    expect(bram.locator(".brand-title")).to_have_text("Des rues plus sûres la nuit : démo rapide")
    assert bram.locator("#main [lang], header [lang]").count() == 0
    shoot(bram, "join-06-lang-projector-fr")
    assert anne.errors == [] and bram.errors == []
