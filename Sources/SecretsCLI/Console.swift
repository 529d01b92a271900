import Foundation
import SecretsCore

/// Output to people: results on stdout, `secrets: error:` / `secrets: hint:` on stderr.
enum Console {
    static func out(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func err(_ line: String) {
        // Swift 6 rejects the C global `stderr`; write to fd 2 (NOTES.md).
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func error(_ message: String, hint: String?) {
        err("secrets: error: \(message)")
        if let hint { err("secrets: hint: \(hint)") }
    }

    /// Runs a command body; a `SecretsError` becomes its message, hint and exit code.
    static func run(_ body: () throws -> Int32) -> Int32 {
        do {
            return try body()
        } catch let e as SecretsError {
            error(e.message, hint: e.hint)
            return ExitCodes.code(for: e.category)
        } catch {
            Console.error("unexpected failure: \(error)", hint: "please report this as a bug")
            return ExitCodes.internalError
        }
    }
}
