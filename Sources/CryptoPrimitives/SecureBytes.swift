internal import COpenSSL

/// Key material that never leaves this buffer except through `withUnsafeBytes`, and is wiped
/// with `OPENSSL_cleanse` when released (STYLE.md habit 3). No `Data`, no `String`, no `description`.
public final class SecureBytes: @unchecked Sendable {
    private let pointer: UnsafeMutableRawPointer
    /// Number of bytes held.
    public let count: Int

    /// A zero-filled buffer of `count` bytes.
    public init(count: Int) {
        self.count = count
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1))
    }

    /// A buffer of `count` bytes from OpenSSL's CSPRNG.
    public convenience init(randomCount count: Int) throws {
        self.init(count: count)
        try withUnsafeMutableBytes { try Random.fill($0) }
    }

    /// A copy of `bytes`; the caller remains responsible for wiping its own copy.
    public convenience init(copying bytes: UnsafeRawBufferPointer) {
        self.init(count: bytes.count)
        if let base = bytes.baseAddress, bytes.count > 0 {
            pointer.copyMemory(from: base, byteCount: bytes.count)
        }
    }

    /// A copy of `bytes`, then wipes the array the caller passed in.
    public convenience init(consuming bytes: inout [UInt8]) {
        self.init(count: bytes.count)
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress, buffer.count > 0 {
                pointer.copyMemory(from: base, byteCount: buffer.count)
            }
            Wipe.buffer(buffer)
        }
        bytes = []
    }

    deinit {
        OPENSSL_cleanse(pointer, max(count, 1))
        pointer.deallocate()
    }

    /// Read access to the bytes for the duration of `body`.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Write access to the bytes for the duration of `body`.
    public func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeMutableRawBufferPointer(start: pointer, count: count))
    }

    /// Constant-time comparison with another secret.
    public func constantTimeEquals(_ other: SecureBytes) -> Bool {
        guard count == other.count else { return false }
        return withUnsafeBytes { a in other.withUnsafeBytes { b in ConstantTime.equal(a, b) } }
    }
}

/// Wiping of caller-owned buffers that held secrets.
public enum Wipe {
    /// Overwrites `buffer` with zeros in a way the optimiser may not remove.
    public static func buffer(_ buffer: UnsafeMutableRawBufferPointer) {
        if let base = buffer.baseAddress, buffer.count > 0 { OPENSSL_cleanse(base, buffer.count) }
    }

    /// Overwrites an array's storage with zeros.
    public static func array(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { Wipe.buffer($0) }
    }
}

/// Constant-time comparison (`CRYPTO_memcmp`), for tags and commitments.
public enum ConstantTime {
    /// True when both buffers have the same length and bytes; time depends only on the length.
    public static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard a.count > 0, let pa = a.baseAddress, let pb = b.baseAddress else { return true }
        return CRYPTO_memcmp(pa, pb, a.count) == 0
    }

    /// Array convenience for `equal(_:_:)`.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in equal(pa, pb) } }
    }
}
