import AtelierCore
import AtelierProtocol
import AtelierWire
import Foundation

/// What the fuzzers feed arbitrary bytes to. Each function must return normally for every
/// input: reading may refuse the bytes with an error, but never crash, and what it accepts must
/// survive being written back and read again unchanged.
public enum FuzzTargets {
    /// A frame from a client, as the server reads it: JSON parsing, then the message's shape.
    public static func clientMessage(_ bytes: [UInt8]) {
        let value: JSONValue
        do { value = try JSONValue.parse(bytes) } catch { return }
        let reparsed = try? JSONValue.parse(value.serializedBytes())
        precondition(reparsed == value, "JSON does not survive serialization: \(value.serialized())")
        let message: ClientMessage
        do { message = try ClientMessage.read(value) } catch {
            precondition(!error.code.rawValue.isEmpty && !error.message.isEmpty, "a refusal without a code or sentence")
            return
        }
        let written: JSONValue
        do { written = try WireEncoder().encode(message) } catch {
            preconditionFailure("an accepted message cannot be written back: \(error)")
        }
        let reread = try? ClientMessage.read(written)
        precondition(reread == message, "message changes when written and read again: \(written.serialized())")
    }

    /// A workshop file, as `atelier check` and `atelier serve` load it.
    public static func workshopFile(_ bytes: [UInt8]) {
        let workshop: WorkshopDefinition
        do { workshop = try WorkshopFile.decode(bytes, file: "fuzz.json") } catch {
            precondition(!error.problems.isEmpty, "a refused workshop file without a problem")
            return
        }
        let written: [UInt8]
        do { written = try WireEncoder().encodeJSONBytes(workshop) } catch {
            preconditionFailure("an accepted workshop cannot be written back: \(error)")
        }
        let reread = try? WorkshopFile.decode(written, file: "fuzz.json")
        precondition(reread == workshop, "workshop changes when written and read again")
    }

    /// Runs `target` on each file named in `paths` (a directory stands for the files in it) and
    /// returns how many it ran: how the corpus and past crashes are replayed without the fuzzer.
    public static func replay(_ paths: [String], through target: ([UInt8]) -> Void) -> Int {
        let manager = FileManager.default
        var count = 0
        for path in paths {
            let names = (try? manager.contentsOfDirectory(atPath: path))
                .map { $0.filter { !$0.hasPrefix(".") }.sorted().map { path + "/" + $0 } } ?? [path]
            for name in names {
                guard let data = manager.contents(atPath: name) else { continue }
                target(Array(data))
                count += 1
            }
        }
        return count
    }
}
