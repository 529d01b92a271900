import CryptoPrimitives
import Envelope
import Files
import GitRepository
import LeakDetection

/// One problem `secrets verify` found in tracked content.
public struct VerifyFinding: Equatable, Sendable {
    /// `plaintext-tracked`, `key-material`, `sealed-invalid` or `leak`.
    public let check: String
    /// Path relative to the work tree.
    public let path: String
    /// The commit it was found in (nil for the work tree).
    public let commit: String?
    /// What is wrong (never the secret itself).
    public let message: String
}

/// Collects a sealed file's plaintext in memory (up to a limit) to find its secret values.
private struct CollectingSink: ByteSink {
    /// Reserved at its limit, so growth never abandons a copy of plaintext un-wiped.
    var bytes: [UInt8] = {
        var b: [UInt8] = []
        b.reserveCapacity(LeakIndex.maxScannedSize)
        return b
    }()
    var overflow = false
    mutating func write(_ chunk: UnsafeRawBufferPointer) throws {
        if bytes.count + chunk.count > LeakIndex.maxScannedSize { overflow = true; return }
        bytes.append(contentsOf: chunk)
    }
}

extension Workspace {
    /// `secrets verify [--range R]`, with the key (one provider call): every tracked sealed file
    /// opens under its own path; nothing under `.decrypted/` or stray key material is tracked;
    /// no other tracked file contains a secret value of a sealed file. Without `range` it checks
    /// the tracked files as they are in the work tree; with it, every commit of the range.
    public func verifyTracked(range: String?) throws -> [VerifyFinding] {
        let config = try loadConfig()
        let key = try unlock(config)
        let minLength = try minSecretLength()
        // An ephemeral key: these hashes live only in memory for this run.
        let hashKey = try io { try SecureBytes(randomCount: 32) }
        var findings: [VerifyFinding] = []
        var checkedBlobs = Set<String>()

        let snapshots: [(commit: String?, entries: [StagedEntry])]
        do {
            if let range {
                snapshots = try git.commits(range).map { ($0, try git.treeEntries(commit: $0)) }
            } else {
                snapshots = [(nil, try git.stagedEntries())]
            }
        } catch { throw SecretsError.from(error) }

        for (commit, entries) in snapshots {
            func content(_ entry: StagedEntry) throws -> [UInt8]? {
                if commit == nil {
                    let file = Path.join(root, entry.path)
                    guard try io({ try Posix.info(file) })?.kind == .regular else { return nil }
                    return try io { try Posix.readAll(file, limit: 1 << 30) }
                }
                do { return try git.blobPrefix(entry).bytes } catch { throw SecretsError.from(error) }
            }
            var secrets: [String: String] = [:]
            var others: [StagedEntry] = []
            for entry in entries {
                let path = entry.path
                if path.hasPrefix(Self.decryptedName + "/") && Path.name(path) != ".gitkeep" {
                    findings.append(.init(check: "plaintext-tracked", path: path, commit: commit, message: "plaintext from .decrypted/ is tracked"))
                } else if path.hasPrefix(Self.decryptedName + "/") {
                    continue
                } else if path.hasPrefix(Self.keyName + "/") {
                    if !Self.allowedKeyFiles.contains(String(path.dropFirst(Self.keyName.count + 1))) {
                        findings.append(.init(check: "key-material", path: path, commit: commit,
                                              message: "unexpected file in .key/ (possible key material)"))
                    }
                } else if path.hasPrefix(Self.encryptedName + "/") {
                    let relative = String(path.dropFirst(Self.encryptedName.count + 1))
                    if Path.name(relative) == ".gitkeep" { continue }
                    guard entry.isRegularFile, let bytes = try content(entry) else {
                        findings.append(.init(check: "sealed-invalid", path: path, commit: commit, message: "not a regular file"))
                        continue
                    }
                    var source = ArraySource(bytes)
                    var sink = CollectingSink()
                    do {
                        try key.sealer.open(from: &source, to: &sink, binding: key.binding(relative))
                        if !sink.overflow {
                            for var value in SecretValues.candidates(in: sink.bytes, minLength: minLength) {
                                secrets[try io { try LeakIndex.hash(value, key: hashKey) }] = relative
                                Wipe.array(&value)
                            }
                        }
                    } catch {
                        let message = SecretsError.from(error, file: path).message
                        findings.append(.init(check: "sealed-invalid", path: path, commit: commit,
                                              message: message.replacingOccurrences(of: "\(path): ", with: "")))
                    }
                    Wipe.array(&sink.bytes)
                } else if entry.isRegularFile {
                    others.append(entry)
                }
            }
            guard !secrets.isEmpty else { continue }
            for entry in others {
                let blobKey = "\(hex(entry.oidBytes)):\(secrets.count)"
                if commit != nil && checkedBlobs.contains(blobKey) { continue }
                checkedBlobs.insert(blobKey)
                guard let bytes = try content(entry) else { continue }
                if let source = try LeakIndex.firstLeak(in: bytes, hashes: secrets, minLength: minLength, key: hashKey) {
                    findings.append(.init(check: "leak", path: entry.path, commit: commit,
                                          message: "contains a secret value sealed in .encrypted/\(source)"))
                }
            }
        }
        return findings
    }
}
