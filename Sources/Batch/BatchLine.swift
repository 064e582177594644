/// The JSON line written for each case, and reading one back.
///
/// Layout (one line, keys in this order):
/// ```json
/// {"case_id":"C0001","status":"ok","error":null,"scorer":"file-check", ...scorer members..., "timings":{"read_ms":3.1,"total_ms":3.2}}
/// {"case_id":"C0002","status":"failed","error":{"code":"vcf_truncated","message":"..."},"scorer":"file-check","timings":{"total_ms":0.4}}
/// ```
/// `timings` holds each stage the scorer reported (`<stage>_ms`, summed if a stage repeats) and the
/// engine's `total_ms` for the case; it is the only member that differs between two runs of the
/// same case.
public enum BatchLine {
    /// Member names the engine writes; a scorer's payload must not use them.
    public static let reservedKeys: Set<String> = ["case_id", "status", "error", "scorer", "timings"]

    /// The status of a case.
    public enum Status: String, Sendable, Hashable {
        case ok, failed
    }

    /// The bytes of the line (newline included) for a scored case; a payload using a reserved
    /// member name turns into a `payload_invalid` failure.
    public static func encode(case c: BatchCase, scorer: String, result: Result<ScoredCase, CaseError>,
                              total: Duration) -> (status: Status, bytes: [UInt8]) {
        var o = JSONObject()
        o["case_id"] = .string(c.id)
        var timings: [StageTiming] = []
        var payload = JSONObject()
        var status = Status.ok
        switch result {
        case .success(let scored):
            if let bad = scored.payload.keys.first(where: reservedKeys.contains) {
                status = .failed
                o["status"] = .string(status.rawValue)
                o["error"] = errorObject(CaseError(.payloadInvalid, "scorer payload uses the reserved member '\(bad)'"))
            } else {
                o["status"] = .string(status.rawValue)
                o["error"] = .null
                payload = scored.payload
            }
            timings = scored.timings
        case .failure(let e):
            status = .failed
            o["status"] = .string(status.rawValue)
            o["error"] = errorObject(e)
        }
        o["scorer"] = .string(scorer)
        var line = [UInt8]()
        line.reserveCapacity(256)
        // Write the engine's members, then the payload's, then timings, without rebuilding one big object.
        line.append(UInt8(ascii: "{"))
        var first = true
        func member(_ k: String, _ v: JSONValue) {
            if !first { line.append(UInt8(ascii: ",")) }
            first = false
            JSONValue.writeString(k, into: &line)
            line.append(UInt8(ascii: ":"))
            v.write(into: &line)
        }
        for m in o.members { member(m.key, m.value) }
        for m in payload.members { member(m.key, m.value) }
        member("timings", .object(timingsObject(timings, total: total)))
        line.append(UInt8(ascii: "}"))
        line.append(0x0A)
        return (status, line)
    }

    static func errorObject(_ e: CaseError) -> JSONValue {
        .object(["code": .string(e.code.rawValue), "message": .string(e.message)])
    }

    static func timingsObject(_ timings: [StageTiming], total: Duration) -> JSONObject {
        var t = JSONObject()
        for s in timings {
            let key = "\(s.stage)_ms"
            let ms = (t[key]?.doubleValue ?? 0) + s.duration.milliseconds
            t[key] = .double(round3(ms))
        }
        t["total_ms"] = .double(round3(total.milliseconds))
        return t
    }

    static func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

    /// What `--resume` and `merge` need from a line: the case and its status.
    public struct Record: Sendable, Hashable {
        public let caseID: String
        public let status: Status
    }

    /// Reads the case id and status from one line (without its newline).
    /// - Throws: `JSONParseError`, or `BatchLineError` if it is JSON but not a batch line.
    public static func record(from bytes: UnsafeRawBufferPointer) throws -> Record {
        let v = try JSONValue(parsing: bytes)
        guard let o = v.objectValue else { throw BatchLineError(reason: "not a JSON object") }
        guard let id = o["case_id"]?.stringValue else { throw BatchLineError(reason: "no string case_id") }
        guard let s = o["status"]?.stringValue, let status = Status(rawValue: s) else {
            throw BatchLineError(reason: "status is not \"ok\" or \"failed\"")
        }
        return Record(caseID: id, status: status)
    }
}

/// A JSON line that is not a batch line.
public struct BatchLineError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
