import AtelierFuzzing

#if FUZZING
// SwiftPM makes this module's entry point the program's `main`.
@_cdecl("atelier_fuzz_wire_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzTargets.fuzz(FuzzTargets.clientMessage, argc: argc, argv: argv)
}
#else
@main
struct Replay {
    static func main() { FuzzTargets.replayArguments(through: FuzzTargets.clientMessage) }
}
#endif
