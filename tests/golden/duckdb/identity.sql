-- incremental tables
CREATE TABLE IF NOT EXISTS "out"."identity_observations" ("source" VARCHAR, "row_key" VARCHAR, "ts" TIMESTAMP, "id_type" VARCHAR, "raw_value" VARCHAR);

-- incremental tables
CREATE TABLE IF NOT EXISTS "out"."identity_watermarks" ("source" VARCHAR NOT NULL, "fingerprint" VARCHAR, "watermark" TIMESTAMP, PRIMARY KEY ("source"));

-- reload
DELETE FROM "out"."identity_observations" WHERE source = 'customers';

-- reload
INSERT INTO "out"."identity_observations" SELECT 'customers' AS source, CAST(CAST(hash(concat_ws('|', CAST("email" AS VARCHAR), CAST("phone" AS VARCHAR))) >> 1 AS BIGINT) AS VARCHAR) AS row_key, CAST(NULL AS TIMESTAMP) AS ts, 'email' AS id_type, CAST("email" AS VARCHAR) AS raw_value FROM "out"."source_customers" WHERE "email" IS NOT NULL UNION ALL SELECT 'customers' AS source, CAST(CAST(hash(concat_ws('|', CAST("email" AS VARCHAR), CAST("phone" AS VARCHAR))) >> 1 AS BIGINT) AS VARCHAR) AS row_key, CAST(NULL AS TIMESTAMP) AS ts, 'phone' AS id_type, CAST("phone" AS VARCHAR) AS raw_value FROM "out"."source_customers" WHERE "phone" IS NOT NULL;

-- row changes
CREATE OR REPLACE TEMP TABLE temp.main."identity_row_changes" AS SELECT coalesce(now_rows.row_key, kept_rows.row_key) AS row_key FROM (SELECT n.row_key, count(*) AS n, CAST(sum(CAST(hash(concat_ws('|', n.id_type, n.raw_value, CAST(n.ts AS VARCHAR))) >> 1 AS BIGINT) % 1000000007) AS BIGINT) AS h FROM (SELECT 'web' AS source, CAST("event_id" AS VARCHAR) AS row_key, CAST("event_time" AS TIMESTAMP) AS ts, 'anonymous_id' AS id_type, CAST("anonymous_id" AS VARCHAR) AS raw_value FROM "out"."source_web" WHERE "anonymous_id" IS NOT NULL UNION ALL SELECT 'web' AS source, CAST("event_id" AS VARCHAR) AS row_key, CAST("event_time" AS TIMESTAMP) AS ts, 'user_id' AS id_type, CAST("user_id" AS VARCHAR) AS raw_value FROM "out"."source_web" WHERE "user_id" IS NOT NULL) n GROUP BY n.row_key) now_rows FULL OUTER JOIN (SELECT n.row_key, count(*) AS n, CAST(sum(CAST(hash(concat_ws('|', n.id_type, n.raw_value, CAST(n.ts AS VARCHAR))) >> 1 AS BIGINT) % 1000000007) AS BIGINT) AS h FROM (SELECT * FROM "out"."identity_observations" WHERE source = 'web') n GROUP BY n.row_key) kept_rows ON kept_rows.row_key = now_rows.row_key WHERE now_rows.row_key IS NULL OR kept_rows.row_key IS NULL OR now_rows.n <> kept_rows.n OR now_rows.h <> kept_rows.h;

-- count row changes
SELECT count(*) FROM temp.main."identity_row_changes";

-- apply row changes
DELETE FROM "out"."identity_observations" WHERE source = 'web' AND row_key IN (SELECT row_key FROM temp.main."identity_row_changes");

-- apply row changes
INSERT INTO "out"."identity_observations" SELECT n.* FROM (SELECT 'web' AS source, CAST("event_id" AS VARCHAR) AS row_key, CAST("event_time" AS TIMESTAMP) AS ts, 'anonymous_id' AS id_type, CAST("anonymous_id" AS VARCHAR) AS raw_value FROM "out"."source_web" WHERE "anonymous_id" IS NOT NULL UNION ALL SELECT 'web' AS source, CAST("event_id" AS VARCHAR) AS row_key, CAST("event_time" AS TIMESTAMP) AS ts, 'user_id' AS id_type, CAST("user_id" AS VARCHAR) AS raw_value FROM "out"."source_web" WHERE "user_id" IS NOT NULL) n WHERE n.row_key IN (SELECT row_key FROM temp.main."identity_row_changes");

-- drop row changes
DROP TABLE IF EXISTS temp.main."identity_row_changes";

-- phones to normalize
SELECT DISTINCT o.raw_value FROM "out"."identity_observations" o WHERE o.id_type = 'phone' AND NOT EXISTS (SELECT 1 FROM "out"."identity_phone_map" pm WHERE pm.raw_value = o.raw_value AND pm.region = 'FR');

-- values
CREATE OR REPLACE TABLE "out"."identity_values" AS SELECT s.id_type, s.raw_value, s.value, s.skip_reason, CASE WHEN s.skip_reason IS NULL THEN CAST(hash(s.id_type || ':' || s.value) >> 1 AS BIGINT) END AS node, s.observed FROM (SELECT id_type, raw_value, CASE WHEN skip_reason IS NULL THEN nvalue END AS value, skip_reason, observed FROM (SELECT n.*, CASE WHEN length(n.raw_value) > 1024 THEN 'too_long' WHEN trim(n.raw_value) = '' THEN 'empty' WHEN regexp_matches(lower(trim(n.raw_value)), '(?:^(test|noreply)@)|(?:o''brien)') THEN 'blocklisted' WHEN CASE n.id_type WHEN 'user_id' THEN FALSE WHEN 'email' THEN NOT regexp_matches(lower(trim(n.raw_value)), '^[^@\s]+@[^@\s]+\.[^@\s]+$') WHEN 'phone' THEN n.phone_value IS NULL WHEN 'anonymous_id' THEN (FALSE OR NOT coalesce(regexp_matches(n.nvalue, '^[a-z0-9-]+$'), FALSE)) ELSE FALSE END THEN 'invalid' WHEN n.nvalue <> lower(trim(n.raw_value)) AND regexp_matches(n.nvalue, '(?:^(test|noreply)@)|(?:o''brien)') THEN 'blocklisted' END AS skip_reason FROM (SELECT o.*, CASE o.id_type WHEN 'user_id' THEN o.raw_value WHEN 'email' THEN lower(trim(o.raw_value)) WHEN 'phone' THEN pm.value WHEN 'anonymous_id' THEN o.raw_value END AS nvalue, pm.value AS phone_value FROM (SELECT x.id_type, x.raw_value, count(*) AS observed FROM "out"."identity_observations" x GROUP BY x.id_type, x.raw_value) o LEFT JOIN "out"."identity_phone_map" pm ON pm.raw_value = o.raw_value AND pm.region = CASE o.id_type WHEN 'phone' THEN 'FR' END) n) k) s;

-- record ids
CREATE OR REPLACE TABLE "out"."identity_record_ids" AS SELECT o.source, o.row_key, o.ts, o.id_type, v.value, t.priority, v.node, CAST(hash(o.source || '|' || o.row_key) >> 1 AS BIGINT) AS rec FROM "out"."identity_observations" o JOIN "out"."identity_values" v ON v.id_type = o.id_type AND v.raw_value = o.raw_value JOIN (VALUES ('user_id', 1, 1, 20), ('email', 3, 3, 20), ('phone', 4, 0, 20), ('anonymous_id', 9, 0, 5)) AS t(id_type, priority, max_per_profile, threshold) ON t.id_type = o.id_type WHERE v.skip_reason IS NULL;

-- quarantine
CREATE OR REPLACE TABLE "out"."identity_quarantine" AS SELECT o.id_type, v.value AS id_value, o.node, 'shared' AS reason, CAST(NULL AS BIGINT) AS records, o.linked AS linked_values, o.other_type AS linked_type FROM (SELECT p.id_type, p.node, p.other_type, p.linked, row_number() OVER (PARTITION BY p.node ORDER BY p.linked DESC, p.other_type) AS rn FROM (SELECT node, id_type, other_type, count(*) AS linked FROM (SELECT DISTINCT a.node, a.id_type, b.id_type AS other_type, b.node AS other_node FROM "out"."identity_record_ids" a JOIN "out"."identity_record_ids" b ON a.rec = b.rec AND a.source = b.source AND a.row_key = b.row_key AND b.id_type <> a.id_type) x GROUP BY node, id_type, other_type) p JOIN (VALUES ('user_id', 'email', 20), ('user_id', 'phone', 20), ('user_id', 'anonymous_id', 20), ('email', 'user_id', 20), ('email', 'phone', 20), ('email', 'anonymous_id', 20), ('phone', 'user_id', 20), ('phone', 'email', 20), ('phone', 'anonymous_id', 20), ('anonymous_id', 'user_id', 5), ('anonymous_id', 'email', 5), ('anonymous_id', 'phone', 5)) AS h(id_type, other_type, hub_limit) ON h.id_type = p.id_type AND h.other_type = p.other_type WHERE p.linked > h.hub_limit) o JOIN (SELECT node, min(value) AS value FROM "out"."identity_values" WHERE node IS NOT NULL GROUP BY node) v ON v.node = o.node WHERE o.rn = 1
UNION ALL
SELECT id_type, lower(trim(raw_value)) AS id_value, CAST(NULL AS BIGINT) AS node, 'blocklisted' AS reason, CAST(sum(observed) AS BIGINT) AS records, CAST(NULL AS BIGINT) AS linked_values, CAST(NULL AS VARCHAR) AS linked_type FROM "out"."identity_values" WHERE skip_reason = 'blocklisted' GROUP BY id_type, lower(trim(raw_value));

-- nodes
CREATE OR REPLACE TABLE "out"."identity_nodes" AS SELECT r.node, r.id_type, r.value AS id_value, min(r.ts) AS first_seen, max(r.ts) AS last_seen, count(DISTINCT r.source) AS source_count, count(*) AS records FROM "out"."identity_record_ids" r WHERE NOT EXISTS (SELECT 1 FROM "out"."identity_quarantine" q WHERE q.node = r.node) GROUP BY r.node, r.id_type, r.value;

-- record centers
CREATE OR REPLACE TABLE "out"."identity_record_centers" AS SELECT rec, source, row_key, node, priority FROM (SELECT r.rec, r.source, r.row_key, r.node, r.priority, row_number() OVER (PARTITION BY r.rec, r.source, r.row_key ORDER BY r.priority, r.id_type, r.node) AS rn FROM "out"."identity_record_ids" r JOIN "out"."identity_nodes" n ON n.node = r.node) x WHERE rn = 1;

-- edges
CREATE OR REPLACE TABLE "out"."identity_edges" AS SELECT c.node AS a, o.node AS b, o.source, min(o.row_key) AS row_key, min(o.ts) AS first_seen, max(o.ts) AS last_seen, count(*) AS records, CASE WHEN c.priority > o.priority THEN c.priority ELSE o.priority END AS rank_priority FROM "out"."identity_record_centers" c JOIN (SELECT r.* FROM "out"."identity_record_ids" r JOIN "out"."identity_nodes" n ON n.node = r.node) o ON o.rec = c.rec AND o.source = c.source AND o.row_key = c.row_key AND o.node <> c.node GROUP BY c.node, o.node, o.source, c.priority, o.priority;

-- rejection counts
SELECT id_type, CAST(sum(observed) AS BIGINT) AS observed, CAST(sum(CASE WHEN skip_reason IN ('invalid', 'too_long') THEN observed ELSE 0 END) AS BIGINT) AS rejected FROM "out"."identity_values" GROUP BY id_type ORDER BY id_type;

-- violating components
CREATE OR REPLACE TABLE "out"."identity_violating" AS SELECT DISTINCT k.component FROM (SELECT c.component, n.id_type, count(*) AS cnt FROM "out"."identity_components" c JOIN "out"."identity_nodes" n ON n.node = c.node GROUP BY c.component, n.id_type) k JOIN (VALUES ('user_id', 1, 1, 20), ('email', 3, 3, 20), ('phone', 4, 0, 20), ('anonymous_id', 9, 0, 5)) AS t(id_type, priority, max_per_profile, threshold) ON k.id_type = t.id_type WHERE t.max_per_profile > 0 AND k.cnt > t.max_per_profile;

-- violating edges
SELECT e.a, e.b, e.rank_priority, max(e.last_seen) AS last_seen, na.id_type AS a_type, nb.id_type AS b_type FROM "out"."identity_edges" e JOIN "out"."identity_components" c ON c.node = e.a JOIN "out"."identity_violating" v ON v.component = c.component JOIN "out"."identity_nodes" na ON na.node = e.a JOIN "out"."identity_nodes" nb ON nb.node = e.b GROUP BY e.a, e.b, e.rank_priority, na.id_type, nb.id_type ORDER BY e.rank_priority, max(e.last_seen) DESC NULLS LAST, e.a, e.b;

-- assignment
CREATE OR REPLACE TABLE "out"."identity_assignment" AS SELECT DISTINCT c.component, coalesce(k.profile_id, 'p' || CAST(c.component AS VARCHAR)) AS profile_id FROM "out"."identity_components" c LEFT JOIN (SELECT component, profile_id FROM (SELECT component, profile_id, row_number() OVER (PARTITION BY component ORDER BY members DESC, oldest NULLS LAST, profile_id) AS rc, row_number() OVER (PARTITION BY profile_id ORDER BY members DESC, component) AS rp FROM (SELECT c.component, g.profile_id, count(*) AS members, min(g.first_seen) AS oldest FROM "out"."identity_components" c JOIN "out"."identity_nodes" n ON n.node = c.node JOIN "out"."identity_graph_prev" g ON g.id_type = n.id_type AND g.id_value = n.id_value GROUP BY c.component, g.profile_id) x) r WHERE rc = 1 AND rp = 1) k ON k.component = c.component;

-- merges
INSERT INTO "out"."profile_merges" SELECT 7, absorbed, surviving, 'merged' FROM (SELECT absorbed, surviving, row_number() OVER (PARTITION BY absorbed ORDER BY members DESC, surviving) AS rn FROM (SELECT g.profile_id AS absorbed, a.profile_id AS surviving, count(*) AS members FROM "out"."identity_graph_prev" g JOIN "out"."identity_nodes" n ON n.id_type = g.id_type AND n.id_value = g.id_value JOIN "out"."identity_components" c ON c.node = n.node JOIN "out"."identity_assignment" a ON a.component = c.component WHERE g.profile_id NOT IN (SELECT profile_id FROM "out"."identity_assignment") GROUP BY g.profile_id, a.profile_id) m) r WHERE rn = 1;

-- graph
CREATE OR REPLACE TABLE "out"."identity_graph" AS SELECT n.id_type, n.id_value, a.profile_id, n.first_seen, n.last_seen, n.source_count FROM "out"."identity_nodes" n JOIN "out"."identity_components" c ON c.node = n.node JOIN "out"."identity_assignment" a ON a.component = c.component;

