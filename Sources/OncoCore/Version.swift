/// onco's own version, embedded in every output.
public enum OncoVersion {
    public static let current = "0.1.0"
}
