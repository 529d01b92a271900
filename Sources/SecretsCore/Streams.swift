import CryptoPrimitives
import Envelope
import Files

extension FileReader: ByteSource {}
extension FileWriter: ByteSink {}

/// A source that feeds everything it yields to a MAC or digest on the way.
struct TeeSource<Inner: ByteSource>: ByteSource {
    var inner: Inner
    let feed: (UnsafeRawBufferPointer) throws -> Void
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try inner.read(into: buffer)
        try feed(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        return n
    }
}

/// A sink that feeds everything it receives to a MAC or digest, then passes it on.
struct TeeSink<Inner: ByteSink>: ByteSink {
    var inner: Inner
    let feed: (UnsafeRawBufferPointer) throws -> Void
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        try feed(bytes)
        try inner.write(bytes)
    }
}

/// A sink that discards (used to hash a sealed file's plaintext without writing it anywhere).
struct NullSink: ByteSink {
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {}
}

/// Hex encoding for hashes and ids (never for keys).
func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xf)]) }
    return String(decoding: out, as: UTF8.self)
}
