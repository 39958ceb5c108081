import AtelierCore
import Foundation

/// Reading workshop files: strict decoding (unknown keys are errors) and the engine's validation,
/// every problem located by line.
public enum WorkshopFile {
    /// The workshop in the file at `path`, or every problem found in it.
    public static func load(path: String) throws(WorkshopFileError) -> WorkshopDefinition {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw WorkshopFileError(file: path, problems: [.init(line: nil, path: "", message: "the file \(reason)")])
        }
        return try decode(Array(data), file: path)
    }

    /// The workshop in `bytes` (named `file` in messages), or every problem found in it.
    public static func decode(_ bytes: [UInt8], file: String) throws(WorkshopFileError) -> WorkshopDefinition {
        let workshop: WorkshopDefinition
        do {
            workshop = try WireDecoder(rejectUnknownKeys: true)
                .decode(WorkshopDefinition.self, fromJSON: bytes, limits: .file)
        } catch {
            throw WorkshopFileError(file: file, problems: [.init(line: error.line, path: error.path, message: error.message)])
        }
        let issues = workshop.validate()
        guard !issues.isEmpty else { return workshop }
        let map = JSONSourceMap(bytes)
        throw WorkshopFileError(file: file, problems: issues.map {
            .init(line: map.location(of: $0.path)?.line, path: $0.path, message: $0.message)
        })
    }
}

/// Everything wrong with one workshop file.
public struct WorkshopFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file, as named by the caller.
    public var file: String
    /// The problems, in file order.
    public var problems: [Problem]

    /// The problems found in `file`.
    public init(file: String, problems: [Problem]) { self.file = file; self.problems = problems }

    /// One problem: where it is and what is wrong.
    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        /// 1-based line, when known.
        public var line: Int?
        /// Path of the value, like `agenda[3].minutes`; empty for the whole file.
        public var path: String
        /// What is wrong.
        public var message: String

        /// A problem at `path`, on `line` when known.
        public init(line: Int?, path: String, message: String) { self.line = line; self.path = path; self.message = message }

        public var description: String { path.isEmpty ? message : "\(path): \(message)" }
    }

    /// One line per problem, `file:line: path: message`, as compilers print them.
    public var description: String {
        problems.map { problem in
            "\(file)\(problem.line.map { ":\($0)" } ?? ""): \(problem)"
        }.joined(separator: "\n")
    }
}
