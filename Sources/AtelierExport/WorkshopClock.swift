import AtelierCore
import Foundation

/// Wall-clock times in the workshop's time zone, so transcripts and the command line show the times
/// people saw in the room whatever machine they run on.
public struct WorkshopClock: Sendable {
    let timeZone: TimeZone

    /// The clock of `identifier` (`Europe/Brussels`), UTC when the system does not know the zone.
    public init(timezone identifier: String) {
        timeZone = TimeZone(identifier: identifier) ?? TimeZone(identifier: "UTC")!
    }

    /// The clock of the workshop's time zone.
    public init(_ workshop: WorkshopDefinition) {
        self.init(timezone: workshop.timezone)
    }

    /// `HH:MM`.
    public func clock(_ timestamp: Timestamp) -> String {
        let parts = components(timestamp)
        return pad(parts.hour) + ":" + pad(parts.minute)
    }

    /// `YYYY-MM-DD`.
    public func day(_ timestamp: Timestamp) -> String {
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

    /// The instant the workshop's first slot is planned to start, on its date; nil if the file lacks them.
    public func plannedStart(of workshop: WorkshopDefinition) -> Timestamp? {
        let parts = workshop.date.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        let minutes = workshop.agenda.first?.start.flatMap(minutesOfDay) ?? 9 * 60
        let components = DateComponents(
            year: parts[0], month: parts[1], day: parts[2], hour: minutes / 60, minute: minutes % 60)
        return calendar.date(from: components).map { Timestamp(milliseconds: Int64($0.timeIntervalSince1970 * 1000)) }
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    private func components(_ timestamp: Timestamp) -> DateComponents {
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
