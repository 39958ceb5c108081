import AtelierFuzzing

#if FUZZING
// Built with `-sanitize=fuzzer` (make fuzz): libFuzzer calls this with each input.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTargets.clientMessage(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

// SwiftPM makes this module's entry point the program's `main`: hand over to libFuzzer's driver.
@_cdecl("atelier_fuzz_wire_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments, fuzzOne)
}
#else
/// Without the fuzzer: replays the files or directories given as arguments.
@main
struct Replay {
    static func main() {
        let count = FuzzTargets.replay(Array(CommandLine.arguments.dropFirst()), through: FuzzTargets.clientMessage)
        print("\(count) inputs replayed without a crash")
    }
}
#endif
