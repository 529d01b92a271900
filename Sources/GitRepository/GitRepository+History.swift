internal import CGit2

/// Collects tree entries during `git_tree_walk` (a C callback cannot capture).
private final class TreeCollector {
    var entries: [StagedEntry] = []
}

extension GitRepository {
    /// Commit ids (hex) named by `range`: `A..B` as git rev-list understands it, or one revision.
    public func commits(_ range: String) throws(GitError) -> [String] {
        if range.contains("..") {
            var walk: OpaquePointer?
            var rc = git_revwalk_new(&walk, handle)
            guard rc == 0, let walk else { throw GitRepository.lastError("git_revwalk_new", rc) }
            defer { git_revwalk_free(walk) }
            rc = git_revwalk_push_range(walk, range)
            guard rc == 0 else { throw GitRepository.lastError("git_revwalk_push_range(\(range))", rc) }
            var out: [String] = []
            var oid = git_oid()
            while git_revwalk_next(&oid, walk) == 0 { out.append(GitRepository.hex(oid)) }
            return out
        }
        var object: OpaquePointer?
        let rc = git_revparse_single(&object, handle, range + "^{commit}")
        guard rc == 0, let object else { throw GitRepository.lastError("git_revparse_single(\(range))", rc) }
        defer { git_object_free(object) }
        return [GitRepository.hex(git_object_id(object).pointee)]
    }

    /// Every file (blob or link) in a commit's tree, with paths relative to the root.
    public func treeEntries(commit: String) throws(GitError) -> [StagedEntry] {
        var object: OpaquePointer?
        var rc = git_revparse_single(&object, handle, commit + "^{tree}")
        guard rc == 0, let object else { throw GitRepository.lastError("git_revparse_single(\(commit))", rc) }
        defer { git_object_free(object) }
        let collector = TreeCollector()
        let box = Unmanaged.passUnretained(collector).toOpaque()
        rc = git_tree_walk(object, GIT_TREEWALK_PRE, { root, entry, payload in
            guard let entry, let payload, git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return 0 }
            let collector = Unmanaged<TreeCollector>.fromOpaque(payload).takeUnretainedValue()
            let path = String(cString: root!) + String(cString: git_tree_entry_name(entry))
            let oid = withUnsafeBytes(of: git_tree_entry_id(entry).pointee.id) { Array($0) }
            collector.entries.append(StagedEntry(path: path, mode: UInt32(git_tree_entry_filemode(entry).rawValue), oid: oid))
            return 0
        }, box)
        guard rc == 0 else { throw GitRepository.lastError("git_tree_walk", rc) }
        return collector.entries
    }

    static func hex(_ oid: git_oid) -> String {
        withUnsafeBytes(of: oid.id) { $0.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }
    }
}
