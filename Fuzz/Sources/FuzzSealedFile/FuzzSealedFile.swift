import CryptoPrimitives
import Envelope

// One fixed key and binding: the fuzzer mutates whole files, starting from the committed vectors.
let dataKey: SecureBytes = Array(0..<32).map { UInt8($0) }.withUnsafeBytes { SecureBytes(copying: $0) }
let sealer = SealedFile(dataKey: dataKey)
let binding = SealedFile.Binding(repoId: [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff],
                                 path: "config/app.json")

/// Any input must be refused or opened without a trap; an input that opens must re-open to the
/// same plaintext (no state leaks between runs).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? SealedHeader.parse(bytes)
    var source = ArraySource(bytes)
    var sink = ArraySink()
    if (try? sealer.open(from: &source, to: &sink, binding: binding)) != nil {
        var again = ArraySource(bytes)
        var second = ArraySink()
        precondition((try? sealer.open(from: &again, to: &second, binding: binding)) != nil && second.bytes == sink.bytes)
    }
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<Int32>,
               _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32) -> Int32

/// SwiftPM links executables with `--defsym main=FuzzSealedFile_main` (NOTES.md).
@_cdecl("FuzzSealedFile_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var vector = argv
    return runDriver(&count, &vector, fuzzOne)
}
