import CryptoPrimitives
import Files
import LeakDetection

/// Keyed hashes of the secret values in `.decrypted/`, kept under `.git/secrets/` so the
/// pre-commit hook can spot a copied secret with neither the key provider nor the plaintext.
/// The hash key is random per checkout (`leak.key`, 0600, beside the index): it defeats
/// precomputed tables and cross-repo matching; it does not protect short values from someone
/// who can already read this checkout's `.git/` (and so, usually, `.decrypted/`).
/// On disk (`leaks`) it is flat text, because the hook reads it on every commit: a first line
/// `secrets-leaks 1 MINLENGTH`, then `HASH TAB PATH` lines.
struct LeakIndex {
    var minLength: Int
    /// First 16 bytes of HMAC-SHA-256(leak key, value), hex, to the plaintext path it came from.
    var hashes: [String: String]

    static let defaultMinLength = 8
    /// Plaintext files larger than this are not scanned for values (secrets are small).
    static let maxScannedSize = 1 << 20

    static func hash(_ value: [UInt8], key: SecureBytes) throws -> String {
        hex(Array(try HMAC.authenticate(key: key, value).prefix(16)))
    }

    /// The plaintext path of the first token of `bytes` whose keyed hash is in `hashes`.
    /// Shared by the hook (index under `.git/`) and `verify` (hashes built in memory).
    static func firstLeak(in bytes: [UInt8], hashes: [String: String], minLength: Int, key: SecureBytes) throws -> String? {
        for token in SecretValues.tokens(in: bytes, minLength: minLength) {
            if let source = hashes[try io { try hash(token, key: key) }] { return source }
        }
        return nil
    }

    var encoded: [UInt8] {
        var out = Array("secrets-leaks 1 \(minLength)\n".utf8)
        for (hash, path) in hashes.sorted(by: { $0.key < $1.key }) { out += Array("\(hash)\t\(path)\n".utf8) }
        return out
    }

    static func decode(_ bytes: [UInt8]) -> LeakIndex? {
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: true)
        guard let header = lines.first else { return nil }
        let fields = String(decoding: header, as: UTF8.self).split(separator: " ")
        guard fields.count == 3, fields[0] == "secrets-leaks", fields[1] == "1", let minLength = Int(fields[2]) else { return nil }
        var hashes: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let tab = line.firstIndex(of: 0x09) else { return nil }
            hashes[String(decoding: line[..<tab], as: UTF8.self)] = String(decoding: line[(tab + 1)...], as: UTF8.self)
        }
        return LeakIndex(minLength: minLength, hashes: hashes)
    }
}

extension Workspace {
    var leakIndexPath: String { Path.join(gitDirectory, "secrets/leaks") }
    var leakKeyPath: String { Path.join(gitDirectory, "secrets/leak.key") }

    /// `git config secrets.minSecretLength`, default 8.
    func minSecretLength() throws -> Int {
        let raw: String?
        do { raw = try git.configString("secrets.minSecretLength") } catch { throw SecretsError.from(error) }
        guard let raw else { return LeakIndex.defaultMinLength }
        guard let n = Int(raw), n >= 4 else {
            throw SecretsError(.config, "git config secrets.minSecretLength=\(raw): expected a whole number of at least 4",
                               hint: "git config secrets.minSecretLength 8")
        }
        return n
    }

    /// Rebuilds the index from the current `.decrypted/` tree (called after seal and unseal).
    func writeLeakIndex() throws {
        let minLength = try minSecretLength()
        let key = try loadOrCreateLeakKey()
        var hashes: [String: String] = [:]
        for path in try io({ try TreeWalk.files(under: decrypted) }) {
            let file = Path.join(decrypted, path)
            guard let info = try io({ try Posix.info(file) }), info.size <= LeakIndex.maxScannedSize else { continue }
            var bytes = try io { try Posix.readAll(file, limit: LeakIndex.maxScannedSize) }
            for var value in SecretValues.candidates(in: bytes, minLength: minLength) {
                hashes[try io { try LeakIndex.hash(value, key: key) }] = path
                Wipe.array(&value)
            }
            Wipe.array(&bytes)
        }
        try io { try AtomicFile.write(leakIndexPath, bytes: LeakIndex(minLength: minLength, hashes: hashes).encoded, mode: 0o600) }
    }

    /// The index and its key, or nil before the first seal/unseal in this checkout.
    func loadLeakIndex() throws -> (LeakIndex, SecureBytes)? {
        guard try io({ try Posix.info(leakIndexPath) }) != nil, try io({ try Posix.info(leakKeyPath) }) != nil else { return nil }
        let bytes = try io { try Posix.readAll(leakIndexPath, limit: 256 << 20) }
        guard let index = LeakIndex.decode(bytes) else {
            throw SecretsError(.config, "\(leakIndexPath): unreadable", hint: "run secrets seal to rebuild it")
        }
        var key = try io { try Posix.readAll(leakKeyPath, limit: 64) }
        return (index, SecureBytes(consuming: &key))
    }

    private func loadOrCreateLeakKey() throws -> SecureBytes {
        if try io({ try Posix.info(leakKeyPath) }) != nil {
            var bytes = try io { try Posix.readAll(leakKeyPath, limit: 64) }
            if bytes.count == 32 { return SecureBytes(consuming: &bytes) }
        }
        let key = try io { try SecureBytes(randomCount: 32) }
        try io {
            try Posix.makeDirectories(Path.parent(leakKeyPath), mode: 0o700)
            try AtomicFile.write(leakKeyPath, mode: 0o600) { w in try key.withUnsafeBytes { try w.write($0) } }
        }
        return key
    }
}
