import CHTSlib
import Foundation

extension VCFAnnotationWriter {
    /// Where VCF text goes without `bcf_update_info` + `bcf_write`: htslib formats the record as it
    /// reads (`vcf_format`), the CSQ value is spliced into the line as bytes, and the line is written
    /// to the BGZF stream (`.vcf.gz`, as `vcf_write` does: `bgzf_flush_try`, then `bgzf_write`) or to a
    /// plain file. The output equals the `bcf_update_info` path's byte for byte (a new INFO key is
    /// appended after the others; a string value ends at its first NUL), which stays for BCF output
    /// and for inputs that already have a CSQ (htslib keeps that key's place).
    final class LineSink {
        private let bgzf: UnsafeMutablePointer<BGZF>?
        private var file: UnsafeMutablePointer<FILE>?
        private var line = kstring_t(l: 0, m: 0, s: nil)
        private var failed = false

        /// A sink over the BGZF stream of `out` (opened `wz`, header written).
        init(bgzf: UnsafeMutablePointer<BGZF>) {
            self.bgzf = bgzf
            file = nil
        }

        /// A plain file at `path`, with `hdr` written as `vcf_hdr_write` writes it. `nil`: cannot create.
        init?(plain path: String, header hdr: UnsafeMutablePointer<bcf_hdr_t>) {
            guard let f = fopen(path, "w") else { return nil }
            file = f
            bgzf = nil
            var text = kstring_t(l: 0, m: 0, s: nil)
            defer { free(text.s) }
            guard bcf_hdr_format(hdr, 0, &text) == 0, let s = text.s else { failed = true; return }
            var n = Int(text.l)
            while n > 0 && s[n - 1] == 0 { n -= 1 }
            if fwrite(s, 1, n, f) != n { failed = true }
        }

        deinit {
            free(line.s)
            if let file { fclose(file) }
        }

        /// Formats `rec` and writes it with `CSQ=value` appended to its INFO (`value` empty: unchanged).
        /// - Returns: `false` when htslib cannot format the record or the write fails.
        func write(_ hdr: UnsafeMutablePointer<bcf_hdr_t>, _ rec: UnsafeMutablePointer<bcf1_t>, csq value: [UInt8]) -> Bool {
            line.l = 0
            guard vcf_format(hdr, rec, &line) == 0, let raw = line.s else { return false }
            let text = UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self)
            let n = Int(line.l)
            guard !value.isEmpty else { return put([(text, n)], total: n) }
            // The INFO column: after the seventh tab, up to the next tab or the newline.
            var tabs = 0, i = 0
            while i < n && tabs < 7 { if text[i] == 0x09 { tabs += 1 }; i += 1 }
            guard tabs == 7 else { return false }
            let infoStart = i
            while i < n && text[i] != 0x09 && text[i] != 0x0A { i += 1 }
            let infoEnd = i
            let empty = infoEnd - infoStart == 1 && text[infoStart] == UInt8(ascii: ".")
            let count = value.firstIndex(of: 0) ?? value.count
            return value.withUnsafeBufferPointer { v -> Bool in
                let key: StaticString = empty ? "CSQ=" : ";CSQ="
                let head = empty ? infoStart : infoEnd
                let parts: [(UnsafePointer<UInt8>, Int)] = [(text, head), (key.utf8Start, key.utf8CodeUnitCount),
                                                            (v.baseAddress!, count), (text + infoEnd, n - infoEnd)]
                return put(parts, total: head + key.utf8CodeUnitCount + count + n - infoEnd)
            }
        }

        private func put(_ parts: [(UnsafePointer<UInt8>, Int)], total: Int) -> Bool {
            if failed { return false }
            if let bgzf {
                if bgzf_flush_try(bgzf, total) < 0 { return false }
                for (p, k) in parts where k > 0 { if bgzf_write(bgzf, p, k) != k { return false } }
            } else if let file {
                for (p, k) in parts where k > 0 { if fwrite(p, 1, k, file) != k { return false } }
            }
            return true
        }

        /// Closes a plain file (the BGZF stream is closed with its `htsFile`). `false`: the data did not reach the disk.
        func close() -> Bool {
            guard let f = file else { return !failed }
            file = nil
            return fclose(f) == 0 && !failed
        }
    }
}
