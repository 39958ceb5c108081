import CJSONC

/// Parses JSON bytes with json-c's strict tokener and converts the result into a `JSONValue`,
/// applying `JSONLimits` and the checks json-c lacks (see `JSONInputCheck`).
enum JSONCParser {
    /// The value in `bytes`, or the first reason to reject them, located by line and column.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, limits: JSONLimits) -> Result<JSONValue, WireError> {
        guard bytes.count <= limits.maxBytes else {
            return .failure(WireError(
                code: .tooLarge, message: "the text is \(bytes.count) bytes, more than the limit of \(limits.maxBytes)"))
        }
        let findings = JSONInputCheck.findings(in: bytes, maxDepth: limits.maxDepth)
        let issue = findings.issue
        let tokener = Tokener(maxDepth: limits.maxDepth)
        switch tokener.parse(bytes) {
        case .failed(let offset, let error):
            if let issue, issue.offset <= offset { return .failure(located(issue, in: bytes)) }
            return .failure(tokenerError(error, at: offset, in: bytes))
        case .parsed(let object, let end):
            // json_tokener_parse_ex: "a non-NULL json_object will be returned, with a reference
            // count of one which belongs to the caller" (NULL stands for a JSON null).
            defer { json_object_put(object) }
            let trailing = bytes[end...].firstIndex { !Self.isWhitespace($0) }
            if let issue, issue.offset < trailing ?? Int.max { return .failure(located(issue, in: bytes)) }
            if let trailing {
                return .failure(WireError(
                    code: .trailingData, message: "unexpected data after the JSON value", position: trailing, in: bytes))
            }
            do throws(ConversionFailure) {
                var members = 0
                let value = try convert(object, maxStringBytes: limits.maxStringBytes, members: &members)
                // json-c kept one member per name: fewer members than names means a name was repeated.
                if members < findings.memberNames, let repeated = JSONSourceMap(scanning: bytes).firstRepeatedMember {
                    return .failure(WireError(
                        code: .duplicateKey, path: repeated.path,
                        message: "the member \"\(repeated.name)\" appears more than once in one object",
                        line: repeated.location.line, column: repeated.location.column))
                }
                return .success(value)
            } catch {
                let path = WirePath(components: error.reversedPath.reversed())
                let wireError = WireError(code: error.code, path: path.text, message: error.message)
                return .failure(wireError.located(in: JSONSourceMap(scanning: bytes)))
            }
        }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
    }

    private static func located(_ issue: JSONInputCheck.Issue, in bytes: UnsafeBufferPointer<UInt8>) -> WireError {
        WireError(code: issue.code, message: issue.message, position: issue.offset, in: bytes)
    }

    private static func tokenerError(
        _ error: json_tokener_error, at offset: Int, in bytes: UnsafeBufferPointer<UInt8>
    ) -> WireError {
        let code: WireError.Code
        let message: String
        switch error {
        case json_tokener_error_depth:
            (code, message) = (.tooDeep, "arrays and objects are nested too deeply")
        case json_tokener_error_parse_utf8_string:
            (code, message) = (.invalidUTF8, "invalid UTF-8 byte sequence")
        case json_tokener_error_parse_eof:
            (code, message) = (.syntax, "unexpected end of input")
        case json_tokener_error_parse_array:
            (code, message) = (.syntax, "expected ',' or ']' in an array")
        case json_tokener_error_parse_object_key_name:
            (code, message) = (.syntax, "expected a member name in double quotes")
        case json_tokener_error_parse_object_key_sep:
            (code, message) = (.syntax, "expected ':' after a member name")
        case json_tokener_error_parse_object_value_sep:
            (code, message) = (.syntax, "expected ',' or '}' in an object")
        case json_tokener_error_parse_string:
            (code, message) = (.syntax, "invalid escape in a string")
        case json_tokener_error_parse_comment:
            (code, message) = (.syntax, "comments are not allowed")
        case json_tokener_error_parse_unexpected where offset < bytes.count && (0x21..<0x7F).contains(bytes[offset]):
            (code, message) = (.syntax, "unexpected character '\(Character(Unicode.Scalar(bytes[offset])))'")
        default:
            (code, message) = (.syntax, String(cString: json_tokener_error_desc(error)))
        }
        return WireError(code: code, message: message, position: offset, in: bytes)
    }

    /// A failure found while converting, with the path collected innermost first as it unwinds.
    private struct ConversionFailure: Error {
        let code: WireError.Code
        let message: String
        var reversedPath: [PathComponent] = []
    }

    /// Converts a json-c tree it does not own, adding the members of its objects to `members`;
    /// `JSONInputCheck` already rejected integers that json-c would have saturated, so
    /// `json_object_get_int64` is exact here.
    private static func convert(
        _ object: OpaquePointer?, maxStringBytes: Int, members: inout Int
    ) throws(ConversionFailure) -> JSONValue {
        switch json_object_get_type(object) {
        case json_type_null:
            return .null
        case json_type_boolean:
            return .bool(json_object_get_boolean(object) != 0)
        case json_type_int:
            return .int(json_object_get_int64(object))
        case json_type_double:
            let double = json_object_get_double(object)
            guard double.isFinite else {
                // For a parsed double, json_object_get_string gives back the text it was parsed from.
                let text = String(cString: json_object_get_string(object)).prefix(40)
                throw ConversionFailure(code: .numberOutOfRange, message: "\(text) is too large for a double")
            }
            return .double(double)
        case json_type_string:
            let length = Int(json_object_get_string_len(object))
            guard length <= maxStringBytes else { throw stringTooLong(length, limit: maxStringBytes) }
            let bytes = UnsafeRawBufferPointer(start: json_object_get_string(object), count: length)
            return .string(String(decoding: bytes, as: UTF8.self))
        case json_type_array:
            let count = json_object_array_length(object)
            var elements: [JSONValue] = []
            elements.reserveCapacity(count)
            for index in 0..<count {
                // json_object_array_get_idx: "ownership of the returned object remains with obj".
                do throws(ConversionFailure) {
                    elements.append(try convert(
                        json_object_array_get_idx(object, index), maxStringBytes: maxStringBytes, members: &members))
                } catch {
                    var failure = error
                    failure.reversedPath.append(.index(index))
                    throw failure
                }
            }
            return .array(elements)
        case json_type_object:
            let count = Int(json_object_object_length(object))
            members += count
            var entries: [JSONObject.Element] = []
            entries.reserveCapacity(count)
            var iterator = json_object_iter_begin(object)
            var end = json_object_iter_end(object)
            while json_object_iter_equal(&iterator, &end) == 0 {
                let key = String(cString: json_object_iter_peek_name(&iterator))
                guard key.utf8.count <= maxStringBytes else {
                    throw stringTooLong(key.utf8.count, limit: maxStringBytes)
                }
                // json_object_iter_peek_value: "the value's reference count is not changed".
                do throws(ConversionFailure) {
                    let value = try convert(
                        json_object_iter_peek_value(&iterator), maxStringBytes: maxStringBytes, members: &members)
                    entries.append((key, value))
                } catch {
                    var failure = error
                    failure.reversedPath.append(.key(key))
                    throw failure
                }
                json_object_iter_next(&iterator)
            }
            return .object(JSONObject(uniqueEntries: entries))
        default:
            preconditionFailure("json-c returned a value of unknown type")
        }
    }

    private static func stringTooLong(_ length: Int, limit: Int) -> ConversionFailure {
        ConversionFailure(code: .stringTooLong, message: "a string of \(length) bytes exceeds the limit of \(limit)")
    }
}

/// Owns one json-c tokener for one parse.
private final class Tokener {
    enum Outcome {
        /// Success; `object` belongs to the caller and `end` is where the value's text ends.
        case parsed(object: OpaquePointer?, end: Int)
        /// Failure at byte `offset`.
        case failed(offset: Int, error: json_tokener_error)
    }

    private let tokener: UnsafeMutablePointer<json_tokener>

    /// A tokener that allows one level more than `maxDepth`, because json-c counts a scalar
    /// inside the innermost container as a level; `JSONInputCheck` enforces the exact limit.
    init(maxDepth: Int) {
        guard let tokener = json_tokener_new_ex(Int32(maxDepth + 1)) else {
            fatalError("json-c could not allocate a tokener")
        }
        // Trailing characters are allowed here so that they are reported as trailing data
        // rather than as a generic unexpected character.
        json_tokener_set_flags(
            tokener, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8 | JSON_TOKENER_ALLOW_TRAILING_CHARS)
        self.tokener = tokener
    }

    // json_tokener_new_ex: "When done using that to parse objects, free it with json_tokener_free()".
    deinit { json_tokener_free(tokener) }

    func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
        var object: OpaquePointer?
        var error = json_tokener_continue
        var end = 0
        if let base = bytes.baseAddress, !bytes.isEmpty {
            object = UnsafeRawPointer(base).withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                json_tokener_parse_ex(tokener, $0, Int32(bytes.count))
            }
            error = json_tokener_get_error(tokener)
            end = json_tokener_get_parse_end(tokener)
        }
        if error == json_tokener_continue {
            // The input is complete: json-c needs the terminating NUL ("the length passed MUST
            // include the final '\0'") to finish a value with no end mark, such as a number.
            object = json_tokener_parse_ex(tokener, "", 1)
            error = json_tokener_get_error(tokener)
            end = bytes.count
        }
        return error == json_tokener_success ? .parsed(object: object, end: end) : .failed(offset: end, error: error)
    }
}
