import CryptoPrimitives
import Envelope
import Files
import Foundation

/// What `init` did, line by line, for the CLI to print.
public struct InitReport: Sendable {
    /// True when the repo was already initialised and nothing changed.
    public var unchanged: Bool
    /// Human-readable steps taken.
    public var lines: [String]
}

extension Workspace {
    /// `secrets init`: creates the data key (one provider call) and the `.key/` files, creates
    /// `.decrypted/` and `.encrypted/`, and makes git ignore `.decrypted/`.
    public func initialize(kmsId: String, context extra: [String: String], force: Bool, now: Date = Date()) throws -> InitReport {
        if let existing = try existingConfig() {
            if !force {
                return InitReport(unchanged: true, lines: [
                    "already initialised with \(existing.keyId) (repo \(existing.repoId)); nothing changed",
                ])
            }
            let sealed = try io { try TreeWalk.files(under: encrypted) }
            guard sealed.isEmpty else {
                throw SecretsError(.usage, "refusing to replace the data key: \(Self.encryptedName)/ holds \(sealed.count) sealed file(s) that only the current key opens",
                                   hint: "keep the current key; to start over, unseal, move .encrypted/ and .key/ aside yourself, then init")
            }
        }
        for key in extra.keys where key == KeyConfig.repoContextKey {
            throw SecretsError(.usage, "--context \(key)=...: \(key) is set by secrets itself", hint: "choose another key name")
        }
        let setup = try KeyProviders.make(kmsId: kmsId, environment: environment, aws: aws)
        let repoId = try io { try Random.bytes(16) }
        var context = extra
        context[KeyConfig.repoContextKey] = hex(repoId)
        // The plaintext key is a SecureBytes: it is wiped when `generated` goes out of scope.
        let generated: GeneratedDataKey
        do { generated = try setup.provider.generateDataKey(context: context) } catch { throw SecretsError.from(error) }

        let config = KeyConfig(version: KeyConfig.currentVersion, format: 1, provider: setup.name, keyId: kmsId,
                               keyArn: setup.name == "local" ? nil : generated.keyId, region: setup.region,
                               repoId: hex(repoId), endpoint: setup.endpoint, encryptionContext: context,
                               createdAt: ISO8601DateFormatter().string(from: now))
        var lines: [String] = []
        try io {
            try Posix.makeDirectories(keyDirectory, mode: 0o755)
            // Blob first, config last: the config is what marks the repository initialised.
            try AtomicFile.write(blobPath, bytes: generated.wrapped, mode: 0o644)
            try AtomicFile.write(configPath, bytes: try config.encoded(), mode: 0o644)
        }
        lines.append("created data key with \(config.keyArn ?? kmsId) (repo \(config.repoId))")
        lines.append("wrote \(Self.blobDisplay) and \(Self.configDisplay)")
        try io {
            try Posix.makeDirectories(decrypted, mode: 0o700)
            try Posix.setMode(decrypted, 0o700)
            try Posix.makeDirectories(encrypted, mode: 0o755)
        }
        lines.append("created \(Self.decryptedName)/ (mode 0700) and \(Self.encryptedName)/")
        if try ignoreDecrypted() { lines.append("added /\(Self.decryptedName)/ to .gitignore") }
        return InitReport(unchanged: false, lines: lines)
    }

    private func existingConfig() throws -> KeyConfig? {
        guard try io({ try Posix.info(configPath) }) != nil else {
            if try io({ try Posix.info(blobPath) }) != nil {
                throw SecretsError(.config, "\(Self.blobDisplay) exists without \(Self.configDisplay)",
                                   hint: "restore .key/config.json from git, or move the stray .key/ aside before init")
            }
            return nil
        }
        return try loadConfig()
    }

    /// Appends `/.decrypted/` to the top-level `.gitignore` unless git already ignores it.
    /// Returns true when the file changed.
    func ignoreDecrypted() throws -> Bool {
        let probe = Self.decryptedName + "/probe"
        let ignored: Bool
        do { ignored = try git.isIgnored(probe) } catch { throw SecretsError.from(error) }
        if ignored { return false }
        let path = Path.join(root, ".gitignore")
        var contents = try io { try Posix.info(path) != nil ? try Posix.readAll(path) : [] }
        if let last = contents.last, last != 0x0A { contents.append(0x0A) }
        contents += Array("/\(Self.decryptedName)/\n".utf8)
        try io { try AtomicFile.write(path, bytes: contents, mode: 0o644) }
        return true
    }
}
