import Envelope
import LocalKeyProvider

/// Chooses the key provider for a `--kms-id` or a recorded config. One place, so adding a
/// provider touches nothing else.
enum KeyProviders {
    /// The provider named by `--kms-id` at init.
    static func make(kmsId: String, environment: [String: String]) throws -> (provider: KeyProvider, name: String) {
        if kmsId.hasPrefix("local:") {
            do {
                return (try LocalKeyProvider(name: String(kmsId.dropFirst(6)), environment: environment), "local")
            } catch { throw SecretsError.from(error) }
        }
        throw unavailableKMS(kmsId)
    }

    /// The provider recorded in `.key/config.json`.
    static func make(config: KeyConfig, environment: [String: String]) throws -> KeyProvider {
        switch config.provider {
        case "local":
            guard config.keyId.hasPrefix("local:") else {
                throw SecretsError(.config, "\(Workspace.configDisplay): keyId \"\(config.keyId)\" does not start with local:", hint: nil)
            }
            return try make(kmsId: config.keyId, environment: environment).provider
        case "aws-kms":
            throw unavailableKMS(config.keyId)
        default:
            throw SecretsError(.config, "\(Workspace.configDisplay): unknown provider \"\(config.provider)\"", hint: "upgrade secrets")
        }
    }

    static func unavailableKMS(_ id: String) -> SecretsError {
        SecretsError(.key, "--kms-id \(id): the AWS KMS provider is not part of this build yet",
                     hint: "use --kms-id local:NAME for the embedded local key")
    }
}
