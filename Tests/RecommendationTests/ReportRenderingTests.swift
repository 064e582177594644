import Foundation
import Knowledge
import OncoCore
import Recommendation
import Reports
import Testing
import Warehouse
import _TestSupport

/// The four report formats: golden files for text, Markdown and JSON (`RECORD_GOLDEN=1 swift test`
/// rewrites them and fails, so the diff gets reviewed), and the HTML report rendered by headless
/// Chromium to a screenshot and an A4 PDF.
@Suite("Report rendering")
struct ReportRenderingTests {
    static func curated() async throws -> Recommendation {
        try await Fixtures.recommend("skcm_braf_v600e.grch37.vep", tumourType: "SKCM")
    }
    static func withWarehouse() async throws -> Recommendation {
        let store = try await SyntheticWarehouses.shared.planted()
        return try await Fixtures.recommend("skcm_braf_v600e.grch37.vep", tumourType: "SKCM", warehouse: store)
    }

    @Test func goldenCurated() async throws {
        let report = RecommendationReport(try await Self.curated())
        for (text, name) in [(report.text(), "skcm_curated.txt"), (report.markdown(), "skcm_curated.md"), (try report.json(), "skcm_curated.json")] {
            let g = try Fixtures.assertGolden(text, name)
            #expect(g.matches, "\(g.message)")
        }
    }

    @Test func goldenWithSyntheticWarehouse() async throws {
        let report = RecommendationReport(try await Self.withWarehouse())
        for (text, name) in [(report.text(), "skcm_planted.txt"), (report.markdown(), "skcm_planted.md"), (try report.json(), "skcm_planted.json")] {
            let g = try Fixtures.assertGolden(text, name)
            #expect(g.matches, "\(g.message)")
        }
    }

    /// The HTML page byte for byte (SVG plots included), so that a faster renderer cannot change it
    /// unnoticed.
    @Test func goldenHTML() async throws {
        for (rec, name) in [(try await Self.curated(), "skcm_curated.html"), (try await Self.withWarehouse(), "skcm_planted.html")] {
            let g = try Fixtures.assertGolden(RecommendationReport(rec).html(), name)
            #expect(g.matches, "\(g.message)")
        }
    }

    /// Synthetic warehouse data is labelled in every format; a report without a warehouse is not.
    @Test func syntheticLabelEverywhere() async throws {
        let synthetic = RecommendationReport(try await Self.withWarehouse())
        let json = try synthetic.json()
        #expect(synthetic.text().contains("SYNTHETIC DATA") && synthetic.markdown().contains("SYNTHETIC DATA") && synthetic.html().contains("SYNTHETIC DATA"))
        #expect(json.contains("\"synthetic\" : true") && json.contains("SYNTHETIC DATA"))
        let curated = RecommendationReport(try await Self.curated())
        let curatedJSON = try curated.json()
        #expect(!curated.text().contains("SYNTHETIC") && !curated.html().contains("SYNTHETIC") && !curatedJSON.contains("\"synthetic\" : true"))
    }

    /// The JSON carries the names of issue #7.
    @Test func jsonShape() async throws {
        let json = try RecommendationReport(try await Self.withWarehouse()).json()
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        for key in ["case", "kb_version", "warehouse", "therapies", "not_recommended", "real_world_only"] { #expect(obj[key] != nil, "missing \(key)") }
        let t = try #require((obj["therapies"] as? [[String: Any]])?.first { $0["therapy"] as? String == "dabrafenib + trametinib" })
        for key in ["rank", "therapy", "drugs", "tier", "direction", "biomarkers", "evidence", "real_world"] { #expect(t[key] != nil, "missing \(key)") }
        #expect(t["drugs"] as? [String] == ["dabrafenib", "trametinib"] && t["direction"] as? String == "sensitivity" && t["tier"] as? String == "T1")
        let ev = try #require((t["evidence"] as? [[String: Any]])?.first)
        for key in ["source", "id", "level", "pmids", "disease"] { #expect(ev[key] != nil, "missing evidence.\(key)") }
        let rw = try #require(t["real_world"] as? [String: Any])
        for key in ["patients", "events", "median_months", "hazard_ratio", "ci_lower", "ci_upper", "grade"] { #expect(rw[key] != nil, "missing real_world.\(key)") }
        let curated = try #require(try JSONSerialization.jsonObject(with: Data(try RecommendationReport(try await Self.curated()).json().utf8)) as? [String: Any])
        #expect(curated["warehouse"] is NSNull)
        #expect((curated["therapies"] as? [[String: Any]])?.first?["real_world"] is NSNull)
    }

    /// The HTML page is self-contained: inline CSS and SVG only, no scripts, no external assets.
    @Test func htmlIsSelfContained() async throws {
        let html = RecommendationReport(try await Self.withWarehouse()).html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for banned in ["<script", "<link", " src=", "url(http", "@import", "<img"] { #expect(!html.contains(banned), "found \(banned)") }
        #expect(html.contains("@page { size: A4"))
        #expect(html.components(separatedBy: "<svg ").count - 1 >= 1)
        #expect(html.contains("Number at risk"))
        // Each plot's clip path id is unique in the page.
        let ids = html.components(separatedBy: "<clipPath id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(Set(ids).count == ids.count)
    }

    /// Headless Chromium renders the report: a non-trivial PNG screenshot, and an A4 PDF with a sane
    /// number of pages. The files stay in the temporary folder printed below for a human to look at.
    @Test func rendersInHeadlessChromium() async throws {
        let chromium = ["chromium", "chromium-browser", "google-chrome"].first { toolAvailable($0) }
        let browser = try #require(chromium, "chromium is needed (scripts/install-deps.sh test)")
        let dir = try makeTemporaryDirectory("onco-report-render")
        for (name, rec) in [("planted", try await Self.withWarehouse()), ("curated", try await Self.curated())] {
            let html = dir.appendingPathComponent("\(name).html")
            try RecommendationReport(rec).html().write(to: html, atomically: true, encoding: .utf8)
            let png = dir.appendingPathComponent("\(name).png"), pdf = dir.appendingPathComponent("\(name).pdf")
            let common = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                          "--user-data-dir=\(dir.appendingPathComponent("profile-\(name)").path)"]
            let shot = try run(browser, common + ["--window-size=1000,1400", "--screenshot=\(png.path)", html.absoluteString])
            #expect(shot.status == 0, "\(shot.stderr)")
            let printed = try run(browser, common + ["--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)", html.absoluteString])
            #expect(printed.status == 0, "\(printed.stderr)")
            let pngData = try Data(contentsOf: png)
            #expect(pngData.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            #expect(pngData.count > 40_000, "screenshot only \(pngData.count) bytes")
            // PNG IHDR: width and height
            let w = pngData[16..<20].reduce(0) { $0 << 8 | Int($1) }, h = pngData[20..<24].reduce(0) { $0 << 8 | Int($1) }
            #expect(w == 1000 && h == 1400)
            let pdfText = String(decoding: try Data(contentsOf: pdf), as: UTF8.self)
            #expect(pdfText.hasPrefix("%PDF"))
            let pages = pdfText.components(separatedBy: "/Type /Page").count - 1 - (pdfText.components(separatedBy: "/Type /Pages").count - 1)
            #expect((1...40).contains(pages), "\(name): \(pages) pages")
            print("rendered \(name): \(png.path) (\(pngData.count) bytes), \(pdf.path) (\(pages) A4 pages)")
        }
    }
}
