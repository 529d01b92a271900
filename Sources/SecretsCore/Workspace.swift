import CryptoPrimitives
import Envelope
import Files
import GitRepository
import KMS

/// The repository `secrets` works in, and where its parts live.
public struct Workspace {
    /// Folder names at the top of the work tree.
    public static let decryptedName = ".decrypted"
    /// Sealed tree.
    public static let encryptedName = ".encrypted"
    /// Key folder.
    public static let keyName = ".key"
    /// The wrapped key, byte for byte as the provider returned it.
    public static let blobName = "ciphertext_blob"
    /// Everything else about the key.
    public static let configName = "config.json"

    /// The work tree root.
    public let root: String
    /// This checkout's git folder (per worktree).
    public let gitDirectory: String
    /// The repository handle.
    public let git: GitRepository
    /// The process environment (provider settings, SECRETS_HOME, HOME).
    public let environment: [String: String]
    /// AWS flags (profile, region, endpoint, debug).
    public let aws: AWSFlags

    /// Discovers the repository around the current folder.
    public init(environment: [String: String], aws: AWSFlags = AWSFlags()) throws {
        do { git = try GitRepository() } catch { throw SecretsError.from(error) }
        root = git.workTree
        gitDirectory = git.gitDirectory
        self.environment = environment
        self.aws = aws
    }

    var decrypted: String { Path.join(root, Self.decryptedName) }
    var encrypted: String { Path.join(root, Self.encryptedName) }
    var keyDirectory: String { Path.join(root, Self.keyName) }
    var blobPath: String { Path.join(keyDirectory, Self.blobName) }
    var configPath: String { Path.join(keyDirectory, Self.configName) }
    var statePath: String { Path.join(gitDirectory, "secrets/state.json") }
    var fingerprintsPath: String { Path.join(gitDirectory, "secrets/fingerprints") }

    /// `.key/config.json` relative, for messages.
    static let configDisplay = ".key/config.json"
    static let blobDisplay = ".key/ciphertext_blob"

    /// Loads `.key/config.json`, or throws `notInitialised`.
    public func loadConfig() throws -> KeyConfig {
        guard try io({ try Posix.info(configPath) }) != nil else {
            throw SecretsError(.notInitialised, "\(root): secrets is not initialised here (no \(Self.configDisplay))",
                               hint: "run: secrets init --kms-id local:NAME (or an AWS KMS key id or alias)")
        }
        let bytes = try io { try Posix.readAll(configPath, limit: 64 * 1024) }
        return try KeyConfig.decode(bytes, path: Self.configDisplay)
    }

    /// Reads the wrapped key.
    func loadWrappedKey() throws -> [UInt8] {
        guard try io({ try Posix.info(blobPath) }) != nil else {
            throw SecretsError(.notInitialised, "\(Self.blobDisplay) is missing but \(Self.configDisplay) exists",
                               hint: "restore it from git: git checkout -- .key/ciphertext_blob")
        }
        let blob = try io { try Posix.readAll(blobPath, limit: 64 * 1024) }
        guard !blob.isEmpty else {
            throw SecretsError(.key, "\(Self.blobDisplay) is empty", hint: "restore it from git: git checkout -- .key/ciphertext_blob")
        }
        return blob
    }

    /// Unwraps the repository's data key: the one key-provider call of a command.
    func unlock(_ config: KeyConfig) throws -> UnlockedKey {
        let provider = try KeyProviders.make(config: config, environment: environment, aws: aws)
        let blob = try loadWrappedKey()
        let dataKey: SecureBytes
        do { dataKey = try provider.unwrap(blob, context: config.encryptionContext) } catch { throw SecretsError.from(error) }
        guard let repoId = config.repoIdBytes else { throw SecretsError(.config, "\(Self.configDisplay): bad repoId", hint: nil) }
        return try UnlockedKey(dataKey: dataKey, repoId: repoId)
    }
}

/// The unwrapped data key and the keys derived from it for this command.
struct UnlockedKey {
    let sealer: SealedFile
    let repoId: [UInt8]
    /// Keys the plaintext hashes kept in the sync state, so a copy of `.git/` alone does not
    /// allow guessing short secrets from unkeyed hashes.
    let stateKey: SecureBytes

    init(dataKey: SecureBytes, repoId: [UInt8]) throws {
        sealer = SealedFile(dataKey: dataKey)
        self.repoId = repoId
        do {
            stateKey = try HKDF.derive(.sha256, ikm: dataKey, salt: repoId, info: Array("secrets/v1/state".utf8), length: 32)
        } catch { throw SecretsError(.key, "deriving the state key failed: \(error)", hint: nil) }
    }

    func binding(_ path: String) -> SealedFile.Binding { .init(repoId: repoId, path: path) }
}

/// Runs a file-system step, turning `FileError` into a `SecretsError`.
func io<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch { throw SecretsError.from(error) }
}
