/// Bounds on the JSON the parser accepts, so that one hostile message cannot exhaust memory or stack.
public struct JSONLimits: Hashable, Sendable {
    /// The largest input accepted, in bytes, not counting a leading byte order mark.
    public let maxBytes: Int
    /// The deepest nesting of arrays and objects accepted: `[[1]]` has depth 2, a bare scalar 0.
    public let maxDepth: Int
    /// The longest string (value or member name) accepted, in UTF-8 bytes after unescaping.
    public let maxStringBytes: Int

    /// The deepest nesting any limit may allow: conversion and decoding recurse once per level,
    /// and server threads have small stacks.
    public static let depthCeiling = 512

    /// Limits with the given bounds; `maxDepth` may not exceed `depthCeiling`, and `maxBytes`
    /// must stay below 2 GiB because json-c takes lengths as a C `int`.
    public init(maxBytes: Int, maxDepth: Int, maxStringBytes: Int) {
        precondition((0..<Int(Int32.max)).contains(maxBytes), "maxBytes must be below 2 GiB")
        precondition((0...Self.depthCeiling).contains(maxDepth), "maxDepth must be 0...\(Self.depthCeiling)")
        precondition(maxStringBytes >= 0, "maxStringBytes must not be negative")
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxStringBytes = maxStringBytes
    }

    /// For messages from clients: 1 MiB, 32 levels, 64 KiB strings.
    public static let `default` = JSONLimits(maxBytes: 1 << 20, maxDepth: 32, maxStringBytes: 64 << 10)

    /// For workshop files written by organisers: 16 MiB, 64 levels, 1 MiB strings.
    public static let file = JSONLimits(maxBytes: 16 << 20, maxDepth: 64, maxStringBytes: 1 << 20)
}
