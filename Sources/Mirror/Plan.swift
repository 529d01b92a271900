/// Which way a plan moves data.
public enum Direction: Sendable {
    /// `.decrypted/` to `.encrypted/`.
    case seal
    /// `.encrypted/` to `.decrypted/`.
    case unseal
}

/// One step of a plan. Paths are relative to `.decrypted/` and `.encrypted/`.
public enum Action: Equatable, Sendable {
    /// Seal `.decrypted/PATH` into `.encrypted/PATH`.
    case seal(String)
    /// Open `.encrypted/PATH` into `.decrypted/PATH`.
    case unseal(String)
    /// Remove `.encrypted/PATH`.
    case deleteSealed(String)
    /// Remove `.decrypted/PATH`.
    case deletePlain(String)
    /// Store a state record (content already agrees).
    case record(String, SyncState.Entry)
    /// Drop a state record.
    case forget(String)
    /// Refuse: would lose data. Carries the reason.
    case conflict(String, String)

    /// The path the step concerns.
    public var path: String {
        switch self {
        case .seal(let p), .unseal(let p), .deleteSealed(let p), .deletePlain(let p), .record(let p, _), .forget(let p),
             .conflict(let p, _): p
        }
    }
}

/// A printable, pure plan: what `seal` or `unseal` will do, computed before anything is written.
public struct Plan: Equatable, Sendable {
    /// Steps in path order.
    public var actions: [Action]

    /// A plan of the given steps.
    public init(actions: [Action]) { self.actions = actions }

    /// Steps that refuse.
    public var conflicts: [Action] { actions.filter { if case .conflict = $0 { true } else { false } } }

    /// Steps that write to the trees (not state-only bookkeeping).
    public var writes: [Action] {
        actions.filter {
            switch $0 {
            case .seal, .unseal, .deleteSealed, .deletePlain: true
            default: false
            }
        }
    }

    /// Builds the plan for `direction` from each path's change. With `force`, conflicts are
    /// resolved in the command's direction: the user asked for exactly that.
    public static func make(_ changes: [(path: String, change: Change)], direction: Direction, force: Bool) -> Plan {
        var actions: [Action] = []
        for (path, change) in changes {
            if let action = step(path, change, direction, force) { actions.append(action) }
        }
        return Plan(actions: actions)
    }

    private static func step(_ path: String, _ change: Change, _ direction: Direction, _ force: Bool) -> Action? {
        switch (change, direction) {
        case (.inSync(let record?), _): return .record(path, record)
        case (.inSync(nil), _): return nil
        case (.forgotten, _): return .forget(path)

        case (.plaintextAdded, .seal), (.plaintextModified, .seal): return .seal(path)
        case (.plaintextDeleted, .seal): return .deleteSealed(path)
        // A sealed file this checkout never unsealed: leave it (fresh-clone safety).
        case (.sealedAdded, .seal): return nil
        case (.sealedModified, .seal):
            return force ? .seal(path) : .conflict(path, "changed in .encrypted/ since the last unseal (someone pushed a newer version)")
        case (.sealedDeleted, .seal):
            return force ? .seal(path) : .conflict(path, "deleted from .encrypted/ since the last sync")

        case (.sealedAdded, .unseal), (.sealedModified, .unseal): return .unseal(path)
        case (.sealedDeleted, .unseal): return .deletePlain(path)
        // Unseal never touches a plaintext the sealed side does not have.
        case (.plaintextAdded, .unseal): return nil
        // The sealed copy is intact, so restoring a deleted plaintext loses nothing.
        case (.plaintextDeleted, .unseal): return .unseal(path)
        case (.plaintextModified, .unseal):
            return force ? .unseal(path) : .conflict(path, "edited in .decrypted/ since the last seal or unseal")

        case (.conflict(let c), .seal):
            guard force else { return .conflict(path, c.rawValue) }
            return c == .plainDeletedSealedChanged ? .deleteSealed(path) : .seal(path)
        case (.conflict(let c), .unseal):
            // The plaintext is gone, so taking the newer sealed version loses nothing.
            if c == .plainDeletedSealedChanged { return .unseal(path) }
            guard force else { return .conflict(path, c.rawValue) }
            return c == .plainChangedSealedDeleted ? .deletePlain(path) : .unseal(path)
        }
    }
}
