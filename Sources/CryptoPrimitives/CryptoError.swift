internal import COpenSSL

/// Failures of the primitives. An OpenSSL failure names the function and OpenSSL's own message.
public enum CryptoError: Error, Equatable, Sendable {
    /// An OpenSSL call returned failure.
    case openssl(function: String, message: String)
    /// An AEAD tag did not verify: the input was modified or the key is wrong.
    case authenticationFailed
    /// A caller passed a buffer of the wrong size (a programming error reported, not trapped).
    case invalidLength(what: String, expected: Int, actual: Int)

    static func lastOpenSSL(_ function: String) -> CryptoError {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return .openssl(function: function, message: "no error queued") }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let message = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return .openssl(function: function, message: message)
    }
}
