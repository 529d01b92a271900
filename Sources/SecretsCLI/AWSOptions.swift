import ArgumentParser
import KMS

/// AWS settings shared by every command that talks to KMS. They win over the environment and
/// the AWS profile, as with the AWS CLI; nothing in the repository can set them.
struct AWSOptions: ParsableArguments {
    @Option(help: "AWS profile from ~/.aws/config (default: AWS_PROFILE, else default).")
    var profile: String?

    @Option(help: "AWS region (default: the key ARN's, AWS_REGION, AWS_DEFAULT_REGION, the profile's).")
    var region: String?

    @Option(name: .customLong("endpoint-url"), help: "KMS endpoint URL (default: AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL, the profile's, or the regional one).")
    var endpointURL: String?

    @Flag(help: "Log AWS requests to stderr (credentials and tokens redacted; bodies never shown).")
    var debug = false

    var flags: AWSFlags { AWSFlags(profile: profile, region: region, endpointURL: endpointURL, debug: debug) }
}
