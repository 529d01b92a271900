/// Where the format reads from. `read` returns fewer bytes than asked only at end of input.
public protocol ByteSource {
    /// Fills `buffer` as far as possible; returns the count, 0 at end of input.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Where the format writes to.
public protocol ByteSink {
    /// Writes all of `bytes`.
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws
}

/// An in-memory source, for tests, vectors and small inputs.
public struct ArraySource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0
    /// A source over `bytes`.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    /// See `ByteSource`.
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { src in
            buffer.baseAddress?.copyMemory(from: src.baseAddress! + offset, byteCount: n)
        }
        offset += n
        return n
    }
}

/// An in-memory sink, for tests and vectors.
public struct ArraySink: ByteSink {
    /// Everything written so far.
    public var bytes: [UInt8] = []
    /// An empty sink.
    public init() {}
    /// See `ByteSink`.
    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws { self.bytes.append(contentsOf: bytes) }
}
