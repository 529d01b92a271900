internal import CGit2

/// Why a git operation failed. libgit2 failures carry the function, code and libgit2's message.
public enum GitError: Error, Equatable, Sendable {
    /// No repository at or above the folder.
    case notARepository(path: String)
    /// The repository belongs to another user (git's "dubious ownership").
    case dubiousOwnership(path: String)
    /// A bare repository has no work tree to hold `.decrypted/`.
    case bare(path: String)
    /// Any other libgit2 failure.
    case libgit2(function: String, code: Int32, message: String)
}

/// One staged file: its path and blob id.
public struct StagedEntry: Sendable, Equatable {
    /// Path relative to the work tree.
    public let path: String
    /// File mode as git records it (0o100644, 0o120000 for symlinks, ...).
    public let mode: UInt32
    let oid: [UInt8]

    /// The blob id's bytes.
    public var oidBytes: [UInt8] { oid }

    /// A regular file (not a symlink, submodule or directory).
    public var isRegularFile: Bool { mode & 0o170000 == 0o100000 }
}

private let libgit2Initialised: Bool = { git_libgit2_init() > 0 }()

/// A repository opened through libgit2, the only importer of CGit2. Opening honours the
/// environment git gives a hook (GIT_DIR, GIT_INDEX_FILE, GIT_WORK_TREE): see NOTES.md.
public final class GitRepository {
    private let repo: OpaquePointer
    var handle: OpaquePointer { repo }
    /// The work tree, without a trailing slash.
    public let workTree: String
    /// This checkout's git folder (per worktree), without a trailing slash.
    public let gitDirectory: String
    /// The folder shared by all worktrees (holds hooks and config).
    public let commonDirectory: String

    /// Discovers the repository around the current folder, as `git` itself would.
    public init() throws(GitError) {
        _ = libgit2Initialised
        var handle: OpaquePointer?
        let rc = git_repository_open_ext(&handle, nil, GIT_REPOSITORY_OPEN_FROM_ENV.rawValue, nil)
        guard rc == 0, let handle else {
            let error = GitRepository.lastError("git_repository_open_ext", rc)
            let cwd = (try? GitRepository.cwd()) ?? "."
            // libgit2 1.5 reports another owner as ENOTFOUND with a message about
            // safe.directory (NOTES.md), so the message is checked before the code.
            if rc == GIT_EOWNER.rawValue || "\(error)".contains("safe.directory") || "\(error)".contains("not owned") {
                throw .dubiousOwnership(path: cwd)
            }
            if rc == GIT_ENOTFOUND.rawValue { throw .notARepository(path: cwd) }
            throw error
        }
        repo = handle
        guard git_repository_is_bare(handle) == 0, let wd = git_repository_workdir(handle) else {
            let p = String(cString: git_repository_path(handle))
            git_repository_free(handle)
            throw .bare(path: p)
        }
        workTree = GitRepository.trimSlash(String(cString: wd))
        gitDirectory = GitRepository.trimSlash(String(cString: git_repository_path(handle)))
        commonDirectory = GitRepository.trimSlash(String(cString: git_repository_commondir(handle)))
    }

    deinit { git_repository_free(repo) }

    /// True when git ignores `path` (relative to the work tree), by any ignore rule.
    public func isIgnored(_ path: String) throws(GitError) -> Bool {
        var ignored: Int32 = 0
        let rc = git_ignore_path_is_ignored(&ignored, repo, path)
        guard rc == 0 else { throw GitRepository.lastError("git_ignore_path_is_ignored", rc) }
        return ignored != 0
    }

    /// A config value from all levels (local, global, system), as git resolves it.
    public func configString(_ name: String) throws(GitError) -> String? {
        var config: OpaquePointer?
        var rc = git_repository_config_snapshot(&config, repo)
        guard rc == 0, let config else { throw GitRepository.lastError("git_repository_config_snapshot", rc) }
        defer { git_config_free(config) }
        var value: UnsafePointer<CChar>?
        rc = git_config_get_string(&value, config, name)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        guard rc == 0, let value else { throw GitRepository.lastError("git_config_get_string", rc) }
        return String(cString: value)
    }

    /// The hooks folder git will run hooks from. libgit2 does not apply `core.hooksPath`, so it
    /// is resolved here as git does: `~/` expanded, relative paths against the work tree.
    /// SeeAlso: git-config(1) core.hooksPath.
    public func hooksDirectory(home: String?) throws(GitError) -> String {
        if let configured = try configString("core.hooksPath"), !configured.isEmpty {
            if configured.hasPrefix("~/"), let home { return home + configured.dropFirst() }
            if configured.hasPrefix("/") { return configured }
            return workTree + "/" + configured
        }
        return commonDirectory + "/hooks"
    }

    /// The files staged in the index (GIT_INDEX_FILE honoured), in index order.
    public func stagedEntries() throws(GitError) -> [StagedEntry] {
        let index = try openIndex()
        defer { git_index_free(index) }
        var out: [StagedEntry] = []
        let count = git_index_entrycount(index)
        out.reserveCapacity(count)
        for i in 0..<count {
            guard let entry = git_index_get_byindex(index, i) else { continue }
            let oid = withUnsafeBytes(of: entry.pointee.id.id) { Array($0) }
            out.append(StagedEntry(path: String(cString: entry.pointee.path), mode: entry.pointee.mode, oid: oid))
        }
        return out
    }

    /// The staged files that differ from HEAD (added, modified, renamed, copied or retyped),
    /// which is what the next commit changes. An unborn HEAD compares with the empty tree.
    public func stagedChanges() throws(GitError) -> [StagedEntry] {
        let index = try openIndex()
        defer { git_index_free(index) }
        var tree: OpaquePointer?
        var head: OpaquePointer?
        var rc = git_revparse_single(&head, repo, "HEAD^{tree}")
        if rc == 0 {
            tree = head
        } else if rc != GIT_ENOTFOUND.rawValue && rc != GIT_EUNBORNBRANCH.rawValue {
            throw GitRepository.lastError("git_revparse_single", rc)
        }
        defer { if let tree { git_object_free(tree) } }
        var diff: OpaquePointer?
        rc = git_diff_tree_to_index(&diff, repo, tree, index, nil)
        guard rc == 0, let diff else { throw GitRepository.lastError("git_diff_tree_to_index", rc) }
        defer { git_diff_free(diff) }
        var out: [StagedEntry] = []
        for i in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, i), delta.pointee.status != GIT_DELTA_DELETED else { continue }
            let file = delta.pointee.new_file
            let oid = withUnsafeBytes(of: file.id.id) { Array($0) }
            out.append(StagedEntry(path: String(cString: file.path), mode: UInt32(file.mode), oid: oid))
        }
        return out
    }

    /// Up to `limit` bytes of a staged blob (everything when nil), and the blob's full size.
    public func blobPrefix(_ entry: StagedEntry, limit: Int? = nil) throws(GitError) -> (bytes: [UInt8], size: Int) {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { $0.copyBytes(from: entry.oid) }
        var blob: OpaquePointer?
        let rc = git_blob_lookup(&blob, repo, &oid)
        guard rc == 0, let blob else { throw GitRepository.lastError("git_blob_lookup", rc) }
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        let n = min(size, limit ?? size)
        guard n > 0, let raw = git_blob_rawcontent(blob) else { return ([], size) }
        return (Array(UnsafeRawBufferPointer(start: raw, count: n)), size)
    }

    private func openIndex() throws(GitError) -> OpaquePointer {
        var index: OpaquePointer?
        let rc = git_repository_index(&index, repo)
        guard rc == 0, let index else { throw GitRepository.lastError("git_repository_index", rc) }
        return index
    }

    static func lastError(_ function: String, _ rc: Int32) -> GitError {
        let message = git_error_last().map { String(cString: $0.pointee.message) } ?? "no message"
        return .libgit2(function: function, code: rc, message: message)
    }

    static func trimSlash(_ s: String) -> String {
        s.count > 1 && s.hasSuffix("/") ? String(s.dropLast()) : s
    }

    static func cwd() throws -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
