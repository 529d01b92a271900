import CryptoPrimitives

/// Pairs sent with every key request; KMS and the local provider both refuse to unwrap under a
/// different context. Keys and values are not secret (they appear in CloudTrail).
public typealias EncryptionContext = [String: String]

/// A freshly generated data key: the plaintext (in memory only) and its wrapped form.
public struct GeneratedDataKey: Sendable {
    /// The 32-byte data key. Never written, printed or logged.
    public let plaintext: SecureBytes
    /// The wrapped key, byte for byte as the provider returned it.
    public let wrapped: [UInt8]
    /// The provider's canonical key id (for KMS the key ARN).
    public let keyId: String

    /// A generated key.
    public init(plaintext: SecureBytes, wrapped: [UInt8], keyId: String) {
        self.plaintext = plaintext
        self.wrapped = wrapped
        self.keyId = keyId
    }
}

/// A key source: two verbs, nothing more (STYLE.md habit 7).
public protocol KeyProvider: Sendable {
    /// Creates a new 256-bit data key bound to `context`.
    func generateDataKey(context: EncryptionContext) throws -> GeneratedDataKey
    /// Unwraps a key that `generateDataKey` produced under the same `context`.
    func unwrap(_ wrapped: [UInt8], context: EncryptionContext) throws -> SecureBytes
}
