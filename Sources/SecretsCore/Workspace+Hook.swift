import Files

/// The state of the pre-commit hook.
public enum HookState: Equatable, Sendable {
    /// No pre-commit hook at all.
    case absent
    /// Ours, calling this binary path; `chained` when it runs a previous hook first.
    case installed(binary: String, chained: Bool)
    /// Someone else's hook, not chained to ours.
    case foreign
}

extension Workspace {
    static let hookMarker = "# secrets pre-commit hook v1"
    static let chainedName = "pre-commit.secrets-chained"

    /// Where git runs hooks from, honouring core.hooksPath (local, global or system).
    public func hooksDirectory() throws -> String {
        do { return try git.hooksDirectory(home: environment["HOME"]) } catch { throw SecretsError.from(error) }
    }

    /// What is installed now.
    public func hookState() throws -> HookState {
        let path = Path.join(try hooksDirectory(), "pre-commit")
        guard try io({ try Posix.info(path) }) != nil else { return .absent }
        let text = String(decoding: try io { try Posix.readAll(path, limit: 1 << 20) }, as: UTF8.self)
        guard text.contains(Self.hookMarker) else { return .foreign }
        let binary = text.split(separator: "\n").first { $0.hasPrefix("secrets_bin=") }
            .map { String($0.dropFirst("secrets_bin=".count)) }.map(Self.unquote) ?? ""
        let chained = try io { try Posix.info(Path.join(try hooksDirectory(), Self.chainedName)) } != nil
        return .installed(binary: binary, chained: chained)
    }

    /// Installs the hook calling `binary`. An existing foreign hook is kept and run first.
    /// Installing twice changes nothing. Returns lines to print.
    public func installHook(binary: String) throws -> [String] {
        let folder = try hooksDirectory()
        let path = Path.join(folder, "pre-commit")
        let chainedPath = Path.join(folder, Self.chainedName)
        var lines: [String] = []
        switch try hookState() {
        case .installed(let current, _) where current == binary:
            return ["pre-commit hook already installed in \(folder); nothing changed"]
        case .installed:
            lines.append("pre-commit hook updated to call \(binary)")
        case .foreign:
            guard try io({ try Posix.info(chainedPath) }) == nil else {
                throw SecretsError(.io, "\(chainedPath) already exists; refusing to overwrite it",
                                   hint: "move it aside, then run secrets hook install again")
            }
            try io { try Posix.rename(path, to: chainedPath) }
            lines.append("kept your existing pre-commit hook as \(Self.chainedName); it runs first and its exit status is respected")
        case .absent:
            try io { try Posix.makeDirectories(folder, mode: 0o755) }
        }
        try io { try AtomicFile.write(path, bytes: Array(Self.hookScript(binary: binary).utf8), mode: 0o755) }
        if lines.isEmpty || lines[0].hasPrefix("kept") { lines.append("installed pre-commit hook in \(folder)") }
        return lines
    }

    /// Removes our hook and restores exactly what was there before.
    public func uninstallHook() throws -> [String] {
        let folder = try hooksDirectory()
        let path = Path.join(folder, "pre-commit")
        let chainedPath = Path.join(folder, Self.chainedName)
        switch try hookState() {
        case .absent, .foreign:
            return ["no secrets pre-commit hook in \(folder); nothing changed"]
        case .installed(_, let chained):
            if chained {
                try io { try Posix.rename(chainedPath, to: path) }
                return ["removed the secrets hook and restored your previous pre-commit hook"]
            }
            try io { try Posix.remove(path) }
            return ["removed the secrets pre-commit hook from \(folder)"]
        }
    }

    static func hookScript(binary: String) -> String {
        """
        #!/bin/sh
        \(hookMarker): blocks commits that would put plaintext secrets into git.
        # Installed by `secrets hook install`; `secrets hook uninstall` restores any previous hook.
        secrets_bin=\(quote(binary))
        here=$(dirname "$0")
        if [ -e "$here/\(chainedName)" ]; then
          "$here/\(chainedName)" "$@" || exit $?
        fi
        if [ ! -x "$secrets_bin" ]; then
          echo "secrets: error: pre-commit hook: $secrets_bin not found (moved or uninstalled?); commit blocked" >&2
          echo "secrets: hint: run 'secrets hook install' from its new location (git commit --no-verify skips every check: your choice)" >&2
          exit 1
        fi
        exec "$secrets_bin" verify --staged

        """
    }

    /// Single-quotes for sh.
    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    static func unquote(_ s: String) -> String {
        guard s.hasPrefix("'"), s.hasSuffix("'"), s.count >= 2 else { return s }
        return String(s.dropFirst().dropLast()).replacingOccurrences(of: "'\\''", with: "'")
    }
}

import Foundation
