#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `lstat` says about a path. Symlinks are reported, never followed.
public struct FileInfo: Equatable, Sendable {
    /// File kinds that matter to us.
    public enum Kind: Sendable { case regular, directory, symlink, other }
    /// The kind.
    public let kind: Kind
    /// Size in bytes.
    public let size: Int
    /// Permission bits.
    public let mode: UInt32
    /// Owner.
    public let uid: UInt32
    /// `size:mtime:inode`, which changes whenever the file is rewritten. Used to tell, without
    /// reading or decrypting, that a plaintext changed since the last sync.
    public let fingerprint: String
}

/// Thin, checked wrappers over the POSIX calls the tool needs.
public enum Posix {
    /// `lstat`, or nil when the path does not exist.
    public static func info(_ path: String) throws -> FileInfo? {
        var st = stat()
        guard lstat(path, &st) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw FileError.last(path, "lstat")
        }
        let kind: FileInfo.Kind = switch st.st_mode & S_IFMT {
        case S_IFREG: .regular
        case S_IFDIR: .directory
        case S_IFLNK: .symlink
        default: .other
        }
        let fingerprint = "\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec):\(st.st_ino)"
        return FileInfo(kind: kind, size: Int(st.st_size), mode: UInt32(st.st_mode & 0o7777), uid: st.st_uid, fingerprint: fingerprint)
    }

    /// Reads a whole small file (keys, configs). Refuses anything but a regular file.
    public static func readAll(_ path: String, limit: Int = 1 << 20) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw FileError.last(path, "open") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError.last(path, "fstat") }
        guard st.st_mode & S_IFMT == S_IFREG else { throw FileError(path: path, refusal: "not a regular file") }
        guard Int(st.st_size) <= limit else { throw FileError(path: path, refusal: "larger than \(limit) bytes") }
        // Read straight into storage sized from fstat, so a secret is never left behind in a
        // buffer that growth would abandon; a file that grew meanwhile is read on in chunks.
        var reader = FileReader(fd: fd, path: path)
        var out = [UInt8](repeating: 0, count: Int(st.st_size))
        let n = try out.withUnsafeMutableBytes { try reader.read(into: $0) }
        if n < out.count { out.removeLast(out.count - n) }
        guard n == Int(st.st_size) else { return out }
        var chunk = [UInt8](repeating: 0, count: 4096)
        defer { chunk.withUnsafeMutableBytes { if let base = $0.baseAddress { explicit_bzero(base, $0.count) } } }
        while out.count <= limit {
            let more = try chunk.withUnsafeMutableBytes { try reader.read(into: $0) }
            if more == 0 { break }
            out.append(contentsOf: chunk[0..<more])
        }
        return out
    }

    /// Creates `path` and missing parents with `mode`. Existing folders keep their mode.
    public static func makeDirectories(_ path: String, mode: mode_t) throws {
        if let info = try info(path) {
            guard info.kind == .directory else { throw FileError(path: path, refusal: "exists and is not a folder") }
            return
        }
        let parent = Path.parent(path)
        if parent != path && !parent.isEmpty { try makeDirectories(parent, mode: mode) }
        guard mkdir(path, mode) == 0 || errno == EEXIST else { throw FileError.last(path, "mkdir") }
    }

    /// Sets permission bits.
    public static func setMode(_ path: String, _ mode: mode_t) throws {
        guard chmod(path, mode) == 0 else { throw FileError.last(path, "chmod") }
    }

    /// Removes a file; a missing file is not an error.
    public static func remove(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw FileError.last(path, "unlink") }
    }

    /// Renames within one file system (atomic).
    public static func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw FileError.last(from, "rename") }
    }

    /// Removes an empty folder; a non-empty or missing one is left alone.
    public static func removeEmptyDirectory(_ path: String) {
        _ = rmdir(path)
    }

    /// Flushes a folder's entries (after a rename) to disk.
    public static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError.last(path, "open") }
        defer { close(fd) }
        guard fsync(fd) == 0 || errno == EINVAL else { throw FileError.last(path, "fsync") }
    }
}

/// Pure path helpers for `/`-separated POSIX paths.
public enum Path {
    /// Joins two paths.
    public static func join(_ a: String, _ b: String) -> String {
        if b.isEmpty { return a }
        if a.isEmpty { return b }
        return a.hasSuffix("/") ? a + b : a + "/" + b
    }

    /// The containing folder ("" for a bare name, "/" for the root).
    public static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// The last component.
    public static func name(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
