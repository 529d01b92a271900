import Envelope
import Files
import GitRepository
import LocalKeyProvider

extension SecretsError {
    /// Maps a lower module's error to a message and hint a person can act on. `file` names the
    /// file being worked on, relative to the work tree, when there is one.
    static func from(_ error: Error, file: String? = nil) -> SecretsError {
        if let e = error as? SecretsError { return e }
        if let e = error as? EnvelopeError { return envelope(e, file: file ?? "sealed file") }
        if let e = error as? FileError { return fileError(e) }
        if let e = error as? LocalKeyError { return local(e) }
        if let e = error as? GitError { return git(e) }
        return SecretsError(.io, "\(file.map { $0 + ": " } ?? "")\(error)", hint: nil)
    }

    static func fileError(_ e: FileError) -> SecretsError {
        if e.isNoSpace {
            return SecretsError(.io, "\(e.path): no space left on device; nothing was replaced",
                                hint: "free some disk space and run the command again")
        }
        return SecretsError(.io, e.description, hint: nil)
    }

    static func envelope(_ e: EnvelopeError, file: String) -> SecretsError {
        let restore = "restore it from git (git checkout -- '\(file)') or ask whoever sealed it to seal it again"
        switch e {
        case .truncated:
            return SecretsError(.integrity, "\(file): truncated sealed file", hint: restore)
        case .badMagic:
            return SecretsError(.integrity, "\(file): not a sealed file (no SECRETS header)",
                                hint: "plaintext does not belong in .encrypted/: move it into .decrypted/ and run secrets seal")
        case .unsupportedVersion(let v):
            return SecretsError(.integrity, "\(file): sealed-file version \(v) is newer than this secrets supports", hint: "upgrade secrets")
        case .malformedHeader(let why):
            return SecretsError(.integrity, "\(file): malformed header (\(why))", hint: restore)
        case .wrongRepository:
            return SecretsError(.integrity, "\(file): sealed for another repository", hint: "seal the plaintext in this repository instead of copying ciphertext")
        case .wrongPath:
            return SecretsError(.integrity, "\(file): sealed for another path (moved or copied?)",
                                hint: "move the plaintext in .decrypted/ and run secrets seal instead of moving sealed files")
        case .commitmentMismatch:
            return SecretsError(.integrity, "\(file): sealed with a different data key", hint: restore)
        case .authenticationFailed(let frame):
            let part = frame == 0 ? "header" : "frame \(frame)"
            return SecretsError(.integrity, "\(file): authentication failed in the \(part): modified, reordered or truncated", hint: restore)
        case .trailingData:
            return SecretsError(.integrity, "\(file): unexpected bytes after the final frame", hint: restore)
        case .tooLarge:
            return SecretsError(.io, "\(file): too large to seal (over 2^32 frames)", hint: nil)
        case .crypto(let why):
            return SecretsError(.key, "\(file): OpenSSL failure: \(why)", hint: nil)
        }
    }

    static func local(_ e: LocalKeyError) -> SecretsError {
        switch e {
        case .invalidName(let n):
            return SecretsError(.usage, "--kms-id local:\(n): the name must be 1-64 of A-Z a-z 0-9 . _ - and not start with '.'", hint: nil)
        case .noConfigDirectory:
            return SecretsError(.config, "no place for local master keys: SECRETS_HOME, XDG_CONFIG_HOME and HOME are all unset",
                                hint: "set SECRETS_HOME to a private folder outside the repository")
        case .masterKeyMissing(let path):
            return SecretsError(.key, "local master key \(path) not found",
                                hint: "copy it from the machine that ran secrets init (keep mode 0600), or set SECRETS_HOME to its folder")
        case .masterKeyMalformed(let path, let size):
            return SecretsError(.key, "local master key \(path) is \(size) bytes, expected 32", hint: "restore the file from your backup")
        case .masterKeyExposed(let path, let mode):
            return SecretsError(.key, "local master key \(path) is readable by others (mode \(String(mode, radix: 8)))",
                                hint: "chmod 600 '\(path)'")
        case .wrappedKeyMalformed:
            return SecretsError(.key, ".key/ciphertext_blob: not a local wrapped key (wrong size or magic)",
                                hint: "restore it from git: git checkout -- .key/ciphertext_blob")
        case .unwrapFailed(let path):
            return SecretsError(.key, ".key/ciphertext_blob: the local master key \(path) does not open it (another key of the same name, or a changed encryption context)",
                                hint: "use the master key file from the machine that ran secrets init")
        case .file(let f):
            return fileError(f)
        case .crypto(let why):
            return SecretsError(.key, "local key provider: OpenSSL failure: \(why)", hint: nil)
        }
    }

    static func git(_ e: GitError) -> SecretsError {
        switch e {
        case .notARepository(let path):
            return SecretsError(.repository, "\(path): not inside a git repository", hint: "run git init first, or cd into your repository")
        case .dubiousOwnership(let path):
            return SecretsError(.repository, "\(path): the repository is owned by another user",
                                hint: "if you trust it: git config --global --add safe.directory '<repo path>'")
        case .bare(let path):
            return SecretsError(.repository, "\(path): bare repository has no work tree", hint: "run secrets in a checkout")
        case .libgit2(let function, let code, let message):
            return SecretsError(.repository, "libgit2 \(function) failed (\(code)): \(message)", hint: nil)
        }
    }
}
