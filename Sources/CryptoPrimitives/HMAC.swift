internal import COpenSSL

/// Streaming HMAC-SHA-256 through OpenSSL 3's EVP_MAC API (HMAC_CTX is deprecated in 3.0).
/// SeeAlso: https://www.openssl.org/docs/man3.0/man7/EVP_MAC-HMAC.html
public final class HMAC {
    private let mac: OpaquePointer
    private let ctx: OpaquePointer

    /// Starts an HMAC-SHA-256 keyed with `key`.
    public init(key: SecureBytes) throws {
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else { throw CryptoError.lastOpenSSL("EVP_MAC_fetch") }
        guard let ctx = EVP_MAC_CTX_new(mac) else {
            EVP_MAC_free(mac)
            throw CryptoError.lastOpenSSL("EVP_MAC_CTX_new")
        }
        self.mac = mac
        self.ctx = ctx
        // OSSL_PARAM keeps pointers to name and value: build and use it inside one scope (NOTES.md).
        let ok: Int32 = "digest".withCString { name in
            "SHA256".withCString { value in
                var params = [
                    OSSL_PARAM_construct_utf8_string(name, UnsafeMutablePointer(mutating: value), 0),
                    OSSL_PARAM_construct_end(),
                ]
                return key.withUnsafeBytes { k in
                    EVP_MAC_init(ctx, k.baseAddress?.assumingMemoryBound(to: UInt8.self), k.count, &params)
                }
            }
        }
        guard ok == 1 else { throw CryptoError.lastOpenSSL("EVP_MAC_init") }
    }

    deinit {
        EVP_MAC_CTX_free(ctx)
        EVP_MAC_free(mac)
    }

    /// Feeds bytes.
    public func update(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        guard EVP_MAC_update(ctx, base.assumingMemoryBound(to: UInt8.self), bytes.count) == 1 else {
            throw CryptoError.lastOpenSSL("EVP_MAC_update")
        }
    }

    /// Feeds an array.
    public func update(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { (b) in try update(b) }
    }

    /// Returns the 32-byte tag.
    public func finish() throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var len = 0
        guard EVP_MAC_final(ctx, &out, &len, out.count) == 1, len == 32 else { throw CryptoError.lastOpenSSL("EVP_MAC_final") }
        return out
    }

    /// One-shot HMAC-SHA-256.
    public static func authenticate(key: SecureBytes, _ bytes: [UInt8]) throws -> [UInt8] {
        let h = try HMAC(key: key)
        try h.update(bytes)
        return try h.finish()
    }
}
