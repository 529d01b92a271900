internal import COpenSSL

/// AES-256-GCM with one key and many (caller-chosen, never repeated) 12-byte nonces.
/// The key schedule is set once; each call only resets the IV, which keeps per-frame cost low.
/// SeeAlso: https://www.openssl.org/docs/man3.0/man3/EVP_EncryptInit.html (GCM mode)
public final class AESGCM {
    /// Key length in bytes.
    public static let keyLength = 32
    /// Nonce length in bytes.
    public static let nonceLength = 12
    /// Tag length in bytes.
    public static let tagLength = 16

    private let encryptCtx: OpaquePointer
    private let decryptCtx: OpaquePointer

    /// Prepares encryption and decryption under `key` (32 bytes).
    public init(key: SecureBytes) throws {
        guard key.count == Self.keyLength else {
            throw CryptoError.invalidLength(what: "AES-256-GCM key", expected: Self.keyLength, actual: key.count)
        }
        guard let e = EVP_CIPHER_CTX_new() else { throw CryptoError.lastOpenSSL("EVP_CIPHER_CTX_new") }
        guard let d = EVP_CIPHER_CTX_new() else {
            EVP_CIPHER_CTX_free(e)
            throw CryptoError.lastOpenSSL("EVP_CIPHER_CTX_new")
        }
        encryptCtx = e
        decryptCtx = d
        let ok = key.withUnsafeBytes { k -> Bool in
            let kp = k.baseAddress?.assumingMemoryBound(to: UInt8.self)
            return EVP_EncryptInit_ex(e, EVP_aes_256_gcm(), nil, nil, nil) == 1
                && secrets_gcm_set_ivlen(e, Int32(Self.nonceLength)) == 1
                && EVP_EncryptInit_ex(e, nil, nil, kp, nil) == 1
                && EVP_DecryptInit_ex(d, EVP_aes_256_gcm(), nil, nil, nil) == 1
                && secrets_gcm_set_ivlen(d, Int32(Self.nonceLength)) == 1
                && EVP_DecryptInit_ex(d, nil, nil, kp, nil) == 1
        }
        guard ok else { throw CryptoError.lastOpenSSL("EVP_EncryptInit_ex") }
    }

    deinit {
        // EVP_CIPHER_CTX_free cleanses the key schedule.
        EVP_CIPHER_CTX_free(encryptCtx)
        EVP_CIPHER_CTX_free(decryptCtx)
    }

    /// Encrypts `input` into `output` (same length) and returns the tag.
    public func seal(nonce: [UInt8], aad: [UInt8], input: UnsafeRawBufferPointer,
                     output: UnsafeMutableRawBufferPointer) throws -> [UInt8] {
        try checkLengths(nonce: nonce, input: input.count, output: output.count)
        let ctx = encryptCtx
        guard nonce.withUnsafeBufferPointer({ EVP_EncryptInit_ex(ctx, nil, nil, nil, $0.baseAddress) }) == 1 else {
            throw CryptoError.lastOpenSSL("EVP_EncryptInit_ex")
        }
        var outLen: Int32 = 0
        if !aad.isEmpty {
            guard aad.withUnsafeBufferPointer({ EVP_EncryptUpdate(ctx, nil, &outLen, $0.baseAddress, Int32($0.count)) }) == 1
            else { throw CryptoError.lastOpenSSL("EVP_EncryptUpdate(aad)") }
        }
        if input.count > 0 {
            guard EVP_EncryptUpdate(ctx, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &outLen,
                                    input.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(input.count)) == 1
            else { throw CryptoError.lastOpenSSL("EVP_EncryptUpdate") }
        }
        var scratch = [UInt8](repeating: 0, count: 16)
        guard EVP_EncryptFinal_ex(ctx, &scratch, &outLen) == 1 else { throw CryptoError.lastOpenSSL("EVP_EncryptFinal_ex") }
        var tag = [UInt8](repeating: 0, count: Self.tagLength)
        guard secrets_gcm_get_tag(ctx, &tag, Int32(Self.tagLength)) == 1 else { throw CryptoError.lastOpenSSL("EVP_CTRL_GCM_GET_TAG") }
        return tag
    }

    /// Decrypts `input` into `output` and verifies `tag`. On failure `output` is wiped and
    /// `CryptoError.authenticationFailed` is thrown: no unauthenticated byte survives.
    public func open(nonce: [UInt8], aad: [UInt8], input: UnsafeRawBufferPointer, tag: [UInt8],
                     output: UnsafeMutableRawBufferPointer) throws {
        try checkLengths(nonce: nonce, input: input.count, output: output.count)
        guard tag.count == Self.tagLength else {
            throw CryptoError.invalidLength(what: "GCM tag", expected: Self.tagLength, actual: tag.count)
        }
        let ctx = decryptCtx
        guard nonce.withUnsafeBufferPointer({ EVP_DecryptInit_ex(ctx, nil, nil, nil, $0.baseAddress) }) == 1 else {
            throw CryptoError.lastOpenSSL("EVP_DecryptInit_ex")
        }
        var outLen: Int32 = 0
        if !aad.isEmpty {
            guard aad.withUnsafeBufferPointer({ EVP_DecryptUpdate(ctx, nil, &outLen, $0.baseAddress, Int32($0.count)) }) == 1
            else { throw CryptoError.lastOpenSSL("EVP_DecryptUpdate(aad)") }
        }
        if input.count > 0 {
            guard EVP_DecryptUpdate(ctx, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &outLen,
                                    input.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(input.count)) == 1
            else { throw CryptoError.lastOpenSSL("EVP_DecryptUpdate") }
        }
        var tagCopy = tag
        guard secrets_gcm_set_tag(ctx, &tagCopy, Int32(Self.tagLength)) == 1 else {
            throw CryptoError.lastOpenSSL("EVP_CTRL_GCM_SET_TAG")
        }
        var scratch = [UInt8](repeating: 0, count: 16)
        guard EVP_DecryptFinal_ex(ctx, &scratch, &outLen) == 1 else {
            ERR_clear_error()
            Wipe.buffer(UnsafeMutableRawBufferPointer(rebasing: output[0..<input.count]))
            throw CryptoError.authenticationFailed
        }
    }

    private func checkLengths(nonce: [UInt8], input: Int, output: Int) throws {
        guard nonce.count == Self.nonceLength else {
            throw CryptoError.invalidLength(what: "GCM nonce", expected: Self.nonceLength, actual: nonce.count)
        }
        guard output >= input else { throw CryptoError.invalidLength(what: "output buffer", expected: input, actual: output) }
    }
}
