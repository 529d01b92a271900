/// The one error type the CLI sees: a category (which decides the exit code), a one-line
/// message naming the file or setting, and a hint with the fix. Never holds secret bytes.
public struct SecretsError: Error, Equatable, Sendable {
    /// Failure classes, each with its own documented exit code.
    public enum Category: Sendable, Equatable {
        /// Not inside a git work tree, or the repo cannot be opened.
        case repository
        /// `.key/` is missing: run `secrets init`.
        case notInitialised
        /// The key could not be created or unwrapped.
        case key
        /// A sealed file failed verification.
        case integrity
        /// A file could not be read or written.
        case io
        /// `.key/config.json` or a setting is malformed.
        case config
        /// A bad command line (also ArgumentParser's own).
        case usage
    }

    /// Which class.
    public let category: Category
    /// One line, naming the file or setting.
    public let message: String
    /// The fix, when there is one.
    public let hint: String?

    /// An error.
    public init(_ category: Category, _ message: String, hint: String?) {
        self.category = category
        self.message = message
        self.hint = hint
    }
}
