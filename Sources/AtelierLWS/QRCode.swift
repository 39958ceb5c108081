import CQREncode

/// A QR code's matrix, made by libqrencode, and its drawing as SVG for the presenter screen.
public struct QRCode: Sendable, Equatable {
    /// Modules per side.
    public let size: Int
    /// Row by row, `true` for a dark module.
    public let modules: [Bool]

    /// The QR code of `text` (the shortest mix of modes; error correction M, readable across a
    /// hall with part of the projection washed out); nil when libqrencode refuses it (too long).
    public init?(_ text: String) {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { return nil }
        defer { QRcode_free(code) }
        size = Int(code.pointee.width)
        // libqrencode marks a dark module with bit 0 of each byte; the other bits say what it is.
        modules = (0..<size * size).map { code.pointee.data[$0] & 1 == 1 }
    }

    public func isDark(row: Int, column: Int) -> Bool { modules[row * size + column] }

    /// White modules around the code that readers need to find it.
    public static let quietZone = 4

    /// The code as an SVG of one unit per module, quiet zone included: a path of the dark runs
    /// of each row on a white square, drawn without anti-aliasing so modules stay sharp at any size.
    public var svg: String {
        let side = size + 2 * Self.quietZone
        var path = ""
        for row in 0..<size {
            var column = 0
            while column < size {
                guard isDark(row: row, column: column) else { column += 1; continue }
                let start = column
                while column < size, isDark(row: row, column: column) { column += 1 }
                path += "M\(start + Self.quietZone) \(row + Self.quietZone)h\(column - start)v1h-\(column - start)z"
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges">\
            <rect width="\(side)" height="\(side)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>

            """
    }
}
