#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads an open file descriptor, retrying on EINTR.
public struct FileReader {
    let fd: Int32
    let path: String
    /// Keeps the descriptor's owner (and so the descriptor) alive while the reader is used.
    var owner: AnyObject? = nil

    /// Reads up to `buffer.count` bytes; returns fewer only at end of file.
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let n = Glibc.read(fd, buffer.baseAddress! + filled, buffer.count - filled)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError.last(path, "read")
            }
            if n == 0 { break }
            filled += n
        }
        return filled
    }
}

/// Writes to an open file descriptor, retrying on EINTR and short writes.
public struct FileWriter {
    let fd: Int32
    let path: String

    /// Writes all of `bytes`.
    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError.last(path, "write")
            }
            done += n
        }
    }
}

/// An open regular file for reading, closed on release. Opening never follows a symlink.
public final class InputFile {
    private let fd: Int32
    /// The path opened.
    public let path: String

    /// Opens `path` read-only; refuses symlinks and anything but a regular file.
    public init(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            if errno == ELOOP { throw FileError(path: path, refusal: "is a symbolic link; refusing to follow it") }
            throw FileError.last(path, "open")
        }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw FileError(path: path, refusal: "not a regular file")
        }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// A reader positioned at the start.
    public func reader() -> FileReader { FileReader(fd: fd, path: path, owner: self) }
}

/// Atomic replacement of a file: temp file in the same folder, fsync, rename, fsync folder.
/// A failure at any point leaves the old file (or no file) in place and removes the temp file.
public enum AtomicFile {
    /// Name prefix of temp files; tree walks skip them.
    public static let tempPrefix = ".secrets-tmp-"

    /// Writes `path` with permission `mode` from what `body` writes. When `exclusive` is true an
    /// existing file is never replaced (link(2) instead of rename(2)) and `FileError` EEXIST is thrown.
    /// `syncFolder: false` leaves the folder's fsync to the caller, who batches it
    /// (`Posix.syncDirectory`) when writing many files into one folder.
    public static func write(_ path: String, mode: mode_t, exclusive: Bool = false, syncFolder: Bool = true,
                             _ body: (inout FileWriter) throws -> Void) throws {
        let folder = Path.parent(path).isEmpty ? "." : Path.parent(path)
        var template = Array(Path.join(folder, tempPrefix + "XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw FileError.last(path, "create temporary file for") }
        let temp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var committed = false
        defer { if !committed { unlink(temp) } }
        do {
            guard fchmod(fd, mode) == 0 else { throw FileError.last(temp, "fchmod") }
            var writer = FileWriter(fd: fd, path: path)
            try body(&writer)
            guard fsync(fd) == 0 else { throw FileError.last(path, "fsync") }
        } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw FileError.last(path, "close") }
        if exclusive {
            guard link(temp, path) == 0 else { throw FileError.last(path, "link") }
            unlink(temp)
        } else {
            guard rename(temp, path) == 0 else { throw FileError.last(path, "rename") }
        }
        committed = true
        if syncFolder { try Posix.syncDirectory(folder) }
    }

    /// Writes `bytes` atomically.
    public static func write(_ path: String, bytes: [UInt8], mode: mode_t, exclusive: Bool = false) throws {
        try write(path, mode: mode, exclusive: exclusive) { w in try bytes.withUnsafeBytes { try w.write($0) } }
    }
}

/// An exclusive advisory lock (flock) on a file, held until released.
public final class FileLock {
    private let fd: Int32

    /// Takes the lock without waiting; nil when another process holds it.
    public init?(_ path: String) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileError.last(path, "open") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            if errno == EWOULDBLOCK { return nil }
            throw FileError.last(path, "flock")
        }
        self.fd = fd
    }

    deinit { close(fd) }
}
