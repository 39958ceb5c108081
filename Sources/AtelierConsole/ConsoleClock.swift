import AtelierCore
import Foundation

/// Wall-clock and countdown text in the workshop's time zone.
public struct ConsoleClock: Sendable {
    /// The zone of the venue.
    public let timeZone: TimeZone

    /// The clock of `workshop`'s zone (the machine's when the zone is unknown).
    public init(_ workshop: WorkshopDefinition?) {
        timeZone = workshop.flatMap { TimeZone(identifier: $0.timezone) } ?? .current
    }

    /// A clock in a given zone.
    public init(timeZone: TimeZone) { self.timeZone = timeZone }

    /// `HH:MM` of `timestamp`.
    public func clock(_ timestamp: Timestamp) -> String {
        let components = calendar.dateComponents([.hour, .minute], from: date(timestamp))
        return String(format: "%02d:%02d", components.hour ?? 0, components.minute ?? 0)
    }

    /// `HH:MM:SS` of `timestamp`.
    public func clockWithSeconds(_ timestamp: Timestamp) -> String {
        let components = calendar.dateComponents([.hour, .minute, .second], from: date(timestamp))
        return String(format: "%02d:%02d:%02d", components.hour ?? 0, components.minute ?? 0, components.second ?? 0)
    }

    /// `12:34` (minutes and seconds) or `1:02:03`; overrun time reads `+01:05`.
    public static func countdown(milliseconds: Int64) -> String {
        let overrun = milliseconds < 0
        // Round up while counting down, so 0:00 shows only once the time is really up.
        let seconds = overrun ? (-milliseconds) / 1000 : (milliseconds + 999) / 1000
        let text = seconds >= 3600
            ? String(format: "%d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60)
            : String(format: "%02d:%02d", seconds / 60, seconds % 60)
        return overrun ? "+" + text : text
    }

    /// The planned local start (`HH:MM`) of each agenda slot: its own `start`, else the previous
    /// slot's planned start plus its minutes; nil until a slot gives a start.
    public static func plannedStarts(of workshop: WorkshopDefinition) -> [String?] {
        var result: [String?] = []
        var minutes: Int?
        for slot in workshop.agenda {
            if let start = slot.start, let parsed = minutesOfDay(start) { minutes = parsed }
            result.append(minutes.map { String(format: "%02d:%02d", ($0 / 60) % 24, $0 % 60) })
            minutes = minutes.map { $0 + slot.minutes }
        }
        return result
    }

    private static func minutesOfDay(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]) else { return nil }
        return hours * 60 + minutes
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    private func date(_ timestamp: Timestamp) -> Date {
        Date(timeIntervalSince1970: Double(timestamp.milliseconds) / 1000)
    }
}
