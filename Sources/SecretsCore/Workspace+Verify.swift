import Envelope
import Files
import GitRepository

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
    public func verifyStaged() throws -> [Finding] {
        let entries: [StagedEntry]
        do { entries = try git.stagedChanges() } catch { throw SecretsError.from(error) }
        let repoId = try? loadConfig().repoIdBytes
        var findings: [Finding] = []
        let decryptedPrefix = Self.decryptedName + "/"
        let encryptedPrefix = Self.encryptedName + "/"
        let keyPrefix = Self.keyName + "/"
        for entry in entries {
            let path = entry.path
            if path.hasPrefix(decryptedPrefix) {
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
            }
        }
        return findings
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
