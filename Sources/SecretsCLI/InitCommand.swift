import ArgumentParser
import SecretsCore

struct InitCommand: SecretsCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the repository's data key, .key/, .decrypted/ and .encrypted/.")
    @OptionGroup var aws: AWSOptions

    @Option(name: .customLong("kms-id"), help: "local:NAME for the embedded local key, or an AWS KMS key id, ARN or alias.")
    var kmsId: String

    @Option(name: .customLong("context"), help: "Extra encryption context pair key=value (repeatable).")
    var context: [String] = []

    @Flag(help: "Replace an existing key, only when no sealed file depends on it.")
    var force = false

    func validate() throws {
        for pair in context where !pair.contains("=") || pair.hasPrefix("=") {
            throw ValidationError("--context \(pair): expected key=value")
        }
        if kmsId.isEmpty { throw ValidationError("--kms-id must not be empty") }
    }

    mutating func execute() -> Int32 {
        Console.run {
            var pairs: [String: String] = [:]
            for pair in context {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                pairs[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
            }
            let workspace = try Workspace(environment: processEnvironment, aws: aws.flags)
            let report = try workspace.initialize(kmsId: kmsId, context: pairs, force: force)
            report.lines.forEach(Console.out)
            // The hook is (re)checked on every init, so a repo cloned after init gets it too.
            try workspace.installHook(binary: CurrentBinary.path()).forEach(Console.out)
            return ExitCodes.ok
        }
    }
}
