import CryptoPrimitives

/// Constants of docs/FORMAT.md section 1. Labels are named once, here.
public enum SealedFormat {
    /// ASCII `SECRETS`.
    public static let magic: [UInt8] = Array("SECRETS".utf8)
    /// Format version this code writes and reads.
    public static let version: UInt8 = 1
    /// Suite 1: AES-256-GCM, HKDF-SHA-512, key commitment, 64 KiB frames.
    public static let suite: UInt16 = 1
    /// Plaintext bytes per regular frame.
    public static let frameLength = 65536
    /// Header size in bytes.
    public static let headerLength = 142
    /// Length of the repository identity.
    public static let repoIdLength = 16
    /// Length of the per-file random id.
    public static let fileIdLength = 32
    static let tagLength = AESGCM.tagLength
    static let keyLabel = Array("secrets/v1/key".utf8)
    static let commitLabel = Array("secrets/v1/commit".utf8)
    static let pathLabel = Array("secrets/v1/path".utf8) + [0]
    static var suiteBytes: [UInt8] { [UInt8(suite >> 8), UInt8(suite & 0xff)] }

    /// `SHA-256("secrets/v1/path" || 0x00 || PATH)`.
    public static func pathDigest(_ path: String) throws -> [UInt8] {
        try Digest.hash(.sha256, pathLabel + Array(path.utf8))
    }

    /// Size of the sealed form of an `n`-byte plaintext.
    public static func sealedLength(plaintextLength n: Int) -> Int {
        headerLength + n + tagLength * (n / frameLength + 1)
    }
}

/// The 142-byte header of a sealed file (docs/FORMAT.md 1.1).
public struct SealedHeader: Equatable, Sendable {
    /// Repository identity.
    public var repoId: [UInt8]
    /// Digest of the path the file was sealed for.
    public var pathDigest: [UInt8]
    /// Per-file random id (HKDF salt).
    public var fileId: [UInt8]
    /// Key commitment.
    public var commitment: [UInt8]
    /// Header authentication tag.
    public var tag: [UInt8]

    /// The bytes covered by the header tag.
    var authenticatedBytes: [UInt8] {
        var out = SealedFormat.magic
        out.append(SealedFormat.version)
        out += SealedFormat.suiteBytes
        out += UInt32(SealedFormat.frameLength).bigEndianBytes
        out += repoId + pathDigest + fileId + commitment
        return out
    }

    /// The full header as written.
    public var bytes: [UInt8] { authenticatedBytes + tag }

    /// Parses a header, applying checks 1 to 4 of docs/FORMAT.md 1.1 (no key, no context).
    public static func parse(_ bytes: [UInt8]) throws(EnvelopeError) -> SealedHeader {
        let magic = SealedFormat.magic
        // A short file that still starts like a sealed file is truncated; anything else is not ours.
        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
            if bytes.count < magic.count && bytes == Array(magic.prefix(bytes.count)) && !bytes.isEmpty {
                throw .truncated
            }
            throw .badMagic
        }
        guard bytes.count > 7 else { throw .truncated }
        guard bytes[7] == SealedFormat.version else { throw .unsupportedVersion(bytes[7]) }
        guard bytes.count >= SealedFormat.headerLength else { throw .truncated }
        let suite = UInt16(bytes[8]) << 8 | UInt16(bytes[9])
        guard suite == SealedFormat.suite else { throw .malformedHeader("unknown suite \(suite)") }
        let frame = bytes[10..<14].reduce(0) { $0 << 8 | Int($1) }
        guard frame == SealedFormat.frameLength else { throw .malformedHeader("frame length \(frame), expected 65536") }
        return SealedHeader(repoId: Array(bytes[14..<30]), pathDigest: Array(bytes[30..<62]),
                            fileId: Array(bytes[62..<94]), commitment: Array(bytes[94..<126]),
                            tag: Array(bytes[126..<142]))
    }

    /// Checks 1 to 6 of docs/FORMAT.md 1.1: everything that needs no key. The pre-commit hook uses this.
    public static func verifyOffline(_ prefix: [UInt8], repoId: [UInt8], path: String) throws -> SealedHeader {
        let header = try parse(prefix)
        guard header.repoId == repoId else { throw EnvelopeError.wrongRepository }
        guard header.pathDigest == (try SealedFormat.pathDigest(path)) else { throw EnvelopeError.wrongPath }
        return header
    }
}

extension UInt32 {
    var bigEndianBytes: [UInt8] { [UInt8(self >> 24), UInt8(self >> 16 & 0xff), UInt8(self >> 8 & 0xff), UInt8(self & 0xff)] }
}

extension UInt64 {
    var bigEndianBytes: [UInt8] { (0..<8).reversed().map { UInt8(self >> (UInt64($0) * 8) & 0xff) } }
}
