-- onco on PostgreSQL: a role that may import and one that may only query.
--
-- {{importer}} owns the warehouse schema {{schema}}: it runs the migrations (`onco warehouse init`), the imports
-- and the governance administration (with the administrator key). {{query}} may read every table and append to
-- the audit log (and move its head), nothing else: it cannot import, edit the registry, change the governance
-- settings, or rewrite or delete audit entries. Run this as a superuser (or the schema owner) once the importer
-- has created the warehouse; replace {{schema}}, {{importer}} and {{query}} (tests/CohortStudyTests/PostgresRolesTests.swift
-- runs exactly this file). Both roles connect with ?schema={{schema}}.
GRANT USAGE ON SCHEMA {{schema}} TO {{query}};
GRANT SELECT ON ALL TABLES IN SCHEMA {{schema}} TO {{query}};
ALTER DEFAULT PRIVILEGES FOR ROLE {{importer}} IN SCHEMA {{schema}} GRANT SELECT ON TABLES TO {{query}};
-- The audit log: append only (UPDATE, DELETE and TRUNCATE are refused by a trigger for every role).
GRANT INSERT ON {{schema}}.onco_audit_log TO {{query}};
-- onco_warehouse: the query role may replace only the audit head row; row-level security keeps it off the
-- governance settings and key verifiers (the owner is not subject to these policies).
GRANT INSERT, DELETE ON {{schema}}.onco_warehouse TO {{query}};
ALTER TABLE {{schema}}.onco_warehouse ENABLE ROW LEVEL SECURITY;
CREATE POLICY onco_query_reads ON {{schema}}.onco_warehouse FOR SELECT TO {{query}} USING (true);
CREATE POLICY onco_query_head_insert ON {{schema}}.onco_warehouse FOR INSERT TO {{query}} WITH CHECK (key = 'audit_head');
CREATE POLICY onco_query_head_delete ON {{schema}}.onco_warehouse FOR DELETE TO {{query}} USING (key = 'audit_head');
