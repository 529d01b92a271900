#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed file-system call: the path, the operation and the OS's reason.
public struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file or folder concerned.
    public let path: String
    /// What was attempted (`open`, `write`, `rename`, ...).
    public let operation: String
    /// The `errno` value, or 0 for a refusal of our own.
    public let code: Int32
    /// Our own reason when `code` is 0.
    public let reason: String?

    /// A failure from `errno`.
    public init(path: String, operation: String, code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
        reason = nil
    }

    /// A refusal of our own (symlink, device, path escaping the tree).
    public init(path: String, refusal: String) {
        self.path = path
        operation = "refuse"
        code = 0
        reason = refusal
    }

    /// True when the disk or quota is full.
    public var isNoSpace: Bool { code == ENOSPC || code == EDQUOT }

    /// `"<path>: <reason>"`, the OS's wording for errno.
    public var description: String {
        if let reason { return "\(path): \(reason)" }
        return "\(path): \(operation) failed: \(String(cString: strerror(code)))"
    }

    static func last(_ path: String, _ operation: String) -> FileError {
        FileError(path: path, operation: operation, code: errno)
    }
}
