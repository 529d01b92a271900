/// What this checkout last synchronised, per path: the keyed hash of the plaintext and the
/// SHA-256 of the sealed file as they were after the last seal or unseal. Kept under `.git/`
/// (never committed), so a fresh clone has none and `seal` there deletes nothing.
public struct SyncState: Codable, Equatable, Sendable {
    /// One path's record.
    public struct Entry: Codable, Equatable, Sendable {
        /// HMAC-SHA-256 (state key) of the plaintext, hex.
        public var plain: String
        /// SHA-256 of the sealed file, hex.
        public var sealed: String
        /// The plaintext's `size:mtime:inode` after the sync, for the hook's key-free stale check.
        public var stat: String?
        /// A record.
        public init(plain: String, sealed: String, stat: String? = nil) {
            self.plain = plain
            self.sealed = sealed
            self.stat = stat
        }
    }

    /// Version of this file's layout.
    public var version: Int
    /// The repository these records belong to (a re-initialised key invalidates them).
    public var repoId: String
    /// Records by path relative to `.decrypted/`.
    public var entries: [String: Entry]

    /// An empty state for a repository.
    public init(repoId: String, entries: [String: Entry] = [:]) {
        version = 1
        self.repoId = repoId
        self.entries = entries
    }
}
