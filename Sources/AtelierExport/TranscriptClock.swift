import AtelierCore
import Foundation

/// Wall-clock times in the workshop's time zone, so a transcript shows the times people saw in the room
/// whatever machine exports it.
struct TranscriptClock: Sendable {
    let timeZone: TimeZone

    /// The clock of `identifier` (`Europe/Brussels`), UTC when the system does not know the zone.
    init(timezone identifier: String) {
        timeZone = TimeZone(identifier: identifier) ?? TimeZone(identifier: "UTC")!
    }

    /// `HH:MM`.
    func clock(_ timestamp: Timestamp) -> String {
        let parts = components(timestamp)
        return pad(parts.hour) + ":" + pad(parts.minute)
    }

    /// `YYYY-MM-DD`.
    func day(_ timestamp: Timestamp) -> String {
        let parts = components(timestamp)
        return String(parts.year ?? 0) + "-" + pad(parts.month) + "-" + pad(parts.day)
    }

    /// `YYYY-MM-DD HH:MM:SS`, the form spreadsheets read as a date and time.
    func dateTime(_ timestamp: Timestamp) -> String {
        day(timestamp) + " " + clock(timestamp) + ":" + pad(components(timestamp).second)
    }

    /// Minutes since local midnight.
    func minuteOfDay(_ timestamp: Timestamp) -> Int {
        let parts = components(timestamp)
        return (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
    }

    private func components(_ timestamp: Timestamp) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let date = Date(timeIntervalSince1970: Double(timestamp.milliseconds) / 1000)
        return calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    }

    private func pad(_ value: Int?) -> String {
        let value = value ?? 0
        return value < 10 ? "0\(value)" : String(value)
    }
}

/// `HH:MM` for a count of minutes since midnight, wrapping past 24:00.
func clockText(minuteOfDay minutes: Int) -> String {
    let wrapped = ((minutes % 1440) + 1440) % 1440
    let (hours, rest) = (wrapped / 60, wrapped % 60)
    return (hours < 10 ? "0" : "") + "\(hours):" + (rest < 10 ? "0" : "") + "\(rest)"
}

/// Minutes since midnight of an `HH:MM` text; nil when it is not one.
func minuteOfDay(_ text: String) -> Int? {
    let parts = text.split(separator: ":")
    guard parts.count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]) else { return nil }
    return hours * 60 + minutes
}
