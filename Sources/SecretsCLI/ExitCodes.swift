import SecretsCore

/// Every exit status `secrets` uses, in one place; the README's table mirrors this file.
enum ExitCodes {
    /// Success; for `status`, everything is in sync.
    static let ok: Int32 = 0
    /// `status` found paths out of sync; the hook blocked a commit.
    static let findings: Int32 = 1
    /// `seal`/`unseal` refused because it would overwrite newer data.
    static let conflict: Int32 = 2
    /// Not inside a git work tree (or it cannot be opened).
    static let repository: Int32 = 3
    /// The repository has no `.key/`: run `secrets init`.
    static let notInitialised: Int32 = 4
    /// The data key could not be created or unwrapped.
    static let key: Int32 = 5
    /// A sealed file failed verification (tampered, truncated, wrong path or repository).
    static let integrity: Int32 = 6
    /// A file could not be read or written (permissions, disk full, symlink refused).
    static let io: Int32 = 7
    /// `.key/config.json` or the sync state is malformed or from a newer version.
    static let config: Int32 = 8
    /// Bad command line.
    static let usage: Int32 = 64
    /// A bug in secrets.
    static let internalError: Int32 = 70

    static func code(for category: SecretsError.Category) -> Int32 {
        switch category {
        case .repository: repository
        case .notInitialised: notInitialised
        case .key: key
        case .integrity: integrity
        case .io: io
        case .config: config
        case .usage: usage
        }
    }
}
