import CryptoPrimitives
import Envelope
import Files
import Foundation
import Mirror

/// The outcome of `seal`, `unseal` or `status`.
public struct SyncReport: Sendable {
    /// Every path with its classification, in path order.
    public var changes: [(path: String, change: Change)]
    /// The plan (empty for `status`).
    public var plan: Plan
    /// True when the plan's writes were carried out.
    public var applied: Bool
}

extension Workspace {
    /// `secrets status`: classifies every path. One key-provider call.
    public func status() throws -> SyncReport {
        let config = try loadConfig()
        let key = try unlock(config)
        let (changes, _) = try scan(key: key, config: config)
        return SyncReport(changes: changes, plan: Plan(actions: []), applied: false)
    }

    /// `secrets seal` / `secrets unseal`: plans, and unless there is a conflict or `dryRun`,
    /// applies. One key-provider call, then everything is local.
    public func synchronize(_ direction: Direction, force: Bool, dryRun: Bool) throws -> SyncReport {
        let config = try loadConfig()
        // A missing .decrypted/ is a checkout that was never unsealed (or was wiped), not a
        // request to delete every sealed file.
        if direction == .seal, try io({ try Posix.info(decrypted) }) == nil {
            throw SecretsError(.io, "\(decrypted): folder not found; nothing to seal",
                               hint: "run secrets unseal first (or mkdir .decrypted to start with an empty tree)")
        }
        // One writer at a time, like git's index.lock: two seals racing would each record half.
        try io { try Posix.makeDirectories(Path.parent(statePath), mode: 0o700) }
        guard let lock = try io({ try FileLock(Path.join(Path.parent(statePath), "lock")) }) else {
            throw SecretsError(.io, "another secrets command is running in this checkout (\(Path.parent(statePath))/lock is held)",
                               hint: "wait for it to finish, then run the command again")
        }
        defer { withExtendedLifetime(lock) {} }
        let key = try unlock(config)
        let (changes, scanned) = try scan(key: key, config: config)
        let plan = Plan.make(changes, direction: direction, force: force)
        guard plan.conflicts.isEmpty, !dryRun else { return SyncReport(changes: changes, plan: plan, applied: false) }
        var state = scanned
        var failure: Error?
        for action in plan.actions {
            do { try apply(action, key: key, state: &state) } catch {
                failure = error
                break
            }
        }
        // Renames are atomic already; one fsync per touched folder makes them durable.
        let folders = Set(plan.writes.map { action -> String in
            let root: String = switch action {
            case .seal, .deleteSealed: encrypted
            default: decrypted
            }
            return Path.parent(Path.join(root, action.path))
        })
        for folder in folders.sorted() where try io({ try Posix.info(folder) }) != nil {
            try io { try Posix.syncDirectory(folder) }
        }
        // Record what was done even when a step failed, so the next run plans from the truth.
        for (path, var entry) in state.entries {
            entry.stat = try io { try Posix.info(Path.join(decrypted, path)) }?.fingerprint
            state.entries[path] = entry
        }
        try saveState(state)
        if let failure { throw failure }
        try writeLeakIndex()
        return SyncReport(changes: changes, plan: plan, applied: true)
    }

    // MARK: scanning

    private func scan(key: UnlockedKey, config: KeyConfig) throws -> ([(path: String, change: Change)], SyncState) {
        let plainFiles = Set(try io { try TreeWalk.files(under: decrypted) })
        let sealedFiles = Set(try io { try TreeWalk.files(under: encrypted) })
        let state = try loadState(repoId: config.repoId)
        let paths = plainFiles.union(sealedFiles).union(state.entries.keys)
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var out: [(path: String, change: Change)] = []
        for path in paths {
            let facts = PathFacts(
                plain: plainFiles.contains(path) ? try plaintextHash(path, key: key) : nil,
                sealed: sealedFiles.contains(path) ? try sealedHash(path) : nil,
                recorded: state.entries[path])
            let change = try Change.classify(facts) { try openedHash(path, key: key) }
            out.append((path, change))
        }
        return (out, state)
    }

    private func plaintextHash(_ path: String, key: UnlockedKey) throws -> String {
        let file = Path.join(decrypted, path)
        return try io {
            let mac = try HMAC(key: key.stateKey)
            var reader = try InputFile(file).reader()
            let buffer = SecureBytes(count: 65536)
            while true {
                let n = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
                if n == 0 { break }
                try buffer.withUnsafeBytes { try mac.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            }
            return hex(try mac.finish())
        }
    }

    private func sealedHash(_ path: String) throws -> String {
        let file = Path.join(encrypted, path)
        return try io {
            let digest = try Digest(.sha256)
            var reader = try InputFile(file).reader()
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
                if n == 0 { break }
                try buffer.withUnsafeBytes { try digest.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            }
            return hex(try digest.finish())
        }
    }

    /// Keyed hash of a sealed file's plaintext, computed in memory and never written.
    private func openedHash(_ path: String, key: UnlockedKey) throws -> String {
        let display = "\(Self.encryptedName)/\(path)"
        do {
            let mac = try HMAC(key: key.stateKey)
            var source = try InputFile(Path.join(encrypted, path)).reader()
            var sink = TeeSink(inner: NullSink()) { try mac.update($0) }
            try key.sealer.open(from: &source, to: &sink, binding: key.binding(path))
            return hex(try mac.finish())
        } catch { throw SecretsError.from(error, file: display) }
    }

    // MARK: applying

    private func apply(_ action: Action, key: UnlockedKey, state: inout SyncState) throws {
        switch action {
        case .seal(let path):
            try io { try Posix.makeDirectories(Path.parent(Path.join(encrypted, path)), mode: 0o755) }
            state.entries[path] = try transfer(path, direction: .seal, key: key)
        case .unseal(let path):
            try io {
                try Posix.makeDirectories(decrypted, mode: 0o700)
                try Posix.setMode(decrypted, 0o700)
                try Posix.makeDirectories(Path.parent(Path.join(decrypted, path)), mode: 0o700)
            }
            state.entries[path] = try transfer(path, direction: .unseal, key: key)
        case .deleteSealed(let path):
            try remove(path, under: encrypted)
            state.entries[path] = nil
        case .deletePlain(let path):
            try remove(path, under: decrypted)
            state.entries[path] = nil
        case .record(let path, let entry):
            state.entries[path] = entry
        case .forget(let path):
            state.entries[path] = nil
        case .conflict:
            break
        }
    }

    /// Seals or opens one file atomically (temp file, fsync, rename), hashing both sides on the
    /// way, and returns the state record of what was actually written.
    private func transfer(_ path: String, direction: Direction, key: UnlockedKey) throws -> SyncState.Entry {
        let sealing = direction == .seal
        let (from, to) = sealing ? (decrypted, encrypted) : (encrypted, decrypted)
        let mac = try io { try HMAC(key: key.stateKey) }
        let digest = try io { try Digest(.sha256) }
        // The plaintext side feeds the keyed hash, the sealed side the public digest.
        let feedMac: (UnsafeRawBufferPointer) throws -> Void = { try mac.update($0) }
        let feedDigest: (UnsafeRawBufferPointer) throws -> Void = { try digest.update($0) }
        let (sourceHash, sinkHash) = sealing ? (feedMac, feedDigest) : (feedDigest, feedMac)
        do {
            let input = try InputFile(Path.join(from, path))
            try AtomicFile.write(Path.join(to, path), mode: sealing ? 0o644 : 0o600, syncFolder: false) { writer in
                var source = TeeSource(inner: input.reader(), feed: sourceHash)
                var sink = TeeSink(inner: writer, feed: sinkHash)
                if sealing {
                    try key.sealer.seal(from: &source, to: &sink, binding: key.binding(path))
                } else {
                    try key.sealer.open(from: &source, to: &sink, binding: key.binding(path))
                }
            }
        } catch {
            throw SecretsError.from(error, file: "\(sealing ? Self.decryptedName : Self.encryptedName)/\(path)")
        }
        return .init(plain: hex(try io { try mac.finish() }), sealed: hex(try io { try digest.finish() }))
    }

    /// Removes a file, then the folders it leaves empty, up to (not including) `root`.
    private func remove(_ path: String, under root: String) throws {
        try io { try Posix.remove(Path.join(root, path)) }
        var folder = Path.parent(path)
        while !folder.isEmpty {
            Posix.removeEmptyDirectory(Path.join(root, folder))
            folder = Path.parent(folder)
        }
    }

    // MARK: state

    private func loadState(repoId: String) throws -> SyncState {
        guard try io({ try Posix.info(statePath) }) != nil else { return SyncState(repoId: repoId) }
        let bytes = try io { try Posix.readAll(statePath, limit: 256 << 20) }
        guard let state = try? JSONDecoder().decode(SyncState.self, from: Data(bytes)), state.version == 1 else {
            throw SecretsError(.config, "\(statePath): sync state is unreadable",
                               hint: "delete it; the next seal or unseal treats every path as never synced and reports differences as conflicts")
        }
        // Records of another key (re-initialised repo) say nothing about this one.
        guard state.repoId == repoId else { return SyncState(repoId: repoId) }
        // Paths come from a file under .git/; never let one step outside the trees.
        let safe = state.entries.filter { path, _ in
            !path.isEmpty && !path.hasPrefix("/") && !path.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == ".." || $0 == "." || $0.isEmpty }
        }
        return SyncState(repoId: repoId, entries: safe)
    }

    private func saveState(_ state: SyncState) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = Array(try encoder.encode(state))
        // The hook's stale check reads only fingerprints: a flat `fingerprint TAB path` file
        // parses in a fraction of the JSON's time on repos with thousands of files.
        var fingerprints: [UInt8] = []
        for path in state.entries.keys.sorted() {
            guard let stat = state.entries[path]?.stat else { continue }
            fingerprints += Array(stat.utf8) + [0x09] + Array(path.utf8) + [0x0A]
        }
        try io {
            try Posix.makeDirectories(Path.parent(statePath), mode: 0o700)
            try AtomicFile.write(statePath, bytes: bytes, mode: 0o600)
            try AtomicFile.write(fingerprintsPath, bytes: fingerprints, mode: 0o600)
        }
    }
}
