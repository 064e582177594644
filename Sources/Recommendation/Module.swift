// Module Recommendation. See ARCHITECTURE.md for what it owns and depends on.
