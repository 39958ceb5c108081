import AtelierWire

/// A workshop-like document exercising nesting, optionals, arrays, dictionaries and enums.
struct Workshop: Codable, Equatable {
    var title: String
    var agenda: [Session]
    var venue: String?
    var capacity: [String: Int]
    var format: Format
}

struct Session: Codable, Equatable {
    var title: String
    var minutes: Int
    var speaker: String?
}

enum Format: String, Codable {
    case onsite, online
}

/// A client command as the server receives it: an enum with associated values.
enum Command: Codable, Equatable {
    case addNote(board: String, text: String)
    case moveNote(id: Int, x: Double, y: Double)
    case clear
}

/// The same shape with keys that can list themselves, for the unknown-case message.
enum ListedCommand: Codable, Equatable {
    case addNote(board: String, text: String)
    case clear

    enum CodingKeys: String, CodingKey, CaseIterable {
        case addNote, clear
    }
}

extension Workshop {
    static let sample = Workshop(
        title: "Atelier",
        agenda: [Session(title: "Accueil", minutes: 10, speaker: nil), Session(title: "Idées", minutes: 25, speaker: "Anaïs")],
        venue: nil,
        capacity: ["salle B": 12, "salle A": 30],
        format: .onsite)
}
