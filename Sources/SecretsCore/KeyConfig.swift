import Foundation

/// `.key/config.json` (docs/FORMAT.md section 2): everything about the data key except the
/// wrapped key itself, which stays alone in `.key/ciphertext_blob`.
public struct KeyConfig: Codable, Equatable, Sendable {
    /// Layout version of this file.
    public var version: Int
    /// Sealed-file format version the repo writes.
    public var format: Int
    /// `local` or `aws-kms`.
    public var provider: String
    /// As given to `init`.
    public var keyId: String
    /// Resolved KMS key ARN (aws-kms only).
    public var keyArn: String?
    /// KMS region (aws-kms only).
    public var region: String?
    /// Repository identity, 32 hex digits.
    public var repoId: String
    /// A non-standard KMS endpoint used at init. Informational only: it is never used unless
    /// the same endpoint comes from --endpoint-url, the environment or the user's AWS profile,
    /// so a cloned repository cannot redirect signed requests.
    public var endpoint: String?
    /// Sent with every key request.
    public var encryptionContext: [String: String]
    /// RFC 3339 time of `init`.
    public var createdAt: String

    /// The newest layout this build reads and writes.
    public static let currentVersion = 1
    /// Context key naming the repository.
    public static let repoContextKey = "secrets:repo"

    /// Parses and validates the file's bytes; `path` is only for messages.
    static func decode(_ bytes: [UInt8], path: String) throws -> KeyConfig {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(bytes)) } catch {
            throw SecretsError(.config, "\(path): not valid JSON", hint: "restore it from git: git checkout -- .key/config.json")
        }
        guard let dict = object as? [String: Any], let version = dict["version"] as? Int else {
            throw SecretsError(.config, "\(path): missing integer \"version\"", hint: "restore it from git: git checkout -- .key/config.json")
        }
        guard version <= currentVersion else {
            throw SecretsError(.config, "\(path): version \(version) was written by a newer secrets (this one reads \(currentVersion))",
                               hint: "upgrade secrets")
        }
        let config: KeyConfig
        do { config = try JSONDecoder().decode(KeyConfig.self, from: Data(bytes)) } catch {
            throw SecretsError(.config, "\(path): malformed (\(describe(error)))", hint: "restore it from git: git checkout -- .key/config.json")
        }
        guard config.version >= 1 else { throw SecretsError(.config, "\(path): version \(config.version) is not valid", hint: nil) }
        guard config.format == 1 else {
            throw SecretsError(.config, "\(path): sealed-file format \(config.format) is not supported by this secrets", hint: "upgrade secrets")
        }
        guard config.repoIdBytes != nil else {
            throw SecretsError(.config, "\(path): \"repoId\" must be 32 hex digits", hint: "restore it from git: git checkout -- .key/config.json")
        }
        guard config.encryptionContext[repoContextKey] == config.repoId else {
            throw SecretsError(.config, "\(path): encryptionContext[\"\(repoContextKey)\"] must equal repoId",
                               hint: "restore it from git: git checkout -- .key/config.json")
        }
        return config
    }

    /// Pretty, sorted JSON with a trailing newline, so diffs stay small.
    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }

    /// The 16 bytes of `repoId`, or nil when malformed.
    var repoIdBytes: [UInt8]? {
        let chars = Array(repoId.utf8)
        guard chars.count == 32 else { return nil }
        var out: [UInt8] = []
        for i in stride(from: 0, to: 32, by: 2) {
            guard let b = UInt8(String(decoding: chars[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(b)
        }
        return out
    }

    private static func describe(_ error: Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _): "missing \"\(key.stringValue)\""
        case .typeMismatch(_, let c), .valueNotFound(_, let c):
            "wrong type at \"\(c.codingPath.map(\.stringValue).joined(separator: "."))\""
        default: "unreadable"
        }
    }
}
