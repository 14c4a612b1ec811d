-- incremental tables
CREATE TABLE IF NOT EXISTS "out"."identity_observations" ("source" TEXT, "row_key" TEXT, "ts" TIMESTAMP, "id_type" TEXT, "raw_value" TEXT);

-- incremental tables
CREATE TABLE IF NOT EXISTS "out"."identity_watermarks" ("source" TEXT NOT NULL, "fingerprint" TEXT, "watermark" TIMESTAMP, PRIMARY KEY ("source"));

-- reload
DELETE FROM "out"."identity_observations" WHERE source = 'customers';

-- reload
INSERT INTO "out"."identity_observations" SELECT 'customers' AS source, CAST((hashtextextended(concat_ws('|', CAST("email" AS TEXT), CAST("phone" AS TEXT)), 0) & 9223372036854775807) AS TEXT) AS row_key, CAST(NULL AS TIMESTAMP) AS ts, 'email' AS id_type, CAST("email" AS TEXT) AS raw_value FROM "out"."source_customers" WHERE "email" IS NOT NULL UNION ALL SELECT 'customers' AS source, CAST((hashtextextended(concat_ws('|', CAST("email" AS TEXT), CAST("phone" AS TEXT)), 0) & 9223372036854775807) AS TEXT) AS row_key, CAST(NULL AS TIMESTAMP) AS ts, 'phone' AS id_type, CAST("phone" AS TEXT) AS raw_value FROM "out"."source_customers" WHERE "phone" IS NOT NULL;

-- row changes
DROP TABLE IF EXISTS "out"."identity_row_changes";

-- row changes
CREATE UNLOGGED TABLE "out"."identity_row_changes" AS SELECT coalesce(now_rows.row_key, kept_rows.row_key) AS row_key FROM (SELECT n.row_key, count(*) AS n, CAST(sum((hashtextextended(concat_ws('|', n.id_type, n.raw_value, CAST(n.ts AS TEXT)), 0) & 9223372036854775807) % 1000000007) AS BIGINT) AS h FROM (SELECT 'web' AS source, CAST("event_id" AS TEXT) AS row_key, CAST("event_time" AS TIMESTAMP) AS ts, 'anonymous_id' AS id_type, CAST("anonymous_id" AS TEXT) AS raw_value FROM "out"."source_web" WHERE "anonymous_id" IS NOT NULL UNION ALL SELECT 'web' AS source, CAST("event_id" AS TEXT) AS row_key, CAST("event_time" AS TIMESTAMP) AS ts, 'user_id' AS id_type, CAST("user_id" AS TEXT) AS raw_value FROM "out"."source_web" WHERE "user_id" IS NOT NULL) n GROUP BY n.row_key) now_rows FULL OUTER JOIN (SELECT n.row_key, count(*) AS n, CAST(sum((hashtextextended(concat_ws('|', n.id_type, n.raw_value, CAST(n.ts AS TEXT)), 0) & 9223372036854775807) % 1000000007) AS BIGINT) AS h FROM (SELECT * FROM "out"."identity_observations" WHERE source = 'web') n GROUP BY n.row_key) kept_rows ON kept_rows.row_key = now_rows.row_key WHERE now_rows.row_key IS NULL OR kept_rows.row_key IS NULL OR now_rows.n <> kept_rows.n OR now_rows.h <> kept_rows.h;

-- row changes
ANALYZE "out"."identity_row_changes";

-- count row changes
SELECT count(*) FROM "out"."identity_row_changes";

-- apply row changes
DELETE FROM "out"."identity_observations" WHERE source = 'web' AND row_key IN (SELECT row_key FROM "out"."identity_row_changes");

-- apply row changes
INSERT INTO "out"."identity_observations" SELECT n.* FROM (SELECT 'web' AS source, CAST("event_id" AS TEXT) AS row_key, CAST("event_time" AS TIMESTAMP) AS ts, 'anonymous_id' AS id_type, CAST("anonymous_id" AS TEXT) AS raw_value FROM "out"."source_web" WHERE "anonymous_id" IS NOT NULL UNION ALL SELECT 'web' AS source, CAST("event_id" AS TEXT) AS row_key, CAST("event_time" AS TIMESTAMP) AS ts, 'user_id' AS id_type, CAST("user_id" AS TEXT) AS raw_value FROM "out"."source_web" WHERE "user_id" IS NOT NULL) n WHERE n.row_key IN (SELECT row_key FROM "out"."identity_row_changes");

-- drop row changes
DROP TABLE IF EXISTS "out"."identity_row_changes";

-- phones to normalize
SELECT DISTINCT o.raw_value FROM "out"."identity_observations" o WHERE o.id_type = 'phone' AND NOT EXISTS (SELECT 1 FROM "out"."identity_phone_map" pm WHERE pm.raw_value = o.raw_value AND pm.region = 'FR');

-- values
DO $zcdp$BEGIN DROP TABLE IF EXISTS "out"."identity_values__zcdp_new";
CREATE TABLE "out"."identity_values__zcdp_new" AS SELECT s.id_type, s.raw_value, s.value, s.skip_reason, CASE WHEN s.skip_reason IS NULL THEN (hashtextextended(s.id_type || ':' || s.value, 0) & 9223372036854775807) END AS node, s.observed FROM (SELECT id_type, raw_value, CASE WHEN skip_reason IS NULL THEN nvalue END AS value, skip_reason, observed FROM (SELECT n.*, CASE WHEN length(n.raw_value) > 1024 THEN 'too_long' WHEN trim(n.raw_value) = '' THEN 'empty' WHEN (lower(trim(n.raw_value)) ~ '(?:^(test|noreply)@)|(?:o''brien)') THEN 'blocklisted' WHEN CASE n.id_type WHEN 'user_id' THEN FALSE WHEN 'email' THEN NOT (lower(trim(n.raw_value)) ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$') WHEN 'phone' THEN n.phone_value IS NULL WHEN 'anonymous_id' THEN (FALSE OR NOT coalesce((n.nvalue ~ '^[a-z0-9-]+$'), FALSE)) ELSE FALSE END THEN 'invalid' WHEN n.nvalue <> lower(trim(n.raw_value)) AND (n.nvalue ~ '(?:^(test|noreply)@)|(?:o''brien)') THEN 'blocklisted' END AS skip_reason FROM (SELECT o.*, CASE o.id_type WHEN 'user_id' THEN o.raw_value WHEN 'email' THEN lower(trim(o.raw_value)) WHEN 'phone' THEN pm.value WHEN 'anonymous_id' THEN o.raw_value END AS nvalue, pm.value AS phone_value FROM (SELECT x.id_type, x.raw_value, count(*) AS observed FROM "out"."identity_observations" x GROUP BY x.id_type, x.raw_value) o LEFT JOIN "out"."identity_phone_map" pm ON pm.raw_value = o.raw_value AND pm.region = CASE o.id_type WHEN 'phone' THEN 'FR' END) n) k) s;
IF to_regclass('"out"."identity_values"') IS NOT NULL THEN
  IF NOT EXISTS (SELECT 1 FROM pg_depend WHERE refobjid = '"out"."identity_values"'::regclass AND classid = 'pg_rewrite'::regclass) THEN
    DROP TABLE "out"."identity_values";
  ELSIF NOT EXISTS (SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_values"'::regclass AND attnum > 0 AND NOT attisdropped EXCEPT SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_values__zcdp_new"'::regclass AND attnum > 0 AND NOT attisdropped) AND NOT EXISTS (SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_values__zcdp_new"'::regclass AND attnum > 0 AND NOT attisdropped EXCEPT SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_values"'::regclass AND attnum > 0 AND NOT attisdropped) THEN
    TRUNCATE "out"."identity_values";
    INSERT INTO "out"."identity_values" SELECT * FROM "out"."identity_values__zcdp_new";
    DROP TABLE "out"."identity_values__zcdp_new";
    RETURN;
  ELSE
    DROP TABLE "out"."identity_values" CASCADE;
  END IF;
END IF;
ALTER TABLE "out"."identity_values__zcdp_new" RENAME TO "identity_values";
END$zcdp$;
ANALYZE "out"."identity_values";

-- record ids
DO $zcdp$BEGIN DROP TABLE IF EXISTS "out"."identity_record_ids__zcdp_new";
CREATE TABLE "out"."identity_record_ids__zcdp_new" AS SELECT o.source, o.row_key, o.ts, o.id_type, v.value, t.priority, v.node, (hashtextextended(o.source || '|' || o.row_key, 0) & 9223372036854775807) AS rec FROM "out"."identity_observations" o JOIN "out"."identity_values" v ON v.id_type = o.id_type AND v.raw_value = o.raw_value JOIN (VALUES ('user_id', 1, 1, 20), ('email', 3, 3, 20), ('phone', 4, 0, 20), ('anonymous_id', 9, 0, 5)) AS t(id_type, priority, max_per_profile, threshold) ON t.id_type = o.id_type WHERE v.skip_reason IS NULL;
IF to_regclass('"out"."identity_record_ids"') IS NOT NULL THEN
  IF NOT EXISTS (SELECT 1 FROM pg_depend WHERE refobjid = '"out"."identity_record_ids"'::regclass AND classid = 'pg_rewrite'::regclass) THEN
    DROP TABLE "out"."identity_record_ids";
  ELSIF NOT EXISTS (SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_record_ids"'::regclass AND attnum > 0 AND NOT attisdropped EXCEPT SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_record_ids__zcdp_new"'::regclass AND attnum > 0 AND NOT attisdropped) AND NOT EXISTS (SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_record_ids__zcdp_new"'::regclass AND attnum > 0 AND NOT attisdropped EXCEPT SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_record_ids"'::regclass AND attnum > 0 AND NOT attisdropped) THEN
    TRUNCATE "out"."identity_record_ids";
    INSERT INTO "out"."identity_record_ids" SELECT * FROM "out"."identity_record_ids__zcdp_new";
    DROP TABLE "out"."identity_record_ids__zcdp_new";
    RETURN;
  ELSE
    DROP TABLE "out"."identity_record_ids" CASCADE;
  END IF;
END IF;
ALTER TABLE "out"."identity_record_ids__zcdp_new" RENAME TO "identity_record_ids";
END$zcdp$;
ANALYZE "out"."identity_record_ids";

-- quarantine
DO $zcdp$BEGIN DROP TABLE IF EXISTS "out"."identity_quarantine__zcdp_new";
CREATE TABLE "out"."identity_quarantine__zcdp_new" AS SELECT o.id_type, v.value AS id_value, o.node, 'shared' AS reason, CAST(NULL AS BIGINT) AS records, o.linked AS linked_values, o.other_type AS linked_type FROM (SELECT p.id_type, p.node, p.other_type, p.linked, row_number() OVER (PARTITION BY p.node ORDER BY p.linked DESC, p.other_type) AS rn FROM (SELECT node, id_type, other_type, count(*) AS linked FROM (SELECT DISTINCT a.node, a.id_type, b.id_type AS other_type, b.node AS other_node FROM "out"."identity_record_ids" a JOIN "out"."identity_record_ids" b ON a.rec = b.rec AND a.source = b.source AND a.row_key = b.row_key AND b.id_type <> a.id_type) x GROUP BY node, id_type, other_type) p JOIN (VALUES ('user_id', 'email', 20), ('user_id', 'phone', 20), ('user_id', 'anonymous_id', 20), ('email', 'user_id', 20), ('email', 'phone', 20), ('email', 'anonymous_id', 20), ('phone', 'user_id', 20), ('phone', 'email', 20), ('phone', 'anonymous_id', 20), ('anonymous_id', 'user_id', 5), ('anonymous_id', 'email', 5), ('anonymous_id', 'phone', 5)) AS h(id_type, other_type, hub_limit) ON h.id_type = p.id_type AND h.other_type = p.other_type WHERE p.linked > h.hub_limit) o JOIN (SELECT node, min(value) AS value FROM "out"."identity_values" WHERE node IS NOT NULL GROUP BY node) v ON v.node = o.node WHERE o.rn = 1
UNION ALL
SELECT id_type, lower(trim(raw_value)) AS id_value, CAST(NULL AS BIGINT) AS node, 'blocklisted' AS reason, CAST(sum(observed) AS BIGINT) AS records, CAST(NULL AS BIGINT) AS linked_values, CAST(NULL AS TEXT) AS linked_type FROM "out"."identity_values" WHERE skip_reason = 'blocklisted' GROUP BY id_type, lower(trim(raw_value));
IF to_regclass('"out"."identity_quarantine"') IS NOT NULL THEN
  IF NOT EXISTS (SELECT 1 FROM pg_depend WHERE refobjid = '"out"."identity_quarantine"'::regclass AND classid = 'pg_rewrite'::regclass) THEN
    DROP TABLE "out"."identity_quarantine";
  ELSIF NOT EXISTS (SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_quarantine"'::regclass AND attnum > 0 AND NOT attisdropped EXCEPT SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_quarantine__zcdp_new"'::regclass AND attnum > 0 AND NOT attisdropped) AND NOT EXISTS (SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_quarantine__zcdp_new"'::regclass AND attnum > 0 AND NOT attisdropped EXCEPT SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_quarantine"'::regclass AND attnum > 0 AND NOT attisdropped) THEN
    TRUNCATE "out"."identity_quarantine";
    INSERT INTO "out"."identity_quarantine" SELECT * FROM "out"."identity_quarantine__zcdp_new";
    DROP TABLE "out"."identity_quarantine__zcdp_new";
    RETURN;
  ELSE
    DROP TABLE "out"."identity_quarantine" CASCADE;
  END IF;
END IF;
ALTER TABLE "out"."identity_quarantine__zcdp_new" RENAME TO "identity_quarantine";
END$zcdp$;
ANALYZE "out"."identity_quarantine";

-- nodes
DO $zcdp$BEGIN DROP TABLE IF EXISTS "out"."identity_nodes__zcdp_new";
CREATE TABLE "out"."identity_nodes__zcdp_new" AS SELECT r.node, r.id_type, r.value AS id_value, min(r.ts) AS first_seen, max(r.ts) AS last_seen, count(DISTINCT r.source) AS source_count, count(*) AS records FROM "out"."identity_record_ids" r WHERE NOT EXISTS (SELECT 1 FROM "out"."identity_quarantine" q WHERE q.node = r.node) GROUP BY r.node, r.id_type, r.value;
IF to_regclass('"out"."identity_nodes"') IS NOT NULL THEN
  IF NOT EXISTS (SELECT 1 FROM pg_depend WHERE refobjid = '"out"."identity_nodes"'::regclass AND classid = 'pg_rewrite'::regclass) THEN
    DROP TABLE "out"."identity_nodes";
  ELSIF NOT EXISTS (SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_nodes"'::regclass AND attnum > 0 AND NOT attisdropped EXCEPT SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_nodes__zcdp_new"'::regclass AND attnum > 0 AND NOT attisdropped) AND NOT EXISTS (SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_nodes__zcdp_new"'::regclass AND attnum > 0 AND NOT attisdropped EXCEPT SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_nodes"'::regclass AND attnum > 0 AND NOT attisdropped) THEN
    TRUNCATE "out"."identity_nodes";
    INSERT INTO "out"."identity_nodes" SELECT * FROM "out"."identity_nodes__zcdp_new";
    DROP TABLE "out"."identity_nodes__zcdp_new";
    RETURN;
  ELSE
    DROP TABLE "out"."identity_nodes" CASCADE;
  END IF;
END IF;
ALTER TABLE "out"."identity_nodes__zcdp_new" RENAME TO "identity_nodes";
END$zcdp$;
ANALYZE "out"."identity_nodes";

-- record centers
DO $zcdp$BEGIN DROP TABLE IF EXISTS "out"."identity_record_centers__zcdp_new";
CREATE TABLE "out"."identity_record_centers__zcdp_new" AS SELECT rec, source, row_key, node, priority FROM (SELECT r.rec, r.source, r.row_key, r.node, r.priority, row_number() OVER (PARTITION BY r.rec, r.source, r.row_key ORDER BY r.priority, r.id_type, r.node) AS rn FROM "out"."identity_record_ids" r JOIN "out"."identity_nodes" n ON n.node = r.node) x WHERE rn = 1;
IF to_regclass('"out"."identity_record_centers"') IS NOT NULL THEN
  IF NOT EXISTS (SELECT 1 FROM pg_depend WHERE refobjid = '"out"."identity_record_centers"'::regclass AND classid = 'pg_rewrite'::regclass) THEN
    DROP TABLE "out"."identity_record_centers";
  ELSIF NOT EXISTS (SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_record_centers"'::regclass AND attnum > 0 AND NOT attisdropped EXCEPT SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_record_centers__zcdp_new"'::regclass AND attnum > 0 AND NOT attisdropped) AND NOT EXISTS (SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_record_centers__zcdp_new"'::regclass AND attnum > 0 AND NOT attisdropped EXCEPT SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_record_centers"'::regclass AND attnum > 0 AND NOT attisdropped) THEN
    TRUNCATE "out"."identity_record_centers";
    INSERT INTO "out"."identity_record_centers" SELECT * FROM "out"."identity_record_centers__zcdp_new";
    DROP TABLE "out"."identity_record_centers__zcdp_new";
    RETURN;
  ELSE
    DROP TABLE "out"."identity_record_centers" CASCADE;
  END IF;
END IF;
ALTER TABLE "out"."identity_record_centers__zcdp_new" RENAME TO "identity_record_centers";
END$zcdp$;
ANALYZE "out"."identity_record_centers";

-- edges
DO $zcdp$BEGIN DROP TABLE IF EXISTS "out"."identity_edges__zcdp_new";
CREATE TABLE "out"."identity_edges__zcdp_new" AS SELECT c.node AS a, o.node AS b, o.source, min(o.row_key) AS row_key, min(o.ts) AS first_seen, max(o.ts) AS last_seen, count(*) AS records, CASE WHEN c.priority > o.priority THEN c.priority ELSE o.priority END AS rank_priority FROM "out"."identity_record_centers" c JOIN (SELECT r.* FROM "out"."identity_record_ids" r JOIN "out"."identity_nodes" n ON n.node = r.node) o ON o.rec = c.rec AND o.source = c.source AND o.row_key = c.row_key AND o.node <> c.node GROUP BY c.node, o.node, o.source, c.priority, o.priority;
IF to_regclass('"out"."identity_edges"') IS NOT NULL THEN
  IF NOT EXISTS (SELECT 1 FROM pg_depend WHERE refobjid = '"out"."identity_edges"'::regclass AND classid = 'pg_rewrite'::regclass) THEN
    DROP TABLE "out"."identity_edges";
  ELSIF NOT EXISTS (SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_edges"'::regclass AND attnum > 0 AND NOT attisdropped EXCEPT SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_edges__zcdp_new"'::regclass AND attnum > 0 AND NOT attisdropped) AND NOT EXISTS (SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_edges__zcdp_new"'::regclass AND attnum > 0 AND NOT attisdropped EXCEPT SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_edges"'::regclass AND attnum > 0 AND NOT attisdropped) THEN
    TRUNCATE "out"."identity_edges";
    INSERT INTO "out"."identity_edges" SELECT * FROM "out"."identity_edges__zcdp_new";
    DROP TABLE "out"."identity_edges__zcdp_new";
    RETURN;
  ELSE
    DROP TABLE "out"."identity_edges" CASCADE;
  END IF;
END IF;
ALTER TABLE "out"."identity_edges__zcdp_new" RENAME TO "identity_edges";
END$zcdp$;
ANALYZE "out"."identity_edges";

-- rejection counts
SELECT id_type, CAST(sum(observed) AS BIGINT) AS observed, CAST(sum(CASE WHEN skip_reason IN ('invalid', 'too_long') THEN observed ELSE 0 END) AS BIGINT) AS rejected FROM "out"."identity_values" GROUP BY id_type ORDER BY id_type;

-- violating components
DO $zcdp$BEGIN DROP TABLE IF EXISTS "out"."identity_violating__zcdp_new";
CREATE TABLE "out"."identity_violating__zcdp_new" AS SELECT DISTINCT k.component FROM (SELECT c.component, n.id_type, count(*) AS cnt FROM "out"."identity_components" c JOIN "out"."identity_nodes" n ON n.node = c.node GROUP BY c.component, n.id_type) k JOIN (VALUES ('user_id', 1, 1, 20), ('email', 3, 3, 20), ('phone', 4, 0, 20), ('anonymous_id', 9, 0, 5)) AS t(id_type, priority, max_per_profile, threshold) ON k.id_type = t.id_type WHERE t.max_per_profile > 0 AND k.cnt > t.max_per_profile;
IF to_regclass('"out"."identity_violating"') IS NOT NULL THEN
  IF NOT EXISTS (SELECT 1 FROM pg_depend WHERE refobjid = '"out"."identity_violating"'::regclass AND classid = 'pg_rewrite'::regclass) THEN
    DROP TABLE "out"."identity_violating";
  ELSIF NOT EXISTS (SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_violating"'::regclass AND attnum > 0 AND NOT attisdropped EXCEPT SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_violating__zcdp_new"'::regclass AND attnum > 0 AND NOT attisdropped) AND NOT EXISTS (SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_violating__zcdp_new"'::regclass AND attnum > 0 AND NOT attisdropped EXCEPT SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_violating"'::regclass AND attnum > 0 AND NOT attisdropped) THEN
    TRUNCATE "out"."identity_violating";
    INSERT INTO "out"."identity_violating" SELECT * FROM "out"."identity_violating__zcdp_new";
    DROP TABLE "out"."identity_violating__zcdp_new";
    RETURN;
  ELSE
    DROP TABLE "out"."identity_violating" CASCADE;
  END IF;
END IF;
ALTER TABLE "out"."identity_violating__zcdp_new" RENAME TO "identity_violating";
END$zcdp$;
ANALYZE "out"."identity_violating";

-- violating edges
SELECT e.a, e.b, e.rank_priority, max(e.last_seen) AS last_seen, na.id_type AS a_type, nb.id_type AS b_type FROM "out"."identity_edges" e JOIN "out"."identity_components" c ON c.node = e.a JOIN "out"."identity_violating" v ON v.component = c.component JOIN "out"."identity_nodes" na ON na.node = e.a JOIN "out"."identity_nodes" nb ON nb.node = e.b GROUP BY e.a, e.b, e.rank_priority, na.id_type, nb.id_type ORDER BY e.rank_priority, max(e.last_seen) DESC NULLS LAST, e.a, e.b;

-- assignment
DO $zcdp$BEGIN DROP TABLE IF EXISTS "out"."identity_assignment__zcdp_new";
CREATE TABLE "out"."identity_assignment__zcdp_new" AS SELECT DISTINCT c.component, coalesce(k.profile_id, 'p' || CAST(c.component AS TEXT)) AS profile_id FROM "out"."identity_components" c LEFT JOIN (SELECT component, profile_id FROM (SELECT component, profile_id, row_number() OVER (PARTITION BY component ORDER BY members DESC, oldest NULLS LAST, profile_id) AS rc, row_number() OVER (PARTITION BY profile_id ORDER BY members DESC, component) AS rp FROM (SELECT c.component, g.profile_id, count(*) AS members, min(g.first_seen) AS oldest FROM "out"."identity_components" c JOIN "out"."identity_nodes" n ON n.node = c.node JOIN "out"."identity_graph_prev" g ON g.id_type = n.id_type AND g.id_value = n.id_value GROUP BY c.component, g.profile_id) x) r WHERE rc = 1 AND rp = 1) k ON k.component = c.component;
IF to_regclass('"out"."identity_assignment"') IS NOT NULL THEN
  IF NOT EXISTS (SELECT 1 FROM pg_depend WHERE refobjid = '"out"."identity_assignment"'::regclass AND classid = 'pg_rewrite'::regclass) THEN
    DROP TABLE "out"."identity_assignment";
  ELSIF NOT EXISTS (SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_assignment"'::regclass AND attnum > 0 AND NOT attisdropped EXCEPT SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_assignment__zcdp_new"'::regclass AND attnum > 0 AND NOT attisdropped) AND NOT EXISTS (SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_assignment__zcdp_new"'::regclass AND attnum > 0 AND NOT attisdropped EXCEPT SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_assignment"'::regclass AND attnum > 0 AND NOT attisdropped) THEN
    TRUNCATE "out"."identity_assignment";
    INSERT INTO "out"."identity_assignment" SELECT * FROM "out"."identity_assignment__zcdp_new";
    DROP TABLE "out"."identity_assignment__zcdp_new";
    RETURN;
  ELSE
    DROP TABLE "out"."identity_assignment" CASCADE;
  END IF;
END IF;
ALTER TABLE "out"."identity_assignment__zcdp_new" RENAME TO "identity_assignment";
END$zcdp$;
ANALYZE "out"."identity_assignment";

-- merges
INSERT INTO "out"."profile_merges" SELECT 7, absorbed, surviving, 'merged' FROM (SELECT absorbed, surviving, row_number() OVER (PARTITION BY absorbed ORDER BY members DESC, surviving) AS rn FROM (SELECT g.profile_id AS absorbed, a.profile_id AS surviving, count(*) AS members FROM "out"."identity_graph_prev" g JOIN "out"."identity_nodes" n ON n.id_type = g.id_type AND n.id_value = g.id_value JOIN "out"."identity_components" c ON c.node = n.node JOIN "out"."identity_assignment" a ON a.component = c.component WHERE g.profile_id NOT IN (SELECT profile_id FROM "out"."identity_assignment") GROUP BY g.profile_id, a.profile_id) m) r WHERE rn = 1;

-- graph
DO $zcdp$BEGIN DROP TABLE IF EXISTS "out"."identity_graph__zcdp_new";
CREATE TABLE "out"."identity_graph__zcdp_new" AS SELECT n.id_type, n.id_value, a.profile_id, n.first_seen, n.last_seen, n.source_count FROM "out"."identity_nodes" n JOIN "out"."identity_components" c ON c.node = n.node JOIN "out"."identity_assignment" a ON a.component = c.component;
IF to_regclass('"out"."identity_graph"') IS NOT NULL THEN
  IF NOT EXISTS (SELECT 1 FROM pg_depend WHERE refobjid = '"out"."identity_graph"'::regclass AND classid = 'pg_rewrite'::regclass) THEN
    DROP TABLE "out"."identity_graph";
  ELSIF NOT EXISTS (SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_graph"'::regclass AND attnum > 0 AND NOT attisdropped EXCEPT SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_graph__zcdp_new"'::regclass AND attnum > 0 AND NOT attisdropped) AND NOT EXISTS (SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_graph__zcdp_new"'::regclass AND attnum > 0 AND NOT attisdropped EXCEPT SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"out"."identity_graph"'::regclass AND attnum > 0 AND NOT attisdropped) THEN
    TRUNCATE "out"."identity_graph";
    INSERT INTO "out"."identity_graph" SELECT * FROM "out"."identity_graph__zcdp_new";
    DROP TABLE "out"."identity_graph__zcdp_new";
    RETURN;
  ELSE
    DROP TABLE "out"."identity_graph" CASCADE;
  END IF;
END IF;
ALTER TABLE "out"."identity_graph__zcdp_new" RENAME TO "identity_graph";
END$zcdp$;
ANALYZE "out"."identity_graph";

