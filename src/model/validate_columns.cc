#include <algorithm>

#include "zcdp/common/suggest.h"
#include "zcdp/model/validate.h"
#include "zcdp/sql/dialect.h"

#include "model/validate_internal.h"

namespace zcdp::model_detail {
namespace {

// LIST, STRUCT, MAP, UNION and arrays: not usable as one identifier or attribute value.
bool IsNestedType(const std::string& type_name) {
  for (const char* prefix : {"STRUCT", "MAP", "UNION", "LIST", "ARRAY"}) {
    if (type_name.rfind(prefix, 0) == 0) return true;
  }
  return type_name.find('[') != std::string::npos;
}

bool IsIdentifierType(const ColumnInfo& c) {
  return !IsNestedType(c.type_name) && c.kind != ColumnKind::kBoolean &&
         c.kind != ColumnKind::kFloat && c.kind != ColumnKind::kBlob;
}

std::string SourceContext(const SourceConfig& s) { return "source " + Quote(s.name.value); }

// Beyond this many distinct purposes the column is not a list of purposes to check against.
constexpr int64_t kMaxPurposes = 200;

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

const ColumnInfo* Validator::FindColumn(const std::string& context, const std::string& key,
                                        const LocatedString& col, const DescribedSource& d) {
  std::vector<std::string> names;
  for (const auto& c : d.columns) {
    if (c.name == col.value) return &c;
    names.push_back(c.name);
  }
  Error(col.pos, context,
        key + ": unknown column " + Quote(col.value) + " in " + d.where +
            DidYouMean(col.value, names));
  return nullptr;
}

void Validator::CheckType(const std::string& context, const std::string& key,
                          const LocatedString& col, const ColumnInfo& info, bool accepted,
                          const std::string& expected) {
  if (accepted) return;
  Error(col.pos, context,
        key + ": column " + Quote(col.value) + " has type " + info.type_name + "; expected " +
            expected);
}

void Validator::CheckSourceColumns(const SourceConfig& s, const DescribedSource& d) {
  const std::string ctx = SourceContext(s);
  for (const auto& id : s.identifiers) {
    if (const ColumnInfo* c = FindColumn(ctx, "identifiers", id.column, d)) {
      CheckType(ctx, "identifiers", id.column, *c, IsIdentifierType(*c),
                "a text or integer column for an identifier");
    }
  }
  if (s.timestamp) {
    if (const ColumnInfo* c = FindColumn(ctx, "timestamp", *s.timestamp, d)) {
      CheckType(ctx, "timestamp", *s.timestamp, *c, IsTimeKind(c->kind),
                "a TIMESTAMP or DATE column");
    }
  }
  if (s.event_name) FindColumn(ctx, "event_name", *s.event_name, d);
  if (s.primary_key) FindColumn(ctx, "primary_key", *s.primary_key, d);
  for (const auto& a : s.attributes) {
    if (const ColumnInfo* c = FindColumn(ctx, "attributes", a, d)) {
      CheckType(ctx, "attributes", a, *c, !IsNestedType(c->type_name), "a scalar column");
    }
  }
  for (const auto& p : s.pii) FindColumn(ctx, "pii", p, d);
}

void Validator::CheckTraits() {
  for (const auto& t : project_.traits) {
    const std::string ctx = "trait " + Quote(t.name.value);
    const std::string key = t.aggregate ? "aggregate" : t.pick ? "pick" : "column";
    for (const auto& in : t.inputs) {
      auto it = described_.find(in.source.value);
      if (it == described_.end()) continue;  // unknown or unreadable source: reported already
      const ColumnInfo* c = FindColumn(ctx, t.from.empty() ? key : "from", in.column, it->second);
      const AggregateFunction fn = t.aggregate_function;
      if (c != nullptr && (fn == AggregateFunction::kSum || fn == AggregateFunction::kAvg)) {
        CheckType(ctx, key, in.column, *c, IsNumericKind(c->kind),
                  "a numeric column for " + std::string(AggregateFunctionName(fn)));
      }
    }
  }
}

void Validator::CheckConsent() {
  if (!project_.consent) return;
  const ConsentConfig& consent = *project_.consent;
  auto it = described_.find(consent.source.value);
  if (it == described_.end()) return;  // unknown or unreadable source: reported already
  const DescribedSource& d = it->second;
  if (!consent.purpose_column.value.empty()) {
    if (const ColumnInfo* c = FindColumn("consent", "purpose_column", consent.purpose_column, d)) {
      CheckType("consent", "purpose_column", consent.purpose_column, *c, IsIdentifierType(*c),
                "a text column naming the purpose");
      if (IsIdentifierType(*c)) CheckPurposes(consent);
    }
  }
  if (!consent.granted_column.value.empty()) {
    if (const ColumnInfo* c = FindColumn("consent", "granted_column", consent.granted_column, d)) {
      CheckType("consent", "granted_column", consent.granted_column, *c,
                c->kind == ColumnKind::kBoolean, "a BOOLEAN column");
    }
  }
  if (consent.timestamp_column) {
    const LocatedString& col = *consent.timestamp_column;
    if (const ColumnInfo* c = FindColumn("consent", "timestamp_column", col, d)) {
      CheckType("consent", "timestamp_column", col, *c, IsTimeKind(c->kind),
                "a TIMESTAMP or DATE column");
    }
  }
}

void Validator::CheckPurposes(const ConsentConfig& consent) {
  const SourceConfig* source = project_.FindSource(consent.source.value);
  bool any = false;
  for (const auto& dest : project_.destinations) any = any || dest.purpose.has_value();
  if (source == nullptr || !any) return;
  const Dialect& d = wh_.dialect();
  Result<std::string> relation = SourceRelation(*source, d);
  if (!relation.ok()) return;
  const std::string column = d.QuoteIdentifier(consent.purpose_column.value);
  // Purposes are the project's own words, not customer values; at most a bounded list.
  Result<QueryResult> rows =
      wh_.Query("SELECT DISTINCT " + d.Cast(column, SqlType::kText) + " FROM " + *relation +
                " p WHERE " + column + " IS NOT NULL ORDER BY 1" + d.Limit(kMaxPurposes));
  if (!rows.ok()) return;  // unreadable: the sync says why
  std::vector<std::string> purposes;
  for (const auto& row : rows->rows) {
    if (!row.empty() && !row[0].is_null()) purposes.push_back(row[0].ToString());
  }
  // No rows yet: nothing to tell a typo from. Too many: not a list of purposes.
  if (purposes.empty() || purposes.size() >= kMaxPurposes) return;
  for (const auto& dest : project_.destinations) {
    if (!dest.purpose || Contains(purposes, dest.purpose->value)) continue;
    std::string hint = DidYouMean(dest.purpose->value, purposes);
    if (hint.empty()) hint = "; purposes it has: " + JoinNames(purposes);
    diags_.Warning(dest.purpose->pos, "destination " + Quote(dest.name.value) + ": purpose " +
                                          Quote(dest.purpose->value) +
                                          ": no row of consent source " +
                                          Quote(consent.source.value) +
                                          " has this purpose, so no profile will be sent" + hint);
  }
}

}  // namespace zcdp::model_detail
