/// How one path differs between `.decrypted/`, `.encrypted/` and the last sync.
public enum Change: Equatable, Sendable {
    /// Both sides match the last sync. `record` is a state entry to store when the sides were
    /// found equal without one (for example after a fresh clone and a manual copy).
    case inSync(record: SyncState.Entry?)
    /// New in `.decrypted/`.
    case plaintextAdded
    /// Changed in `.decrypted/` since the last sync.
    case plaintextModified
    /// Deleted from `.decrypted/` after this checkout knew it.
    case plaintextDeleted
    /// Present in `.encrypted/` only, never synced here (a fresh clone, or a teammate's file).
    case sealedAdded
    /// Changed in `.encrypted/` since the last sync (someone pushed a newer version).
    case sealedModified
    /// Deleted from `.encrypted/` since the last sync.
    case sealedDeleted
    /// Both sides changed and differ.
    case conflict(Conflict)
    /// Gone from both sides: only the state record remains.
    case forgotten
}

/// The ways both sides can disagree.
public enum Conflict: String, Equatable, Sendable {
    /// Edited on both sides since the last sync.
    case bothChanged = "changed in both .decrypted/ and .encrypted/ since the last sync"
    /// Both exist, differ, and this checkout never synced them.
    case neverSynced = "differs between .decrypted/ and .encrypted/ and was never synced in this checkout"
    /// Plaintext edited while the sealed file was deleted.
    case plainChangedSealedDeleted = "changed in .decrypted/ but deleted from .encrypted/"
    /// Plaintext deleted while the sealed file changed.
    case plainDeletedSealedChanged = "deleted from .decrypted/ but changed in .encrypted/"
}

/// The facts the classifier needs about one path.
public struct PathFacts: Sendable {
    /// Keyed hash of the plaintext, when `.decrypted/PATH` exists.
    public var plain: String?
    /// SHA-256 of the sealed file, when `.encrypted/PATH` exists.
    public var sealed: String?
    /// The last sync's record.
    public var recorded: SyncState.Entry?
    /// A fact.
    public init(plain: String?, sealed: String?, recorded: SyncState.Entry?) {
        self.plain = plain
        self.sealed = sealed
        self.recorded = recorded
    }
}

extension Change {
    /// Classifies one path. `sealedPlain` returns the keyed hash of the sealed file's plaintext
    /// and is called only when both sides exist and the sealed side is not the recorded one,
    /// to tell a real conflict from two sides that already agree.
    public static func classify(_ f: PathFacts, sealedPlain: () throws -> String) rethrows -> Change {
        switch (f.plain, f.sealed, f.recorded) {
        case (nil, nil, nil): return .inSync(record: nil)
        case (nil, nil, _?): return .forgotten
        case (_?, nil, nil): return .plaintextAdded
        case (let p?, nil, let r?):
            return p == r.plain ? .sealedDeleted : .conflict(.plainChangedSealedDeleted)
        case (nil, _?, nil): return .sealedAdded
        case (nil, let s?, let r?):
            return s == r.sealed ? .plaintextDeleted : .conflict(.plainDeletedSealedChanged)
        case (let p?, let s?, nil):
            return try sealedPlain() == p
                ? .inSync(record: .init(plain: p, sealed: s))
                : .conflict(.neverSynced)
        case (let p?, let s?, let r?):
            switch (p == r.plain, s == r.sealed) {
            case (true, true): return .inSync(record: nil)
            case (false, true): return .plaintextModified
            case (true, false): return .sealedModified
            case (false, false):
                return try sealedPlain() == p
                    ? .inSync(record: .init(plain: p, sealed: s))
                    : .conflict(.bothChanged)
            }
        }
    }
}
