import ArgumentParser
import SecretsCore

struct RewrapCommand: SecretsCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewrap",
        abstract: "Move the data key to another AWS KMS key (KMS ReEncrypt); sealed files stay byte-identical.")

    @Option(name: .customLong("kms-id"), help: "The new KMS key id, ARN, alias or alias ARN.")
    var kmsId: String

    @OptionGroup var aws: AWSOptions

    mutating func execute() -> Int32 {
        Console.run {
            try Workspace(environment: processEnvironment, aws: aws.flags).rewrap(to: kmsId).forEach(Console.out)
            return ExitCodes.ok
        }
    }
}
