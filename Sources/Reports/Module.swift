// Module Reports. See ARCHITECTURE.md for what it owns and depends on.
