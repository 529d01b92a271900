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
        commandName: "verify",
        abstract: "Check tracked files: sealed files open under their path, no plaintext or key material tracked, no leaked secret.",
        discussion: "Without --staged it needs the key (one provider call). --staged is the pre-commit hook's key-free check.")
    @OptionGroup var aws: AWSOptions

    @Flag(help: "Check what the next commit changes, without the key (the pre-commit hook's check).")
    var staged = false

    @Option(help: "Check every commit of a range (A..B) or one revision instead of the work tree.")
    var range: String?

    @Flag(help: "Print findings as JSON.")
    var json = false

    func validate() throws {
        if staged && range != nil { throw ValidationError("--staged and --range cannot be combined") }
    }

    mutating func execute() -> Int32 {
        Console.run {
            let workspace = try Workspace(environment: processEnvironment, aws: aws.flags)
            if staged { return try stagedCheck(workspace) }
            let findings = try workspace.verifyTracked(range: range)
            if json {
                let items: [[String: Any]] = findings.map {
                    var item: [String: Any] = ["check": $0.check, "path": $0.path, "message": $0.message]
                    if let c = $0.commit { item["commit"] = c }
                    return item
                }
                let data = try JSONSerialization.data(withJSONObject: ["ok": findings.isEmpty, "findings": items], options: [.sortedKeys, .prettyPrinted])
                Console.out(String(decoding: data, as: UTF8.self))
            } else {
                for f in findings {
                    Console.err("secrets: finding: \(f.path)\(f.commit.map { " (commit \($0.prefix(12)))" } ?? ""): \(f.message)")
                }
                Console.out(findings.isEmpty ? "verified: no findings" : "\(findings.count) finding(s)")
            }
            return findings.isEmpty ? ExitCodes.ok : ExitCodes.findings
        }
    }

    private func stagedCheck(_ workspace: Workspace) throws -> Int32 {
        let report = try workspace.verifyStaged()
        let findings = report.findings
        if json {
            let items = findings.map { ["check": "staged", "path": $0.path, "message": $0.reason] }
            let data = try JSONSerialization.data(withJSONObject: ["ok": findings.isEmpty, "findings": items, "warnings": report.warnings],
                                                  options: [.sortedKeys, .prettyPrinted])
            Console.out(String(decoding: data, as: UTF8.self))
            return findings.isEmpty ? ExitCodes.ok : ExitCodes.findings
        }
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

/// The absolute path of the running binary, for the hook to call.
enum CurrentBinary {
    static func path() throws -> String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        if let path = Bundle.main.executablePath { return URL(fileURLWithPath: path).resolvingSymlinksInPath().path }
        throw SecretsError(.io, "cannot find the secrets binary's own path", hint: nil)
    }
}
