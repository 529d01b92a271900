import Envelope
import Files
import GitRepository
import LeakDetection
import CryptoPrimitives

/// What `verify --staged` found: problems that block, and warnings that do not.
public struct StagedReport: Sendable {
    /// Block the commit.
    public var findings: [Finding]
    /// Printed, commit goes ahead.
    public var warnings: [String]
}

/// How the hook treats a `.decrypted/` tree changed since the last seal
/// (`git config secrets.staleCommit`).
enum StalePolicy: String { case warn, block, off }

/// One reason to block a commit.
public struct Finding: Equatable, Sendable {
    /// The staged path, relative to the work tree.
    public let path: String
    /// What is wrong.
    public let reason: String
    /// How to fix it.
    public let hint: String
}

extension Workspace {
    /// Files that may live in `.key/`.
    static let allowedKeyFiles: Set<String> = [blobName, configName, ".gitkeep"]

    /// `secrets verify --staged`, what the pre-commit hook runs: checks what the next commit
    /// changes (index against HEAD, GIT_INDEX_FILE honoured) without the key:
    /// 1. nothing under `.decrypted/`, and nothing in `.key/` but the wrapped key and config;
    /// 2. every `.encrypted/` file is a well-formed sealed file for this repo and its path
    ///    (docs/FORMAT.md 1.1 checks 1-6 plus the body length). Only `secrets unseal` or
    ///    `secrets status`, which hold the key, prove the contents authentic.
    /// 3. no other staged file contains a secret value of `.decrypted/` (keyed-hash index);
    /// 4. `.decrypted/` has not changed since the last seal (warn, or block by setting).
    public func verifyStaged() throws -> StagedReport {
        let entries: [StagedEntry]
        do { entries = try git.stagedChanges() } catch { throw SecretsError.from(error) }
        let config = try? loadConfig()
        let repoId = config?.repoIdBytes
        let leaks = try loadLeakIndex()
        var findings: [Finding] = []
        let decryptedPrefix = Self.decryptedName + "/"
        let encryptedPrefix = Self.encryptedName + "/"
        let keyPrefix = Self.keyName + "/"
        for entry in entries {
            let path = entry.path
            // aws-kms-boilerplate tracked .decrypted/.gitkeep; an empty placeholder is no secret.
            if path.hasPrefix(decryptedPrefix) && Path.name(path) != ".gitkeep" {
                findings.append(Finding(path: path, reason: "plaintext from .decrypted/ is staged",
                                        hint: "git rm --cached -- '\(path)' (then secrets seal to commit it encrypted)"))
            } else if path.hasPrefix(keyPrefix) {
                let name = String(path.dropFirst(keyPrefix.count))
                if !Self.allowedKeyFiles.contains(name) {
                    findings.append(Finding(path: path, reason: "only ciphertext_blob and config.json belong in .key/ (this may be key material)",
                                            hint: "git rm --cached -- '\(path)' and delete it if it holds a plaintext key"))
                }
            } else if path.hasPrefix(encryptedPrefix) {
                let relative = String(path.dropFirst(encryptedPrefix.count))
                if Path.name(relative) == ".gitkeep" { continue }
                if let problem = try sealedProblem(entry, relative: relative, repoId: repoId) {
                    findings.append(Finding(path: path, reason: problem,
                                            hint: "git rm --cached -- '\(path)'; put plaintext in .decrypted/\(relative) and run secrets seal"))
                }
            } else if let (index, key) = leaks, let source = try leakedSecret(entry, index: index, key: key) {
                findings.append(Finding(path: path, reason: "contains a secret value from .decrypted/\(source)",
                                        hint: "remove it and load the value from .decrypted/ at run time; if it is not secret, change it in .decrypted/\(source) and run secrets seal"))
            }
        }
        var warnings: [String] = []
        if config != nil, let stale = try staleness(), !stale.isEmpty {
            let policy = try stalePolicy()
            let list = stale.prefix(5).joined(separator: ", ") + (stale.count > 5 ? ", ..." : "")
            let reason = ".decrypted/ changed since the last seal (\(list)); the sealed files in this commit are stale"
            switch policy {
            case .block: findings.append(Finding(path: ".decrypted/", reason: reason, hint: "run secrets seal, then git add .encrypted"))
            case .warn: warnings.append(reason + "; run secrets seal (git config secrets.staleCommit block makes this block)")
            case .off: break
            }
        }
        return StagedReport(findings: findings, warnings: warnings)
    }

    private func leakedSecret(_ entry: StagedEntry, index: LeakIndex, key: SecureBytes) throws -> String? {
        guard !index.hashes.isEmpty, entry.mode & 0o170000 == 0o100000 else { return nil }
        let blob: (bytes: [UInt8], size: Int)
        do { blob = try git.blobPrefix(entry, limit: SecretValues.maxScannedSize) } catch { throw SecretsError.from(error) }
        // Binary files (a NUL in the first 8000 bytes, git's own test) hold no pasted text lines.
        if blob.bytes.prefix(8000).contains(0) { return nil }
        return try LeakIndex.firstLeak(in: blob.bytes, hashes: index.hashes, minLength: index.minLength, key: key)
    }

    /// Paths of `.decrypted/` added, changed or deleted since the last seal/unseal, by stat alone.
    private func staleness() throws -> [String]? {
        guard try io({ try Posix.info(decrypted) }) != nil else { return nil }
        var recorded: [String: String] = [:]
        if try io({ try Posix.info(fingerprintsPath) }) != nil {
            for line in try io({ try Posix.readAll(fingerprintsPath, limit: 256 << 20) }).split(separator: 0x0A) {
                guard let tab = line.firstIndex(of: 0x09) else { continue }
                recorded[String(decoding: line[(tab + 1)...], as: UTF8.self)] = String(decoding: line[..<tab], as: UTF8.self)
            }
        }
        var stale: [String] = []
        var present = Set<String>()
        for (path, info) in try io({ try TreeWalk.filesWithInfo(under: decrypted) }) {
            present.insert(path)
            if recorded[path] != info.fingerprint { stale.append(path) }
        }
        stale += recorded.keys.filter { !present.contains($0) }.sorted()
        return stale
    }

    private func stalePolicy() throws -> StalePolicy {
        let raw: String?
        do { raw = try git.configString("secrets.staleCommit") } catch { throw SecretsError.from(error) }
        guard let raw else { return .warn }
        guard let policy = StalePolicy(rawValue: raw.lowercased()) else {
            throw SecretsError(.config, "git config secrets.staleCommit=\(raw): expected warn, block or off", hint: "git config secrets.staleCommit warn")
        }
        return policy
    }

    private func sealedProblem(_ entry: StagedEntry, relative: String, repoId: [UInt8]?) throws -> String? {
        guard entry.mode & 0o170000 == 0o100000 else { return "not a regular file (symlink or submodule) in .encrypted/" }
        let blob: (bytes: [UInt8], size: Int)
        do { blob = try git.blobPrefix(entry, limit: SealedFormat.headerLength) } catch { throw SecretsError.from(error) }
        do {
            if let repoId {
                _ = try SealedHeader.verifyOffline(blob.bytes, repoId: repoId, path: relative)
            } else {
                _ = try SealedHeader.parse(blob.bytes)
            }
        } catch let error as EnvelopeError {
            return SecretsError.envelope(error, file: entry.path).message.replacingOccurrences(of: "\(entry.path): ", with: "")
        }
        // docs/FORMAT.md 1.5: the body is whole frames of F+16 bytes plus a final frame of 16..F+15.
        let body = blob.size - SealedFormat.headerLength
        if body % (SealedFormat.frameLength + 16) < 16 { return "truncated sealed file (body length \(body) is not a whole number of frames)" }
        return nil
    }
}
