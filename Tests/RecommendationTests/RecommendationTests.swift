// RecommendationTests: see Tests/Fixtures/README.md for fixtures and their sources.
