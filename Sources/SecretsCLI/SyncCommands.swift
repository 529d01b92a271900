import ArgumentParser
import Mirror
import SecretsCore

/// Flags shared by `seal` and `unseal`.
struct SyncOptions: ParsableArguments {
    @Flag(name: .customLong("dry-run"), help: "Print the plan without writing anything.")
    var dryRun = false

    @Flag(help: "Resolve conflicts in this command's direction (overwrites newer data).")
    var force = false
}

struct SealCommand: SecretsCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal", abstract: "Encrypt new and changed files of .decrypted/ into .encrypted/.")
    @OptionGroup var options: SyncOptions
    @OptionGroup var aws: AWSOptions

    mutating func execute() -> Int32 {
        SyncPrinter.run(.seal, options, aws)
    }
}

struct UnsealCommand: SecretsCommand {
    static let configuration = CommandConfiguration(
        commandName: "unseal", abstract: "Decrypt .encrypted/ into .decrypted/ (files 0600, folders 0700).")
    @OptionGroup var options: SyncOptions
    @OptionGroup var aws: AWSOptions

    mutating func execute() -> Int32 {
        SyncPrinter.run(.unseal, options, aws)
    }
}

enum SyncPrinter {
    static func run(_ direction: Direction, _ options: SyncOptions, _ aws: AWSOptions) -> Int32 {
        Console.run {
            let workspace = try Workspace(environment: processEnvironment, aws: aws.flags)
            let report = try workspace.synchronize(direction, force: options.force, dryRun: options.dryRun)
            let conflicts = report.plan.conflicts
            if !conflicts.isEmpty {
                for case .conflict(let path, let reason) in conflicts {
                    Console.err("secrets: conflict: \(path): \(reason)")
                }
                Console.err("secrets: error: \(conflicts.count) conflict(s); nothing was written")
                Console.err(direction == .seal
                    ? "secrets: hint: run secrets unseal to take the newer sealed version, or secrets seal --force to overwrite it with your plaintext"
                    : "secrets: hint: run secrets seal to keep your edits, or secrets unseal --force to discard them")
                return ExitCodes.conflict
            }
            let verb = options.dryRun ? "would " : ""
            var counts: [String: Int] = [:]
            for action in report.plan.actions {
                let line: String? = switch action {
                case .seal(let p): "\(verb)seal    \(p)"
                case .unseal(let p): "\(verb)unseal  \(p)"
                case .deleteSealed(let p): "\(verb)delete  .encrypted/\(p)  (its plaintext was deleted)"
                case .deletePlain(let p): "\(verb)delete  .decrypted/\(p)  (its sealed file was deleted)"
                default: nil
                }
                if let line {
                    Console.out(line)
                    counts[String(line.dropFirst(verb.count).prefix { $0 != " " }), default: 0] += 1
                }
            }
            let unchanged = report.changes.count - report.plan.writes.count
            let summary = ["seal", "unseal", "delete"].compactMap { k in counts[k].map { "\(k) \($0)" } } + ["unchanged \(unchanged)"]
            Console.out((options.dryRun ? "dry run, nothing written: " : "") + summary.joined(separator: ", "))
            return ExitCodes.ok
        }
    }
}

struct StatusCommand: SecretsCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show each path as in-sync, added, modified, deleted or conflicted; exit 0 only when all are in sync.")
    @OptionGroup var aws: AWSOptions

    mutating func execute() -> Int32 {
        Console.run {
            let workspace = try Workspace(environment: processEnvironment, aws: aws.flags)
            let report = try workspace.status()
            var outOfSync = 0
            for (path, change) in report.changes {
                let (label, note): (String, String?) = switch change {
                case .inSync, .forgotten: ("in-sync", nil)
                case .plaintextAdded: ("added", "new in .decrypted/: run secrets seal")
                case .plaintextModified: ("modified", "changed in .decrypted/: run secrets seal")
                case .plaintextDeleted: ("deleted", "deleted from .decrypted/: secrets seal removes the sealed file")
                case .sealedAdded: ("added", "new in .encrypted/: run secrets unseal")
                case .sealedModified: ("modified", "changed in .encrypted/: run secrets unseal")
                case .sealedDeleted: ("deleted", "deleted from .encrypted/: secrets unseal removes the plaintext")
                case .conflict(let c): ("conflicted", c.rawValue)
                }
                if case .forgotten = change { continue }
                if note != nil { outOfSync += 1 }
                let padded = label.padding(toLength: 11, withPad: " ", startingAt: 0)
                Console.out(note.map { "\(padded)\(path)  (\($0))" } ?? "\(padded)\(path)")
            }
            return outOfSync == 0 ? ExitCodes.ok : ExitCodes.findings
        }
    }
}
