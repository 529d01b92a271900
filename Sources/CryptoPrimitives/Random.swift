internal import COpenSSL

/// OpenSSL's CSPRNG (`RAND_bytes`).
public enum Random {
    /// Fills `buffer` with random bytes.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) throws {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        guard RAND_bytes(base.assumingMemoryBound(to: UInt8.self), Int32(buffer.count)) == 1 else {
            throw CryptoError.lastOpenSSL("RAND_bytes")
        }
    }

    /// `count` random bytes for non-secret values (ids, nonces).
    public static func bytes(_ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        try out.withUnsafeMutableBytes { (b) in try fill(b) }
        return out
    }
}
