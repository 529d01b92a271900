import Envelope
import KMS
import LocalKeyProvider

/// A provider and what `init` records about it.
struct ProviderSetup {
    let provider: KeyProvider
    let name: String
    let region: String?
    let endpoint: String?
}

/// Chooses the key provider for a `--kms-id` or a recorded config. One place, so adding a
/// provider touches nothing else.
enum KeyProviders {
    /// The provider named by `--kms-id` at init: `local:NAME`, or an AWS KMS key id, key ARN,
    /// alias name (`alias/x`) or alias ARN.
    static func make(kmsId: String, environment: [String: String], aws: AWSFlags) throws -> ProviderSetup {
        if kmsId.hasPrefix("local:") {
            do {
                return ProviderSetup(provider: try LocalKeyProvider(name: String(kmsId.dropFirst(6)), environment: environment),
                                     name: "local", region: nil, endpoint: nil)
            } catch { throw SecretsError.from(error) }
        }
        let client = try AwsKmsKeyProvider.client(aws: aws, environment: environment, keyArn: kmsId.hasPrefix("arn:") ? kmsId : nil, keyId: kmsId)
        let standard = "https://kms.\(client.settings.region).amazonaws.com"
        return ProviderSetup(provider: AwsKmsKeyProvider(client: client, keyId: kmsId), name: "aws-kms",
                             region: client.settings.region, endpoint: client.settings.endpoint == standard ? nil : client.settings.endpoint)
    }

    /// The provider recorded in `.key/config.json`.
    static func make(config: KeyConfig, environment: [String: String], aws: AWSFlags) throws -> KeyProvider {
        switch config.provider {
        case "local":
            guard config.keyId.hasPrefix("local:") else {
                throw SecretsError(.config, "\(Workspace.configDisplay): keyId \"\(config.keyId)\" does not start with local:", hint: nil)
            }
            return try make(kmsId: config.keyId, environment: environment, aws: aws).provider
        case "aws-kms":
            guard let arn = config.keyArn, arn.hasPrefix("arn:") else {
                throw SecretsError(.config, "\(Workspace.configDisplay): aws-kms needs \"keyArn\"", hint: "restore it from git: git checkout -- .key/config.json")
            }
            let client = try AwsKmsKeyProvider.client(aws: aws, environment: environment, keyArn: arn, keyId: arn)
            if let recorded = config.endpoint, client.settings.endpoint != recorded {
                throw SecretsError(.config, "\(Workspace.configDisplay) names KMS endpoint \(recorded); secrets never sends signed requests to an endpoint a repository chooses",
                                   hint: "if you trust it: pass --endpoint-url \(recorded), or set AWS_ENDPOINT_URL_KMS (or endpoint_url in your AWS profile)")
            }
            return AwsKmsKeyProvider(client: client, keyId: arn)
        default:
            throw SecretsError(.config, "\(Workspace.configDisplay): unknown provider \"\(config.provider)\"", hint: "upgrade secrets")
        }
    }
}
