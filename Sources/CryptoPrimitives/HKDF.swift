internal import COpenSSL

/// HKDF (RFC 5869) through `EVP_PKEY_derive`, which copies its inputs.
/// SeeAlso: https://www.openssl.org/docs/man3.0/man3/EVP_PKEY_CTX_set_hkdf_md.html
public enum HKDF {
    /// Extract-then-expand `length` bytes from `ikm`.
    public static func derive(_ digest: DigestAlgorithm, ikm: SecureBytes, salt: [UInt8], info: [UInt8],
                              length: Int) throws -> SecureBytes {
        guard let pctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nil) else { throw CryptoError.lastOpenSSL("EVP_PKEY_CTX_new_id") }
        defer { EVP_PKEY_CTX_free(pctx) }
        let setup = ikm.withUnsafeBytes { k in
            salt.withUnsafeBufferPointer { s in
                info.withUnsafeBufferPointer { i in
                    secrets_hkdf_setup(pctx, digest.md, s.baseAddress, Int32(s.count),
                                       k.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(k.count),
                                       i.baseAddress, Int32(i.count))
                }
            }
        }
        guard setup == 1 else { throw CryptoError.lastOpenSSL("EVP_PKEY_CTX_set_hkdf_*") }
        let out = SecureBytes(count: length)
        var outLen = length
        let ok = out.withUnsafeMutableBytes { o in
            EVP_PKEY_derive(pctx, o.baseAddress?.assumingMemoryBound(to: UInt8.self), &outLen)
        }
        guard ok == 1, outLen == length else { throw CryptoError.lastOpenSSL("EVP_PKEY_derive") }
        return out
    }
}
