import CryptoPrimitives
import Files
import GitRepository
import KMS

/// What `import` did or would do.
public struct ImportReport: Sendable {
    /// Steps, for stdout.
    public var lines: [String]
    /// Things the user must know (leaked key files, path mappings), for stderr.
    public var warnings: [String]
    /// Plaintexts that differ from the imported content and were left alone (exit 2).
    public var conflicts: [String]
}

extension Workspace {
    static let legacyBlob = ".key/ciphertext_blob_decoded"
    static let legacyTransients = [".key/plaintext_key_decoded", ".key/data_key.json"]

    /// `secrets import`: takes over a repository made by aws-kms-boilerplate
    /// (../shared/BOILERPLATE.md). Unwraps its data key (KMS Decrypt, no key id, no context),
    /// opens every `.encrypted/` file (`openssl enc -aes256 -kfile`, digest decided once for the
    /// whole repo), writes the plaintexts to `.decrypted/` (never over a different local file
    /// unless `force`), then creates a new data key (`kmsId`, default the old KMS key) and seals
    /// everything in the v1 format. The old files stay in git history.
    public func importBoilerplate(kmsId: String?, force: Bool, dryRun: Bool) throws -> ImportReport {
        guard try io({ try Posix.info(configPath) }) == nil else {
            throw SecretsError(.usage, "\(Self.configDisplay) exists: this repository already uses secrets", hint: "nothing to import")
        }
        let blobFile = Path.join(root, Self.legacyBlob)
        guard try io({ try Posix.info(blobFile) }) != nil else {
            throw SecretsError(.notInitialised, "\(Self.legacyBlob) not found: not an aws-kms-boilerplate repository",
                               hint: "run secrets init --kms-id ... to start a new one")
        }
        let blob = try io { try Posix.readAll(blobFile, limit: 64 * 1024) }
        guard !blob.isEmpty else {
            throw SecretsError(.key, "\(Self.legacyBlob) is empty (a failed first run of bin/encrypt)", hint: "there is nothing to import; run secrets init instead")
        }
        var report = ImportReport(lines: [], warnings: [], conflicts: [])
        report.warnings += try leakedKeyWarnings()

        // 1. The old data key, from KMS.
        let client = try AwsKmsKeyProvider.client(aws: aws, environment: environment, keyArn: nil, keyId: Self.legacyBlob)
        let old: (plaintext: SecureBytes, keyArn: String)
        do { old = try client.decryptUnpinned(blob) } catch let e as KMSError {
            throw AwsKmsKeyProvider.translate(e, keyId: "the key that wrapped \(Self.legacyBlob)", region: client.settings.region,
                                              source: client.credentialSource, endpoint: client.settings.endpoint, action: "kms:Decrypt")
        }
        let password = LegacyOpenSSLEnc.password(fromKeyFile: old.plaintext)
        if password.count < old.plaintext.count {
            report.lines.append("the old data key has a line break or NUL at byte \(password.count): openssl -kfile used only the bytes before it, as this import does")
        }

        // 2. Every old file, with one digest for the whole repository.
        let paths = try io { try TreeWalk.files(under: encrypted) }
        var ciphertexts: [(String, [UInt8])] = []
        for path in paths { ciphertexts.append((path, try io { try Posix.readAll(Path.join(encrypted, path), limit: 1 << 30) })) }
        var opened: [(String, SecureBytes)] = []
        var chosen: LegacyOpenSSLEnc.KeyDigest?
        var firstFailure: String?
        for digest in LegacyOpenSSLEnc.KeyDigest.allCases {
            var all: [(String, SecureBytes)] = []
            for (path, bytes) in ciphertexts {
                guard let plain = try? LegacyOpenSSLEnc.decrypt(bytes, password: password, digest: digest) else {
                    if digest == .sha256 { firstFailure = path }
                    break
                }
                all.append((path, plain))
            }
            if all.count == ciphertexts.count { opened = all; chosen = digest; break }
        }
        guard let digest = chosen else {
            throw SecretsError(.integrity, "\(Self.encryptedName)/\(firstFailure ?? "?"): does not open with the repository's data key (openssl enc, SHA-256 or MD5 key derivation)",
                               hint: "a file from before mid-2018 used the key file's path as password, or the file is damaged; move it aside and run secrets import again")
        }
        report.lines.append("opened \(opened.count) file(s) from \(Self.encryptedName)/ with the data key of \(old.keyArn) (key derivation \(digest == .sha256 ? "SHA-256, OpenSSL 1.1+" : "MD5, OpenSSL 1.0.2 or LibreSSL"))")

        // 3. Plaintexts into .decrypted/, never over a different local file.
        var writes: [(String, SecureBytes)] = []
        for (path, plain) in opened {
            if path.contains("encrypted") || path.contains("decrypted") {
                report.warnings.append("\(path): the old bin/decrypt replaced \"encrypted\" anywhere in the path, so it wrote this file elsewhere; secrets maps by the top folder only")
            }
            let target = Path.join(decrypted, path)
            if try io({ try Posix.info(target) }) != nil {
                var local = try io { try Posix.readAll(target, limit: 1 << 30) }
                defer { Wipe.array(&local) }
                let same = local.withUnsafeBytes { l in plain.withUnsafeBytes { ConstantTime.equal(l, $0) } }
                if same { continue }
                if !force { report.conflicts.append(path); continue }
            }
            writes.append((path, plain))
        }
        guard report.conflicts.isEmpty, !dryRun else {
            if dryRun { report.lines += writes.map { "would write .decrypted/\($0.0)" } + ["would create a new data key with \(kmsId ?? old.keyArn) and seal \(opened.count) file(s)"] }
            return report
        }
        try io {
            try Posix.makeDirectories(decrypted, mode: 0o700)
            try Posix.setMode(decrypted, 0o700)
            for (path, plain) in writes {
                let target = Path.join(decrypted, path)
                try Posix.makeDirectories(Path.parent(target), mode: 0o700)
                try AtomicFile.write(target, mode: 0o600) { w in try plain.withUnsafeBytes { try w.write($0) } }
            }
        }
        report.lines.append("wrote \(writes.count) plaintext(s) to \(Self.decryptedName)/ (mode 0600)")

        // 4. Old-format files out of the tree (they stay in git history), then the new key and seal.
        for path in paths { try io { try Posix.remove(Path.join(encrypted, path)) } }
        report.lines += try initialize(kmsId: kmsId ?? old.keyArn, context: [:], force: false).lines
        let sealed = try synchronize(.seal, force: false, dryRun: false)
        report.lines.append("sealed \(sealed.plan.writes.count) file(s) in the v1 format")
        // The old scripts skipped dot-files and never sealed files that were only local.
        let imported = Set(paths)
        for case .seal(let path) in sealed.plan.writes where !imported.contains(path) {
            report.warnings.append(".decrypted/\(path) was not in the old .encrypted/ (the old scripts skipped dot-files) and is now sealed too; check it before you commit")
        }
        for legacy in [Self.legacyBlob] + Self.legacyTransients {
            let file = Path.join(root, legacy)
            if try io({ try Posix.info(file) }) != nil {
                try io { try Posix.remove(file) }
                report.lines.append("removed \(legacy) (still in git history)")
            }
        }
        report.lines.append("next: git add -A .key .encrypted .gitignore && git commit -m 'Move to secrets'")
        return report
    }

    /// The boilerplate's transient files hold the plaintext data key; if present, and worse if
    /// tracked, the old key must be considered exposed.
    private func leakedKeyWarnings() throws -> [String] {
        let tracked: Set<String>
        do { tracked = Set(try git.stagedEntries().map(\.path)) } catch { throw SecretsError.from(error) }
        var out: [String] = []
        for file in Self.legacyTransients where try io({ try Posix.info(Path.join(root, file)) }) != nil {
            out.append("\(file) holds the OLD PLAINTEXT DATA KEY" + (tracked.contains(file)
                ? " and is tracked by git: anyone with the history can read every old secret; rotate those secrets and purge the file from history"
                : "; it was never meant to persist") + ". import replaces the key and deletes the file")
        }
        return out
    }
}
