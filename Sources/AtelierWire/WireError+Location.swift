extension WireError {
    /// This error with its line and column taken from `map`: those of its path, or of the nearest
    /// enclosing value the map knows (a missing member is reported where its object starts).
    /// An error that already has a line, or whose path is not in path notation, is returned as is.
    public func located(in map: JSONSourceMap) -> WireError {
        guard line == nil, let path = WirePath(parsing: path),
              let location = map.nearestLocation(of: path)
        else { return self }
        var located = self
        located.line = location.line
        located.column = location.column
        return located
    }
}

extension WireError {
    /// An error at byte `position` of `bytes`, with its line and column.
    init(code: Code, message: String, position: Int, in bytes: UnsafeBufferPointer<UInt8>) {
        let location = JSONSourceMap.Location(offset: position, in: bytes)
        self.init(code: code, message: message, line: location.line, column: location.column)
    }
}
