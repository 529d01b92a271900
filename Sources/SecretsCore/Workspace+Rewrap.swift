import Files
import KMS

extension Workspace {
    /// `secrets rewrap --kms-id NEW`: re-wraps the same data key under another KMS key with one
    /// ReEncrypt call (the plaintext key never leaves KMS). Sealed files do not change, so a key
    /// migration makes no churn in `.encrypted/`. Same encryption context, same region.
    public func rewrap(to kmsId: String) throws -> [String] {
        let config = try loadConfig()
        guard config.provider == "aws-kms", let sourceArn = config.keyArn else {
            throw SecretsError(.usage, "rewrap moves a data key between AWS KMS keys; this repository uses \(config.keyId)",
                               hint: "to change a local key, unseal, start a new repository key with init, and seal again")
        }
        guard !kmsId.hasPrefix("local:") else {
            throw SecretsError(.usage, "--kms-id \(kmsId): rewrap needs an AWS KMS key", hint: nil)
        }
        // Validates the recorded endpoint rule exactly as every other command does.
        let provider = try KeyProviders.make(config: config, environment: environment, aws: aws)
        guard let kms = provider as? AwsKmsKeyProvider else { throw SecretsError(.config, "unexpected provider", hint: nil) }
        let blob = try loadWrappedKey()
        let result: (blob: [UInt8], keyArn: String)
        do {
            result = try kms.client.reEncrypt(blob, from: sourceArn, sourceContext: config.encryptionContext,
                                              to: kmsId, destinationContext: config.encryptionContext)
        } catch let e as KMSError {
            throw AwsKmsKeyProvider.translate(e, keyId: kmsId, region: kms.client.settings.region, source: kms.client.credentialSource,
                                              endpoint: kms.client.settings.endpoint, action: "kms:ReEncryptFrom on the old key and kms:ReEncryptTo on the new")
        }
        var updated = config
        updated.keyId = kmsId
        updated.keyArn = result.keyArn
        // The blob and the config change together; if this is interrupted in between,
        // `git checkout -- .key/` restores the previous, working pair.
        try io {
            try AtomicFile.write(blobPath, bytes: result.blob, mode: 0o644)
            try AtomicFile.write(configPath, bytes: try updated.encoded(), mode: 0o644)
        }
        return ["re-wrapped the data key from \(sourceArn) to \(result.keyArn); sealed files are unchanged",
                "commit .key/ to share it; the old key can be retired once every clone has pulled"]
    }
}
