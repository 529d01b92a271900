import ArgumentParser
import Foundation

/// The `secrets` command line: parsing, printing and exit codes only; the work is in SecretsCore.
@main
struct Secrets: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secrets",
        abstract: "Keep a git repository's secrets encrypted at rest (envelope encryption with AWS KMS or a local key).",
        version: "0.1.0",
        subcommands: [InitCommand.self, ImportCommand.self, SealCommand.self, UnsealCommand.self, StatusCommand.self, VerifyCommand.self, RewrapCommand.self, HookCommand.self])

    /// Parses, runs, and exits with a documented code. ArgumentParser's own errors are
    /// reprinted in the `secrets: error:` form.
    static func main() {
        let code: Int32
        do {
            var command = try parseAsRoot()
            if var runnable = command as? SecretsCommand {
                code = runnable.execute()
            } else {
                try command.run()
                code = ExitCodes.ok
            }
        } catch {
            let exit = exitCode(for: error)
            if exit == .success {
                Console.out(fullMessage(for: error))
                code = ExitCodes.ok
            } else {
                let message = fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "invalid command line"
                let trimmed = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
                Console.error(trimmed, hint: "see secrets --help")
                code = ExitCodes.usage
            }
        }
        Foundation.exit(code)
    }
}

/// A subcommand that returns its exit code instead of throwing.
protocol SecretsCommand: ParsableCommand {
    mutating func execute() -> Int32
}

extension SecretsCommand {
    mutating func run() throws {
        let code = execute()
        if code != 0 { throw ExitCode(code) }
    }
}

var processEnvironment: [String: String] { ProcessInfo.processInfo.environment }
