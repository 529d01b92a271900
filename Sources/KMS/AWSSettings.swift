/// Flags the user gave, which win over everything else (as with the AWS CLI).
public struct AWSFlags: Sendable {
    /// `--profile`.
    public var profile: String?
    /// `--region`.
    public var region: String?
    /// `--endpoint-url`.
    public var endpointURL: String?
    /// `--debug`: log requests (credentials and tokens redacted).
    public var debug: Bool

    /// Flags.
    public init(profile: String? = nil, region: String? = nil, endpointURL: String? = nil, debug: Bool = false) {
        self.profile = profile
        self.region = region
        self.endpointURL = endpointURL
        self.debug = debug
    }
}

/// Profile, region and endpoint resolved like the AWS CLI.
public struct AWSSettings: Sendable {
    /// The profile in use.
    public let profile: String
    /// True when `--profile` named it (then environment credentials are skipped, as in the CLI).
    public let profileFromFlag: Bool
    /// The region.
    public let region: String
    /// The KMS endpoint URL.
    public let endpoint: String
    /// Where the region came from, for messages.
    public let regionSource: String
    /// The shared files.
    public let files: AWSConfigFiles
    /// The environment.
    public let environment: [String: String]

    /// Resolves settings. `keyArn` supplies a region of last resort.
    /// Region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region, the key ARN's region.
    /// Endpoint: --endpoint-url, AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL, the profile's
    /// endpoint_url, else https://kms.REGION.amazonaws.com. Nothing from the repository.
    /// A recorded key ARN pins the region right after --region: a key lives in one region only.
    public static func resolve(flags: AWSFlags, environment env: [String: String], keyArn: String?) throws -> AWSSettings {
        let files = AWSConfigFiles.load(environment: env)
        let profile = flags.profile ?? nonEmpty(env["AWS_PROFILE"]) ?? nonEmpty(env["AWS_DEFAULT_PROFILE"]) ?? "default"
        if flags.profile != nil || env["AWS_PROFILE"] != nil, profile != "default", !files.hasProfile(profile) {
            throw KMSError.badSetting(name: "profile \(profile)", detail: "not found in \(files.configPath) or \(files.credentialsPath)")
        }
        let candidates: [(String, String?)] = [
            ("--region", flags.region), ("the key ARN", keyArn.flatMap(regionOf)), ("AWS_REGION", nonEmpty(env["AWS_REGION"])),
            ("AWS_DEFAULT_REGION", nonEmpty(env["AWS_DEFAULT_REGION"])),
            ("profile \(profile)", files.config[profile]?["region"]),
        ]
        guard let (source, region) = candidates.first(where: { $0.1 != nil }).map({ ($0.0, $0.1!) }) else { throw KMSError.noRegion }
        // The region becomes part of a host name; a key ARN comes from the repository, so a
        // crafted one (`x.attacker.example#`) must not be able to move signed requests elsewhere.
        guard isValidRegion(region) else {
            throw KMSError.badSetting(name: "region \"\(region)\" (from \(source))", detail: "a region is lower-case letters, digits and dashes, like us-east-1")
        }
        let endpoint = flags.endpointURL ?? nonEmpty(env["AWS_ENDPOINT_URL_KMS"]) ?? nonEmpty(env["AWS_ENDPOINT_URL"])
            ?? files.config[profile]?["kms.endpoint_url"] ?? files.config[profile]?["endpoint_url"]
            ?? "https://kms.\(region).amazonaws.com"
        guard endpoint.hasPrefix("https://") || endpoint.hasPrefix("http://") else {
            throw KMSError.badSetting(name: "endpoint URL \(endpoint)", detail: "must start with https:// (or http:// for a local emulator)")
        }
        return AWSSettings(profile: profile, profileFromFlag: flags.profile != nil, region: region, endpoint: endpoint,
                           regionSource: source, files: files, environment: env)
    }

    /// The region field of `arn:aws:kms:REGION:ACCOUNT:key/ID`.
    public static func regionOf(_ arn: String) -> String? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 6, parts[0] == "arn", !parts[3].isEmpty else { return nil }
        return String(parts[3])
    }

    /// A service endpoint, honouring AWS_ENDPOINT_URL_<SERVICE> and AWS_ENDPOINT_URL.
    func endpoint(service: String, defaultHost: String) -> String {
        nonEmpty(environment["AWS_ENDPOINT_URL_\(service.uppercased())"]) ?? nonEmpty(environment["AWS_ENDPOINT_URL"])
            ?? "https://\(defaultHost)"
    }
}

func nonEmpty(_ s: String?) -> String? { (s?.isEmpty ?? true) ? nil : s }

/// `us-east-1`, `us-gov-west-1`, `cn-north-1`: letters, digits and dashes only.
func isValidRegion(_ region: String) -> Bool {
    !region.isEmpty && region.count <= 32 && region.utf8.allSatisfy {
        ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-")
    }
}
