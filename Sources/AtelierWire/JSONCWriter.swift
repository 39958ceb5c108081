import CJSONC

/// Serializes a `JSONValue` by building the matching json-c tree and letting json-c write it.
enum JSONCWriter {
    /// Calls `body` with the UTF-8 text of `value`; the bytes live only for the call.
    static func withSerialization<R>(
        of value: JSONValue, pretty: Bool, _ body: (UnsafeRawBufferPointer) -> R
    ) -> R {
        let root = makeObject(value)
        defer { json_object_put(root) }
        let flags = pretty
            ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE
            : JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE
        var length = 0
        // json_object_to_json_string: "The pointer you get is an internal of your json object.
        // You don't have to free it, later use of json_object_put() should be sufficient."
        guard let text = json_object_to_json_string_length(root, flags, &length) else { allocationFailed() }
        return body(UnsafeRawBufferPointer(start: text, count: length))
    }

    /// A new json-c value with a reference count of one that the caller owns; NULL is json-c's
    /// JSON null. Non-finite doubles have no JSON form and become null, as in JavaScript.
    private static func makeObject(_ value: JSONValue) -> OpaquePointer? {
        switch value {
        case .null:
            return nil
        case .bool(let bool):
            return created(json_object_new_boolean(bool ? 1 : 0))
        case .int(let int):
            return created(json_object_new_int64(int))
        case .double(let double):
            guard double.isFinite else { return nil }
            // json-c's default "%.17g" writes 0.1 as 0.10000000000000001; Swift's description is
            // the shortest text that reads back to the same double, and keeps ".0" on integers.
            return created(json_object_new_double_s(double, double.description))
        case .string(let string):
            return makeString(string)
        case .array(let elements):
            let array = created(json_object_new_array_ext(Int32(clamping: elements.count)))
            for element in elements {
                // json_object_array_add: "The reference count will *not* be incremented", so the
                // array takes over the element's only reference.
                guard json_object_array_add(array, makeObject(element)) == 0 else { allocationFailed() }
            }
            return array
        case .object(let members):
            let object = created(json_object_new_object())
            for (key, member) in members {
                // json_object_object_add: "The reference count of `val` will *not* be incremented,
                // in effect transferring ownership that object to `obj`". Names in a JSONObject
                // are unique, so json-c may skip its lookup for an existing key.
                let status = withCName(of: key) {
                    json_object_object_add_ex(object, $0, makeObject(member), UInt32(JSON_C_OBJECT_ADD_KEY_IS_NEW))
                }
                guard status == 0 else { allocationFailed() }
            }
            return object
        }
    }

    private static func makeString(_ string: String) -> OpaquePointer {
        var string = string
        return string.withUTF8 { bytes in
            precondition(bytes.count < Int(Int32.max), "json-c strings are limited to 2 GiB")
            guard let start = bytes.baseAddress else { return created(json_object_new_string("")) }
            let characters = UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self)
            return created(json_object_new_string_len(characters, Int32(bytes.count)))
        }
    }

    /// Passes a member name as a C string; json-c keeps names as C strings, so a U+0000 (which
    /// the parser rejects and no encoder emits from ordinary keys) is written as U+FFFD rather
    /// than silently cutting the name short.
    private static func withCName<R>(of key: String, _ body: (UnsafePointer<CChar>) -> R) -> R {
        guard key.utf8.contains(0) else { return key.withCString(body) }
        return String(key.unicodeScalars.map { $0 == "\0" ? "\u{FFFD}" : $0 }.map(Character.init))
            .withCString(body)
    }

    private static func created(_ object: OpaquePointer?) -> OpaquePointer {
        guard let object else { allocationFailed() }
        return object
    }

    /// json-c reports allocation failure by returning NULL or -1; like Swift's own allocations,
    /// that is not recoverable here.
    private static func allocationFailed() -> Never {
        fatalError("json-c could not allocate memory")
    }
}
