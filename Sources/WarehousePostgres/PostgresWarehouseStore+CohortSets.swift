import Logging
import Warehouse

extension PostgresWarehouseStore: CohortSetStore {
    public func attributeLevels(_ name: String, logger: Logger) async throws -> [String] { try await engine.attributeLevels(name, logger: logger) }
    public func alterationCarriers(_ request: CarrierRequest, logger: Logger) async throws -> GeneCarriers {
        try await engine.alterationCarriers(request, logger: logger)
    }
}
