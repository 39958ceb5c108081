import Testing
@testable import AtelierCore

@Suite struct LocalizedTextTests {
    @Test func plainTextServesEveryLanguage() {
        let text = LocalizedText("Accueil")
        #expect(text.text(in: "nl") == "Accueil")
    }

    @Test func translationFallsBackInOrder() {
        let text = LocalizedText(translations: ["fr": "Accueil", "nl": "Onthaal"])
        #expect(text.text(in: "nl") == "Onthaal")
        #expect(text.text(in: "en", fallbacks: ["fr"]) == "Accueil")
        #expect(text.text(in: "en") == "Accueil")
    }
}
