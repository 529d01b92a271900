internal import COpenSSL

/// Reads files written by `openssl enc -aes256 -kfile KEYFILE` (aws-kms-boilerplate's format):
/// `Salted__` + 8-byte salt + AES-256-CBC with PKCS#7 padding, key and IV from
/// `EVP_BytesToKey(aes-256-cbc, md, salt, password, count 1)`. No MAC: a wrong key passes the
/// padding check about 1 time in 256, so callers decide the digest over many files.
/// SeeAlso: https://www.openssl.org/docs/man3.0/man1/openssl-enc.html, ../shared/BOILERPLATE.md
public enum LegacyOpenSSLEnc {
    /// The digest `EVP_BytesToKey` used: SHA-256 on OpenSSL 1.1.0+, MD5 on 1.0.2 and LibreSSL.
    public enum KeyDigest: String, Sendable, CaseIterable {
        /// OpenSSL 1.1.0 and later.
        case sha256
        /// OpenSSL 1.0.2, LibreSSL (macOS).
        case md5
    }

    /// Why a file did not open.
    public enum Failure: Error, Equatable, Sendable {
        /// No `Salted__` header.
        case notSalted
        /// Not a whole number of blocks after the header.
        case badLength
        /// The padding is invalid: wrong password or digest, or a damaged file.
        case badPadding
    }

    /// `-kfile` reads one line: the password is the key file's bytes before the first LF or NUL.
    public static func password(fromKeyFile key: SecureBytes) -> SecureBytes {
        key.withUnsafeBytes { raw in
            let end = raw.firstIndex { $0 == 0x0A || $0 == 0x00 } ?? raw.count
            return SecureBytes(copying: UnsafeRawBufferPointer(rebasing: raw[0..<end]))
        }
    }

    /// Decrypts one file's bytes.
    public static func decrypt(_ data: [UInt8], password: SecureBytes, digest: KeyDigest) throws -> SecureBytes {
        guard data.count >= 16, Array(data[0..<8]) == Array("Salted__".utf8) else { throw Failure.notSalted }
        let body = data.count - 16
        guard body > 0, body % 16 == 0 else { throw Failure.badLength }
        let salt = Array(data[8..<16])
        let keyIV = SecureBytes(count: 48)
        let md = digest == .sha256 ? EVP_sha256() : EVP_md5()
        let derived = keyIV.withUnsafeMutableBytes { out in
            password.withUnsafeBytes { pw in
                EVP_BytesToKey(EVP_aes_256_cbc(), md, salt, pw.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(pw.count), 1,
                               out.baseAddress!.assumingMemoryBound(to: UInt8.self), out.baseAddress!.assumingMemoryBound(to: UInt8.self) + 32)
            }
        }
        guard derived == 32 else { throw CryptoError.lastOpenSSL("EVP_BytesToKey") }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError.lastOpenSSL("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        let out = SecureBytes(count: body + 16)
        var produced: Int32 = 0
        var tail: Int32 = 0
        let ok = keyIV.withUnsafeBytes { kiv -> Bool in
            let base = kiv.baseAddress!.assumingMemoryBound(to: UInt8.self)
            guard EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), nil, base, base + 32) == 1 else { return false }
            return out.withUnsafeMutableBytes { o in
                data.withUnsafeBufferPointer { d in
                    let dst = o.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    guard EVP_DecryptUpdate(ctx, dst, &produced, d.baseAddress! + 16, Int32(body)) == 1 else { return false }
                    return EVP_DecryptFinal_ex(ctx, dst + Int(produced), &tail) == 1
                }
            }
        }
        guard ok else {
            ERR_clear_error()
            throw Failure.badPadding
        }
        let length = Int(produced + tail)
        return out.withUnsafeBytes { SecureBytes(copying: UnsafeRawBufferPointer(rebasing: $0[0..<length])) }
    }
}
