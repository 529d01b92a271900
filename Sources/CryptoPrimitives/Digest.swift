internal import COpenSSL

/// Hash functions offered by the primitives.
public enum DigestAlgorithm: Sendable {
    /// SHA-256.
    case sha256
    /// SHA-512.
    case sha512
    /// SHA-1, only to name files the way the AWS CLI does (never for security).
    case sha1

    var md: OpaquePointer? {
        switch self {
        case .sha256: EVP_sha256()
        case .sha512: EVP_sha512()
        case .sha1: EVP_sha1()
        }
    }
    /// Output length in bytes.
    public var outputLength: Int {
        switch self {
        case .sha256: 32
        case .sha512: 64
        case .sha1: 20
        }
    }
}

/// A streaming hash (EVP_Digest*). Used for public values such as a sealed file's fingerprint.
public final class Digest {
    private let ctx: OpaquePointer
    private let algorithm: DigestAlgorithm

    /// Starts a hash.
    public init(_ algorithm: DigestAlgorithm) throws {
        guard let ctx = EVP_MD_CTX_new() else { throw CryptoError.lastOpenSSL("EVP_MD_CTX_new") }
        self.ctx = ctx
        self.algorithm = algorithm
        guard EVP_DigestInit_ex(ctx, algorithm.md, nil) == 1 else { throw CryptoError.lastOpenSSL("EVP_DigestInit_ex") }
    }

    deinit { EVP_MD_CTX_free(ctx) }

    /// Feeds bytes.
    public func update(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        guard EVP_DigestUpdate(ctx, base, bytes.count) == 1 else { throw CryptoError.lastOpenSSL("EVP_DigestUpdate") }
    }

    /// Feeds an array.
    public func update(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { (b) in try update(b) }
    }

    /// Returns the digest; the object must not be used afterwards.
    public func finish() throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: algorithm.outputLength)
        var len: UInt32 = 0
        guard EVP_DigestFinal_ex(ctx, &out, &len) == 1 else { throw CryptoError.lastOpenSSL("EVP_DigestFinal_ex") }
        return out
    }

    /// One-shot hash of `bytes`.
    public static func hash(_ algorithm: DigestAlgorithm, _ bytes: [UInt8]) throws -> [UInt8] {
        let d = try Digest(algorithm)
        try d.update(bytes)
        return try d.finish()
    }
}
