/// One rule a workshop file breaks, at a path such as `agenda[3].minutes`.
public struct WorkshopIssue: Hashable, Sendable, CustomStringConvertible {
    /// Where in the file, written `agenda[3].minutes`; empty for the whole file.
    public var path: String
    /// What is wrong, as a sentence fragment (`must be a positive integer`).
    public var message: String

    /// An issue at `path`.
    public init(path: String, message: String) { self.path = path; self.message = message }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
