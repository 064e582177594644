import Foundation

/// A small cBioPortal study for the fusion-frame cohort condition (issue #21): the synthetic
/// `Tests/Fixtures/warehouse/cna_sv_study` (60 patients, all with a sample and an OS) with its `data_sv.txt`
/// replaced by ALK fusions of the same partner pair in frame, frameshift and of unknown frame, two ROS1
/// fusions, and one ALK missense mutation added to its MAF. The expected patients are read from `fusions`.
public enum FusionFrameStudy {
    /// The frame as the file states it: `Site2_Effect_On_Frame`, else `Event_Info`.
    public enum Frame: String, Sendable { case inFrame, frameshift, unknown }

    /// (patient, 5′ partner, 3′ partner, frame column, Event_Info, frame meant).
    public static let fusions: [(patient: String, five: String, three: String, column: String, event: String, frame: Frame)] = [
        ("L01", "EML4", "ALK", "In_frame", "Fusion", .inFrame),
        ("L02", "EML4", "ALK", "In_frame", "Fusion", .inFrame),
        ("L03", "EML4", "ALK", "in-frame", "Fusion", .inFrame),
        ("L04", "EML4", "ALK", "", "Protein fusion: in frame (EML4-ALK)", .inFrame),
        ("L05", "EML4", "ALK", "Frameshift", "Fusion", .frameshift),
        ("L06", "EML4", "ALK", "Out-of-frame", "Fusion", .frameshift),
        ("L07", "EML4", "ALK", "", "Protein fusion: out of frame (EML4-ALK)", .frameshift),
        ("L08", "EML4", "ALK", "", "Fusion", .unknown),
        ("L09", "EML4", "ALK", "NA", "Fusion", .unknown),
        ("L10", "EML4", "ALK", "", "", .unknown),
        // two ALK fusions in one sample (the importer keeps the first row of a repeated partner pair, so other pairs):
        ("L11", "EML4", "ALK", "In_frame", "Fusion", .inFrame),      // L11: one in frame and one frameshift
        ("L11", "KIF5B", "ALK", "Frameshift", "Fusion", .frameshift),
        ("L12", "EML4", "ALK", "Frameshift", "Fusion", .frameshift),  // L12: frameshift and unknown
        ("L12", "KIF5B", "ALK", "", "Fusion", .unknown),
        ("L15", "CD74", "ROS1", "In_frame", "Fusion", .inFrame),
        ("L16", "CD74", "ROS1", "Out-of-frame", "Fusion", .frameshift),
    ]
    /// The patient with an ALK missense mutation (no ALK fusion).
    public static let alkMissense = "L14"
    public static let studyID = "onco_synthetic_cna_sv"

    /// The patients with a `gene` fusion of `frame` (nil: any frame).
    public static func patients(_ gene: String, _ frame: Frame?) -> Set<String> {
        Set(fusions.filter { $0.three == gene && (frame == nil || $0.frame == frame) }.map(\.patient))
    }

    /// Every patient of the study (each has a sequenced sample and an OS).
    public static func allPatients() throws -> Set<String> {
        let text = try String(contentsOf: RepoPaths.fixture("warehouse/cna_sv_study/data_clinical_patient.txt"), encoding: .utf8)
        return Set(text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.hasPrefix("PATIENT_ID") }.map { String($0.prefix { $0 != "\t" }) })
    }

    /// Writes the study into a new temporary directory and returns it.
    public static func write() throws -> URL {
        let src = RepoPaths.fixture("warehouse/cna_sv_study")
        let dir = try makeTemporaryDirectory("onco-fusion-frame-study")
        let fm = FileManager.default
        for name in try fm.contentsOfDirectory(atPath: src.path) where name != "make_fixture.py" {
            try fm.copyItem(at: src.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
        var sv = "Sample_Id\tSite1_Hugo_Symbol\tSite1_Chromosome\tSite1_Position\tSite2_Hugo_Symbol\tSite2_Chromosome\tSite2_Position\t"
            + "Site2_Effect_On_Frame\tSV_Status\tClass\tEvent_Info\n"
        for (i, f) in fusions.enumerated() {
            sv += "SYN-\(f.patient)-T1\t\(f.five)\t2\t\(42_522_600 + i)\t\(f.three)\t2\t\(29_446_300 + i)\t\(f.column)\tSOMATIC\tINVERSION\t\(f.event)\n"
        }
        try sv.write(to: dir.appendingPathComponent("data_sv.txt"), atomically: true, encoding: .utf8)
        let maf = dir.appendingPathComponent("data_mutations.txt")
        var text = try String(contentsOf: maf, encoding: .utf8)
        if !text.hasSuffix("\n") { text += "\n" }
        text += "ALK\tGRCh37\t2\t29443695\t29443695\tMissense_Mutation\tSNP\tG\tT\tSYN-\(alkMissense)-T1\tp.F1174L\tPASS\n"
        try text.write(to: maf, atomically: true, encoding: .utf8)
        return dir
    }
}
