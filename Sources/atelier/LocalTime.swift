import AtelierCore
import Foundation

/// Converts between engine timestamps and a workshop's local wall-clock time.
struct LocalTime {
    let timeZone: TimeZone

    init(_ workshop: WorkshopDefinition) {
        timeZone = TimeZone(identifier: workshop.timezone) ?? .current
    }

    /// `HH:MM` of `timestamp` in the workshop's time zone.
    func clock(_ timestamp: Timestamp) -> String {
        let components = calendar.dateComponents([.hour, .minute], from: date(timestamp))
        return String(format: "%02d:%02d", components.hour ?? 0, components.minute ?? 0)
    }

    /// `YYYY-MM-DD HH:MM` of `timestamp` in the workshop's time zone.
    func dateAndClock(_ timestamp: Timestamp) -> String {
        let components = calendar.dateComponents([.year, .month, .day], from: date(timestamp))
        return String(format: "%04d-%02d-%02d ", components.year ?? 0, components.month ?? 0, components.day ?? 0)
            + clock(timestamp)
    }

    /// The instant the workshop's first slot is planned to start, on its date; nil if the file lacks them.
    func plannedStart(of workshop: WorkshopDefinition) -> Timestamp? {
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

    private func date(_ timestamp: Timestamp) -> Date {
        Date(timeIntervalSince1970: Double(timestamp.milliseconds) / 1000)
    }
}
