import Foundation
import OncoCore
import Testing

/// The byte-level reader behind `onco survival`: the rules of `DelimitedTable` (quoting, trimming,
/// comments, widths) as cells and errors, and the byte forms of `isMissing`.
@Suite struct DelimitedTableTests {
    static func table(_ text: String, path: String = "t.csv") throws -> DelimitedTable {
        try DelimitedTable(data: Data(text.utf8), path: path)
    }

    @Test func csvQuotingAndTrimming() throws {
        let t = try Self.table("# note\n\n a , b ,c\n 1 ,\"x,\"\"y\"\"\",  \"q \"\r\n\n# skipped\n\u{00A0}2\u{00A0},,\"\"\r\n3,a\"b,\"\"")
        #expect(t.header == ["a", "b", "c"])
        #expect(t.rows == [["1", "x,\"y\"", "q "], ["2", "", ""], ["3", "a\"b", ""]])
        #expect(t.lines == [4, 7, 8])
        #expect(t.rowCount == 3 && t.cell(0, 1) == "x,\"y\"")
    }

    @Test func tsvCellsAreKeptAsWritten() throws {
        let t = try Self.table("#meta\tx\nA\tB \n 1\t2\n", path: "t.txt")
        #expect(t.header == ["A", "B"])
        #expect(t.rows == [[" 1", "2"]])
        let u = try Self.table("A\tB\n 1\t2 \n", path: "t.tsv")
        #expect(u.rows == [[" 1", "2 "]])
        // a tab in the header of a file that is not .csv makes it a TSV
        #expect(try Self.table("A\tB\n1,2\t3\n", path: "t.dat").rows == [["1,2", "3"]])
    }

    @Test(arguments: [
        ("a,b\n1,\"2\n", "t.csv line 2: unterminated quote"),
        ("a,b\n1,\"2\"x\n", "t.csv line 2: text after a closing quote"),
        ("a,b\n1,2,3\n", "t.csv line 2: 3 fields, the header has 2"),
        ("a,a\n1,2\n", "t.csv line 1, column 'a': duplicate column name"),
        ("# only\n\n", "t.csv: no header line"),
        ("", "t.csv: no header line"),
    ])
    func badTables(text: String, message: String) {
        do { _ = try Self.table(text); Issue.record("accepted") } catch { #expect("\(error)" == message) }
    }

    @Test func notUTF8() {
        do { _ = try DelimitedTable(data: Data([0x61, 0x0A, 0xFF, 0x0A]), path: "t.csv"); Issue.record("accepted") } catch {
            #expect("\(error)" == "t.csv: not UTF-8 text")
        }
    }

    @Test func missingValuesAsBytes() {
        let cells = ["", "  ", "NA", "na", " N/A ", "NaN", "null", ".", "None", "[Not Available]", "[]", "\u{00A0}NA\u{00A0}",
                     "0", "1.5", "-1", "NAB", "[x", "x]", "é", "n/a/"]
        for c in cells {
            var s = c
            let bytes = s.withUTF8 { DelimitedTable.isMissing($0) }
            #expect(bytes == DelimitedTable.isMissing(c), "\(c)")
        }
    }
}
