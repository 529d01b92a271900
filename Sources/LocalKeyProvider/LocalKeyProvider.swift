import CryptoPrimitives
import Envelope
import Files

/// Why the embedded local provider failed. Messages name the file; none carries key bytes.
public enum LocalKeyError: Error, Equatable, Sendable {
    /// `local:NAME` with a name outside `[A-Za-z0-9._-]{1,64}` or starting with `.`.
    case invalidName(String)
    /// Neither SECRETS_HOME, XDG_CONFIG_HOME nor HOME is set.
    case noConfigDirectory
    /// The master key file does not exist.
    case masterKeyMissing(path: String)
    /// The master key file is not 32 bytes.
    case masterKeyMalformed(path: String, size: Int)
    /// The master key file can be read by group or others.
    case masterKeyExposed(path: String, mode: UInt32)
    /// `.key/ciphertext_blob` is not a local wrapped key.
    case wrappedKeyMalformed
    /// The wrapped key did not open: another master key of the same name, or a changed context.
    case unwrapFailed(path: String)
    /// A file-system failure.
    case file(FileError)
    /// An OpenSSL failure.
    case crypto(String)
}

/// The embedded default provider (`--kms-id local:NAME`): a 256-bit master key kept in the
/// user's config folder, never in the repository, wrapping data keys as docs/FORMAT.md section 3
/// says. It binds the encryption context the way KMS does, so the core treats both alike.
public struct LocalKeyProvider: KeyProvider {
    /// The key name after `local:`.
    public let name: String
    /// The folder holding `keys/NAME.key`.
    public let configDirectory: String

    static let magic = Array("SLK1".utf8)
    static let wrappedLength = 4 + 12 + 32 + 16

    /// The provider for `local:NAME`, with its config folder resolved from `environment`.
    public init(name: String, environment: [String: String]) throws(LocalKeyError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard (1...64).contains(name.count), !name.hasPrefix("."), name.allSatisfy({ allowed.contains($0) }) else {
            throw .invalidName(name)
        }
        guard let dir = Self.configDirectory(environment: environment) else { throw .noConfigDirectory }
        self.name = name
        configDirectory = dir
    }

    /// `$SECRETS_HOME`, else `$XDG_CONFIG_HOME/secrets`, else `~/.config/secrets`.
    public static func configDirectory(environment env: [String: String]) -> String? {
        if let v = env["SECRETS_HOME"], !v.isEmpty { return v }
        if let v = env["XDG_CONFIG_HOME"], !v.isEmpty { return Path.join(v, "secrets") }
        if let v = env["HOME"], !v.isEmpty { return Path.join(v, ".config/secrets") }
        return nil
    }

    /// Where the master key lives.
    public var masterKeyPath: String { Path.join(configDirectory, "keys/\(name).key") }

    /// See `KeyProvider`. Creates the master key on first use.
    public func generateDataKey(context: EncryptionContext) throws -> GeneratedDataKey {
        let master = try loadMasterKey(createIfMissing: true)
        let dataKey = try crypto { try SecureBytes(randomCount: 32) }
        let nonce = try crypto { try Random.bytes(12) }
        var sealed = [UInt8](repeating: 0, count: 32)
        let tag = try crypto {
            try dataKey.withUnsafeBytes { d in
                try sealed.withUnsafeMutableBytes { try AESGCM(key: master).seal(nonce: nonce, aad: aad(context), input: d, output: $0) }
            }
        }
        return GeneratedDataKey(plaintext: dataKey, wrapped: Self.magic + nonce + sealed + tag, keyId: "local:\(name)")
    }

    /// See `KeyProvider`. Never creates a master key.
    public func unwrap(_ wrapped: [UInt8], context: EncryptionContext) throws -> SecureBytes {
        guard wrapped.count == Self.wrappedLength, Array(wrapped[0..<4]) == Self.magic else {
            throw LocalKeyError.wrappedKeyMalformed
        }
        let master = try loadMasterKey(createIfMissing: false)
        let out = SecureBytes(count: 32)
        do {
            try Array(wrapped[16..<48]).withUnsafeBytes { c in
                try out.withUnsafeMutableBytes {
                    try AESGCM(key: master).open(nonce: Array(wrapped[4..<16]), aad: aad(context), input: c,
                                                 tag: Array(wrapped[48..<64]), output: $0)
                }
            }
        } catch CryptoError.authenticationFailed {
            throw LocalKeyError.unwrapFailed(path: masterKeyPath)
        } catch let error as CryptoError {
            throw LocalKeyError.crypto("\(error)")
        }
        return out
    }

    func aad(_ context: EncryptionContext) -> [UInt8] {
        var out = Array("secrets/v1/local-wrap".utf8) + [0] + Array(name.utf8) + [0]
        for key in context.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            for part in [key, context[key] ?? ""] {
                let bytes = Array(part.utf8)
                out += [UInt8(bytes.count >> 24 & 0xff), UInt8(bytes.count >> 16 & 0xff), UInt8(bytes.count >> 8 & 0xff), UInt8(bytes.count & 0xff)]
                out += bytes
            }
        }
        return out
    }

    private func loadMasterKey(createIfMissing: Bool) throws -> SecureBytes {
        let path = masterKeyPath
        do {
            guard let info = try Posix.info(path) else {
                guard createIfMissing else { throw LocalKeyError.masterKeyMissing(path: path) }
                return try create(path)
            }
            guard info.kind == .regular else { throw LocalKeyError.file(FileError(path: path, refusal: "is not a regular file")) }
            guard info.mode & 0o077 == 0 else { throw LocalKeyError.masterKeyExposed(path: path, mode: info.mode) }
            var bytes = try Posix.readAll(path, limit: 4096)
            guard bytes.count == 32 else {
                let size = bytes.count
                Wipe.array(&bytes)
                throw LocalKeyError.masterKeyMalformed(path: path, size: size)
            }
            return SecureBytes(consuming: &bytes)
        } catch let error as FileError {
            throw LocalKeyError.file(error)
        }
    }

    private func create(_ path: String) throws -> SecureBytes {
        try Posix.makeDirectories(Path.parent(path), mode: 0o700)
        try Posix.setMode(configDirectory, 0o700)
        try Posix.setMode(Path.parent(path), 0o700)
        let key = try crypto { try SecureBytes(randomCount: 32) }
        do {
            // link(2) never replaces: if another process created the key first, use theirs.
            try AtomicFile.write(path, mode: 0o600, exclusive: true) { w in try key.withUnsafeBytes { try w.write($0) } }
        } catch let error as FileError where error.code == EEXISTCode {
            return try loadMasterKey(createIfMissing: false)
        }
        return key
    }

    private func crypto<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as CryptoError { throw LocalKeyError.crypto("\(error)") }
    }
}

#if canImport(Glibc)
import Glibc
let EEXISTCode = EEXIST
#elseif canImport(Darwin)
import Darwin
let EEXISTCode = EEXIST
#endif
