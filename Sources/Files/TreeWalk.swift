#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lists the regular files of a tree, never following symlinks.
public enum TreeWalk {
    /// Names skipped everywhere: placeholders that keep empty folders in git.
    public static let ignoredNames: Set<String> = [".gitkeep"]

    /// Relative `/`-separated paths of every regular file under `root`, sorted by bytes.
    /// Symlinks, devices, sockets and FIFOs are refused with an error naming the path.
    /// A missing root is an empty tree.
    public static func files(under root: String) throws -> [String] {
        try filesWithInfo(under: root).map(\.path)
    }

    /// `files(under:)` with each file's `lstat`, taken once during the walk.
    public static func filesWithInfo(under root: String) throws -> [(path: String, info: FileInfo)] {
        guard let info = try Posix.info(root) else { return [] }
        guard info.kind == .directory else { throw FileError(path: root, refusal: "is not a folder") }
        var out: [(path: String, info: FileInfo)] = []
        try walk(root: root, relative: "", into: &out)
        return out.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    private static func walk(root: String, relative: String, into out: inout [(path: String, info: FileInfo)]) throws {
        let folder = Path.join(root, relative)
        guard let dir = opendir(folder) else { throw FileError.last(folder, "opendir") }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let raw = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            // A name that is not UTF-8 could not round-trip through the sealed header's path.
            guard let name = String(validating: raw, as: UTF8.self) else {
                throw FileError(path: Path.join(folder, String(decoding: raw, as: UTF8.self)),
                                refusal: "file name is not valid UTF-8; rename it")
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        // Temp files of an interrupted atomic write are neither plaintext nor sealed files.
        for name in names where !ignoredNames.contains(name) && !name.hasPrefix(AtomicFile.tempPrefix) {
            let rel = relative.isEmpty ? name : relative + "/" + name
            let full = Path.join(root, rel)
            guard let info = try Posix.info(full) else { continue }
            switch info.kind {
            case .regular: out.append((rel, info))
            case .directory: try walk(root: root, relative: rel, into: &out)
            case .symlink: throw FileError(path: full, refusal: "is a symbolic link; secrets never follows links (replace it with a regular file)")
            case .other: throw FileError(path: full, refusal: "is not a regular file (device, socket or FIFO)")
            }
        }
    }
}
