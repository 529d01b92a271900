import Foundation

/// A fresh folder under the system temp dir, removed on release.
public final class TemporaryDirectory: @unchecked Sendable {
    /// Absolute path, with symlinks resolved so it matches what git and getcwd report.
    public let path: String

    /// Creates the folder.
    public init(_ label: String = "secrets-test") throws {
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath()
        let url = base.appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `path/relative`.
    public func url(_ relative: String) -> URL { URL(fileURLWithPath: path).appendingPathComponent(relative) }

    /// Writes a file, creating parent folders.
    public func write(_ relative: String, _ contents: String) throws {
        let url = url(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
    }

    /// Reads a file as UTF-8.
    public func read(_ relative: String) throws -> String {
        String(decoding: try Data(contentsOf: url(relative)), as: UTF8.self)
    }

    /// Reads a file's bytes.
    public func bytes(_ relative: String) throws -> [UInt8] { Array(try Data(contentsOf: url(relative))) }

    /// Permission bits of a file.
    public func mode(_ relative: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url(relative).path)
        return (attributes[.posixPermissions] as? Int) ?? -1
    }

    /// True when the path exists (symlinks not followed).
    public func exists(_ relative: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: url(relative).path)) != nil
    }
}
