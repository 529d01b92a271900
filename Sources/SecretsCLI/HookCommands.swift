import ArgumentParser
import Foundation
import SecretsCore

struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook", abstract: "Manage the pre-commit hook that blocks plaintext commits.",
        subcommands: [HookInstall.self, HookUninstall.self, HookStatus.self])
}

struct HookInstall: SecretsCommand {
    static let configuration = CommandConfiguration(commandName: "install", abstract: "Install (or chain) the pre-commit hook.")
    mutating func execute() -> Int32 {
        Console.run {
            let workspace = try Workspace(environment: processEnvironment)
            try workspace.installHook(binary: CurrentBinary.path()).forEach(Console.out)
            return ExitCodes.ok
        }
    }
}

struct HookUninstall: SecretsCommand {
    static let configuration = CommandConfiguration(commandName: "uninstall", abstract: "Remove the hook and restore any previous one.")
    mutating func execute() -> Int32 {
        Console.run {
            try Workspace(environment: processEnvironment).uninstallHook().forEach(Console.out)
            return ExitCodes.ok
        }
    }
}

struct HookStatus: SecretsCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Say whether the hook is installed; exit 1 when it is not.")
    mutating func execute() -> Int32 {
        Console.run {
            let workspace = try Workspace(environment: processEnvironment)
            let folder = try workspace.hooksDirectory()
            switch try workspace.hookState() {
            case .absent:
                Console.out("not installed (\(folder)/pre-commit does not exist)")
                return ExitCodes.findings
            case .foreign:
                Console.out("not installed: \(folder)/pre-commit is another tool's hook (secrets hook install chains it)")
                return ExitCodes.findings
            case .installed(let binary, let chained):
                let exists = FileManager.default.isExecutableFile(atPath: binary)
                Console.out("installed in \(folder), calling \(binary)\(chained ? ", after your previous hook" : "")")
                if !exists {
                    Console.error("\(binary) no longer exists; the hook blocks every commit", hint: "run secrets hook install again")
                    return ExitCodes.findings
                }
                return ExitCodes.ok
            }
        }
    }
}

struct VerifyCommand: SecretsCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check what is about to be committed for plaintext secrets (what the hook runs).")

    @Flag(help: "Check the staged index without the key (the pre-commit hook's check).")
    var staged = false

    func validate() throws {
        if !staged { throw ValidationError("only --staged is available in this build") }
    }

    mutating func execute() -> Int32 {
        Console.run {
            let report = try Workspace(environment: processEnvironment).verifyStaged()
            let findings = report.findings
            for w in report.warnings { Console.err("secrets: warning: \(w)") }
            for f in findings {
                Console.err("secrets: blocked: \(f.path): \(f.reason)")
                Console.err("secrets: hint: \(f.hint)")
            }
            if !findings.isEmpty {
                Console.err("secrets: error: commit blocked: \(findings.count) problem(s) above; fix them and commit again")
                return ExitCodes.findings
            }
            return ExitCodes.ok
        }
    }
}

/// The absolute path of the running binary, for the hook to call.
enum CurrentBinary {
    static func path() throws -> String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        if let path = Bundle.main.executablePath { return URL(fileURLWithPath: path).resolvingSymlinksInPath().path }
        throw SecretsError(.io, "cannot find the secrets binary's own path", hint: nil)
    }
}
