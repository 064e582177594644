import Testing
import OncoCore
import _TestSupport

@Suite struct ExactNumberTests {
    static func d(_ s: String) -> Result<Double, ExactNumber.Failure> { ExactNumber.double(s) }
    static func i(_ s: String) -> Result<Int, ExactNumber.Failure> { ExactNumber.integer(s).map(\.value) }

    @Test(arguments: [
        ("3", 3.0), (" 3", 3), ("3 ", 3), ("\t3\r", 3), ("+5", 5), ("-2.5", -2.5), (".5", 0.5), ("5.", 5),
        ("1e-300", 1e-300), ("1e300", 1e300), ("4.7e+07", 47_000_000), ("1E3", 1000), ("0.1", 0.1),
        ("0.30000000000000004", 0.30000000000000004), ("123456789012345678901234567890", 123456789012345678901234567890.0),
        ("2.2250738585072014e-308", 2.2250738585072014e-308), ("1.7976931348623157e308", 1.7976931348623157e308),
        ("007", 7), ("9.2233720368547758e18", 9.2233720368547758e18),
    ])
    func acceptsReals(text: String, value: Double) throws {
        #expect(try Self.d(text).get() == value)
    }

    @Test func negativeZeroKeepsItsSign() throws {
        let z = try Self.d("-0").get()
        #expect(z == 0 && z.sign == .minus)
        #expect(try Self.i("-0").get() == 0)
    }

    /// Each text and the failure it must give (never a silent value).
    @Test(arguments: [
        ("", ExactNumber.Failure.empty), ("   ", .empty), ("1e", .syntax), ("1e+", .syntax), ("e5", .syntax), (".", .syntax),
        ("0x1A", .syntax), ("0x1p3", .syntax), ("1,5", .syntax), ("1,000", .syntax), ("1_000", .syntax), ("3 4", .syntax),
        ("- 3", .syntax), ("--3", .syntax), ("1.2.3", .syntax), ("old", .syntax), ("info", .syntax), ("٣", .syntax),
        ("inf", .notFinite), ("-inf", .notFinite), ("Infinity", .notFinite), ("nan", .notFinite), ("NaN", .notFinite),
        ("1e400", .notFinite), ("-1e309", .notFinite), ("1e-400", .outOfRange),
    ])
    func rejectsReals(text: String, failure: ExactNumber.Failure) {
        #expect(throws: failure) { try Self.d(text).get() }
    }

    @Test(arguments: [
        ("47000000", 47_000_000, ExactNumber.Notation.plain), ("4.7e+07", 47_000_000, .scientific), ("4.7E7", 47_000_000, .scientific),
        ("12.0", 12, .scientific), ("1000e-3", 1, .scientific), (" +5 ", 5, .plain), ("-17", -17, .plain),
        ("9223372036854775807", Int.max, .plain), ("-9223372036854775808", Int.min, .plain),
        // 9.2233720368547758e18 is exactly 9223372036854775800: it fits, although the Double nearest it (2^63) does not.
        ("9.2233720368547758e18", 9_223_372_036_854_775_800, .scientific),
        ("0e99", 0, .scientific), ("00000000000000000000042", 42, .plain),
    ])
    func acceptsIntegers(text: String, value: Int, notation: ExactNumber.Notation) throws {
        let r = try ExactNumber.integer(text).get()
        #expect(r.value == value)
        #expect(r.notation == notation)
    }

    @Test(arguments: [
        ("4.5e0", ExactNumber.Failure.notInteger), ("4.5", .notInteger), ("1e-1", .notInteger), ("1.00000000000000000001", .notInteger), ("1234567890123456789.0000001", .notInteger),
        ("9223372036854775808", .outOfRange), ("9.2233720368547759e18", .outOfRange), ("1e19", .outOfRange), ("1e300", .outOfRange),
        ("-9223372036854775809", .outOfRange), ("inf", .notFinite), ("nan", .notFinite), ("1e", .syntax), ("0x10", .syntax),
        ("1,000", .syntax), ("", .empty),
    ])
    func rejectsIntegers(text: String, failure: ExactNumber.Failure) {
        #expect(throws: failure) { try Self.i(text).get() }
    }

    /// Every integer text that `Int(_:)` reads gives the same value, and the real parse agrees with `Double(_:)`
    /// on decimal texts (seeded random texts).
    @Test func agreesWithTheStandardLibraryOnPlainTexts() throws {
        var g = SeededGenerator(seed: 17)
        for _ in 0..<20_000 {
            let n = Int(bitPattern: UInt(g.next())) >> Int(g.next() % 64)
            #expect(try Self.i(String(n)).get() == n)
            let x = Double(bitPattern: g.next() & 0x7FEF_FFFF_FFFF_FFFF | (g.next() & (1 << 63)))
            for text in [String(x), "\(Int64(g.next() % 1_000_000)).\(g.next() % 1000)e\(Int(g.next() % 40) - 20)"] {
                #expect(try Self.d(text).get() == Double(text)!, "\(text)")
            }
        }
    }

    @Test func fieldErrorsNameTheFieldTheValueAndTheRange() {
        #expect(throws: NumberParseError(code: .outOfRange, field: "AGE", value: "1e300", range: "0...150")) {
            try NumberField.double("1e300", field: "AGE", in: NumberField.ageYears)
        }
        do {
            _ = try NumberField.double("inf", field: "AGE", in: NumberField.ageYears)
            Issue.record("inf accepted")
        } catch {
            #expect(error.description == "field AGE: value 'inf' is not a finite number")
        }
        do {
            _ = try NumberField.integer("4.5e0", field: "t_alt_count", in: NumberField.count)
            Issue.record("4.5e0 accepted as a count")
        } catch {
            #expect(error.code == .notAnInteger)
            #expect(error.description == "field t_alt_count: value '4.5e0' is not a whole number")
        }
        #expect(throws: NumberParseError(code: .outOfRange, field: "Start_Position", value: "0", range: "1...1099511627776")) {
            try NumberField.integer("0", field: "Start_Position", in: NumberField.position)
        }
        let long = String(repeating: "x", count: 100)
        #expect(throws: NumberParseError(code: .notANumber, field: "F", value: String(repeating: "x", count: 32) + "…")) {
            try NumberField.double(long, field: "F")
        }
    }

    @Test func monthsBoundKeepsDaysInRange() throws {
        #expect(try NumberField.double("1800", field: "OS_MONTHS", in: NumberField.months) == 1800)
        #expect(throws: NumberParseError.self) { try NumberField.double("1800.01", field: "OS_MONTHS", in: NumberField.months) }
        #expect(throws: NumberParseError.self) { try NumberField.double("-0.5", field: "OS_MONTHS", in: NumberField.months) }
    }
}

