import ArgumentParser
import SecretsCore

struct ImportCommand: SecretsCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Take over a repository made by aws-kms-boilerplate (bin/encrypt, bin/decrypt).",
        discussion: "Opens the old files with the old data key, writes them to .decrypted/, creates a new data key and seals everything. Local plaintexts that differ are never overwritten without --force.")

    @Option(name: .customLong("kms-id"), help: "KMS key for the new data key (default: the key that wrapped the old one).")
    var kmsId: String?

    @Flag(help: "Overwrite local .decrypted/ files that differ from the imported content.")
    var force = false

    @Flag(name: .customLong("dry-run"), help: "Print what would happen without writing.")
    var dryRun = false

    @OptionGroup var aws: AWSOptions

    mutating func execute() -> Int32 {
        Console.run {
            let workspace = try Workspace(environment: processEnvironment, aws: aws.flags)
            let report = try workspace.importBoilerplate(kmsId: kmsId, force: force, dryRun: dryRun)
            report.warnings.forEach { Console.err("secrets: warning: \($0)") }
            report.lines.forEach(Console.out)
            if !report.conflicts.isEmpty {
                report.conflicts.forEach { Console.err("secrets: conflict: \($0): .decrypted/ holds different content") }
                Console.error("\(report.conflicts.count) conflict(s); nothing was written", hint: "compare and keep what you need, or run secrets import --force")
                return ExitCodes.conflict
            }
            if !dryRun { try workspace.installHook(binary: CurrentBinary.path()).forEach(Console.out) }
            return ExitCodes.ok
        }
    }
}
