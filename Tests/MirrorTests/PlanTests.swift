import XCTest
@testable import Mirror

final class ChangeTests: XCTestCase {
    let r = SyncState.Entry(plain: "p0", sealed: "s0")

    private func classify(_ plain: String?, _ sealed: String?, _ recorded: SyncState.Entry?, opened: String = "never") -> (Change, Bool) {
        var called = false
        let change = Change.classify(PathFacts(plain: plain, sealed: sealed, recorded: recorded)) {
            called = true
            return opened
        }
        return (change, called)
    }

    func testEveryCombination() {
        XCTAssertEqual(classify("p0", "s0", r).0, .inSync(record: nil))
        XCTAssertEqual(classify("p1", nil, nil).0, .plaintextAdded)
        XCTAssertEqual(classify("p1", "s0", r).0, .plaintextModified)
        XCTAssertEqual(classify(nil, "s0", r).0, .plaintextDeleted)
        XCTAssertEqual(classify(nil, "s1", nil).0, .sealedAdded)
        XCTAssertEqual(classify("p0", "s1", r).0, .sealedModified)
        XCTAssertEqual(classify("p0", nil, r).0, .sealedDeleted)
        XCTAssertEqual(classify("p1", nil, r).0, .conflict(.plainChangedSealedDeleted))
        XCTAssertEqual(classify(nil, "s1", r).0, .conflict(.plainDeletedSealedChanged))
        XCTAssertEqual(classify(nil, nil, r).0, .forgotten)
        XCTAssertEqual(classify(nil, nil, nil).0, .inSync(record: nil))
    }

    func testDecryptsOnlyWhenBothSidesExistAndSealedIsUnrecorded() {
        XCTAssertFalse(classify("p0", "s0", r).1)
        XCTAssertFalse(classify("p1", "s0", r).1)
        XCTAssertFalse(classify("p0", "s1", r).1)
        XCTAssertFalse(classify(nil, "s1", nil).1)
        XCTAssertTrue(classify("p1", "s1", r).1)
        XCTAssertTrue(classify("p1", "s1", nil).1)
    }

    func testSidesThatAlreadyAgreeAreRecordedNotConflicted() {
        XCTAssertEqual(classify("p1", "s1", nil, opened: "p1").0, .inSync(record: .init(plain: "p1", sealed: "s1")))
        XCTAssertEqual(classify("p1", "s1", nil, opened: "p2").0, .conflict(.neverSynced))
        XCTAssertEqual(classify("p1", "s1", r, opened: "p1").0, .inSync(record: .init(plain: "p1", sealed: "s1")))
        XCTAssertEqual(classify("p1", "s1", r, opened: "p2").0, .conflict(.bothChanged))
    }
}

final class PlanTests: XCTestCase {
    let all: [(path: String, change: Change)] = [
        ("a", .plaintextAdded), ("b", .plaintextModified), ("c", .plaintextDeleted), ("d", .sealedAdded),
        ("e", .sealedModified), ("f", .sealedDeleted), ("g", .conflict(.bothChanged)),
        ("h", .conflict(.plainDeletedSealedChanged)), ("i", .conflict(.plainChangedSealedDeleted)),
        ("j", .inSync(record: nil)), ("k", .inSync(record: .init(plain: "p", sealed: "s"))), ("l", .forgotten),
    ]

    func testSealPlan() {
        let plan = Plan.make(all, direction: .seal, force: false)
        XCTAssertEqual(plan.actions, [
            .seal("a"), .seal("b"), .deleteSealed("c"),
            .conflict("e", "changed in .encrypted/ since the last unseal (someone pushed a newer version)"),
            .conflict("f", "deleted from .encrypted/ since the last sync"),
            .conflict("g", Conflict.bothChanged.rawValue), .conflict("h", Conflict.plainDeletedSealedChanged.rawValue),
            .conflict("i", Conflict.plainChangedSealedDeleted.rawValue),
            .record("k", .init(plain: "p", sealed: "s")), .forget("l"),
        ])
        XCTAssertEqual(plan.conflicts.map(\.path), ["e", "f", "g", "h", "i"])
        XCTAssertFalse(plan.actions.contains { $0.path == "d" }, "a never-unsealed sealed file is never deleted by seal")
    }

    func testUnsealPlan() {
        let plan = Plan.make(all, direction: .unseal, force: false)
        XCTAssertEqual(plan.writes, [.unseal("c"), .unseal("d"), .unseal("e"), .deletePlain("f"), .unseal("h")])
        XCTAssertEqual(plan.conflicts.map(\.path), ["b", "g", "i"])
        XCTAssertFalse(plan.actions.contains { $0.path == "a" }, "unseal leaves plaintext-only files alone")
    }

    func testForceResolvesInTheCommandsDirection() {
        XCTAssertEqual(Plan.make(all, direction: .seal, force: true).writes,
                       [.seal("a"), .seal("b"), .deleteSealed("c"), .seal("e"), .seal("f"), .seal("g"), .deleteSealed("h"), .seal("i")])
        XCTAssertEqual(Plan.make(all, direction: .unseal, force: true).writes,
                       [.unseal("b"), .unseal("c"), .unseal("d"), .unseal("e"), .deletePlain("f"), .unseal("g"), .unseal("h"), .deletePlain("i")])
    }
}
