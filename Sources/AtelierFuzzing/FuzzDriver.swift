#if FUZZING
// Built with `-sanitize=fuzzer` (make fuzz): each fuzzer's entry point hands its target to
// libFuzzer's driver, which calls `LLVMFuzzerTestOneInput` with each input.
nonisolated(unsafe) private var fuzzed: (([UInt8]) -> Void)?

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzed?(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

extension FuzzTargets {
    /// Runs libFuzzer on `target` with the program's arguments.
    public static func fuzz(
        _ target: @escaping ([UInt8]) -> Void, argc: CInt, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    ) -> CInt {
        fuzzed = target
        var count = argc
        var arguments = argv
        return runDriver(&count, &arguments, fuzzOne)
    }
}
#endif

extension FuzzTargets {
    /// Without the fuzzer: replays the files or directories named on the command line.
    public static func replayArguments(through target: ([UInt8]) -> Void) {
        let count = replay(Array(CommandLine.arguments.dropFirst()), through: target)
        print("\(count) inputs replayed without a crash")
    }
}
