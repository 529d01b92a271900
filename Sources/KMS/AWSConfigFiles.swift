import Foundation

/// The AWS CLI's shared files: `~/.aws/credentials` (sections `[name]`) and `~/.aws/config`
/// (sections `[profile name]`, `[default]`, `[sso-session name]`), paths overridable by
/// AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE.
/// SeeAlso: https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html
public struct AWSConfigFiles: Sendable {
    /// Profiles from the credentials file.
    public var credentials: [String: [String: String]]
    /// Profiles from the config file (the `profile ` prefix removed).
    public var config: [String: [String: String]]
    /// `[sso-session NAME]` sections.
    public var ssoSessions: [String: [String: String]]
    /// The paths read, for messages.
    public var credentialsPath: String
    /// See `credentialsPath`.
    public var configPath: String

    /// Reads both files (missing files are empty).
    public static func load(environment env: [String: String]) -> AWSConfigFiles {
        let home = env["HOME"] ?? ""
        let credentialsPath = env["AWS_SHARED_CREDENTIALS_FILE"].map { expand($0, home) } ?? home + "/.aws/credentials"
        let configPath = env["AWS_CONFIG_FILE"].map { expand($0, home) } ?? home + "/.aws/config"
        let credentials = parse((try? String(contentsOfFile: credentialsPath, encoding: .utf8)) ?? "")
        var config: [String: [String: String]] = [:]
        var sso: [String: [String: String]] = [:]
        for (section, values) in parse((try? String(contentsOfFile: configPath, encoding: .utf8)) ?? "") {
            if section == "default" { config["default"] = values }
            else if section.hasPrefix("profile ") { config[trim(String(section.dropFirst(8)))] = values }
            else if section.hasPrefix("sso-session ") { sso[trim(String(section.dropFirst(12)))] = values }
        }
        return AWSConfigFiles(credentials: credentials, config: config, ssoSessions: sso,
                              credentialsPath: credentialsPath, configPath: configPath)
    }

    /// A profile's setting: the credentials file wins for keys, the config file for the rest.
    public func value(_ key: String, profile: String) -> String? {
        credentials[profile]?[key] ?? config[profile]?[key]
    }

    /// True when either file names the profile.
    public func hasProfile(_ name: String) -> Bool { credentials[name] != nil || config[name] != nil }

    /// INI as the AWS CLI reads it: `[section]`, `key = value`, `#`/`;` comments, and indented
    /// sub-keys (for `s3 =` blocks) folded into `parent.sub`.
    static func parse(_ text: String) -> [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        var section: String?
        var parent: String?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw).replacingOccurrences(of: "\r", with: "")
            let stripped = trim(line)
            if stripped.isEmpty || stripped.hasPrefix("#") || stripped.hasPrefix(";") { continue }
            if stripped.hasPrefix("[") && stripped.hasSuffix("]") {
                section = trim(String(stripped.dropFirst().dropLast()))
                parent = nil
                if let s = section, out[s] == nil { out[s] = [:] }
                continue
            }
            guard let s = section, let eq = stripped.firstIndex(of: "=") else { continue }
            let key = trim(String(stripped[..<eq])).lowercased()
            let value = trim(String(stripped[stripped.index(after: eq)...]))
            if line.first == " " || line.first == "\t", let p = parent {
                out[s]?["\(p).\(key)"] = value
            } else {
                out[s]?[key] = value
                parent = value.isEmpty ? key : nil
            }
        }
        return out
    }

    static func trim(_ s: String) -> String { s.trimmingCharacters(in: .whitespaces) }
    static func expand(_ p: String, _ home: String) -> String { p.hasPrefix("~/") ? home + p.dropFirst() : p }
}
