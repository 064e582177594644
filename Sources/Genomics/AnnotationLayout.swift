/// placeholder
public struct AnnotationLayout: Sendable, Hashable {
    init?(info: [String: VariantHeader.Field]) { return nil }
}
