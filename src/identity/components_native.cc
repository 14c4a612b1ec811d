// The native strategy: node ids read in ascending order give the dense index (index = rank,
// so the smallest index of a component is its smallest node id); edges are streamed and
// mapped to indices, the union-find core labels them, and the appender writes the output.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "zcdp/identity/components.h"
#include "zcdp/sql/dialect.h"
#include "zcdp/warehouse/warehouse.h"

#include "identity/components_util.h"

namespace zcdp {
namespace {

using components_internal::CreateTableAs;
using components_internal::QueryInt;
using components_internal::QuotedNames;
using components_internal::Stopwatch;

constexpr uint32_t kMissing = std::numeric_limits<uint32_t>::max();

// Maps node ids to their rank in a sorted, unique id vector. A table of bucket starts over
// the id range narrows each binary search to a few ids when ids are spread evenly (hashed
// ids), and degrades to an ordinary binary search when they are not.
class DenseIndex {
 public:
  // REQUIRES: `ids` is sorted and unique, and outlives the index.
  explicit DenseIndex(const std::vector<int64_t>& ids);
  // The rank of `id`, or kMissing when it is not a node.
  uint32_t Find(int64_t id) const;

 private:
  uint64_t Bucket(int64_t id) const { return (uint64_t(id) - uint64_t(ids_.front())) >> shift_; }

  const std::vector<int64_t>& ids_;
  int shift_ = 0;
  std::vector<uint32_t> start_;  // start_[k]: the first rank whose bucket is >= k
};

DenseIndex::DenseIndex(const std::vector<int64_t>& ids) : ids_(ids) {
  if (ids.empty()) return;
  const uint64_t span = uint64_t(ids.back()) - uint64_t(ids.front());
  const uint64_t target = std::max<uint64_t>(1, ids.size() / 2);
  while (shift_ < 63 && (span >> shift_) >= target) ++shift_;
  const uint64_t buckets = (span >> shift_) + 1;
  start_.assign(buckets + 1, 0);
  for (int64_t id : ids) ++start_[Bucket(id) + 1];
  for (uint64_t k = 0; k < buckets; ++k) start_[k + 1] += start_[k];
}

uint32_t DenseIndex::Find(int64_t id) const {
  if (ids_.empty() || id < ids_.front() || id > ids_.back()) return kMissing;
  const uint64_t k = Bucket(id);
  const auto first = ids_.begin() + start_[k];
  const auto last = ids_.begin() + start_[k + 1];
  const auto it = std::lower_bound(first, last, id);
  return it != last && *it == id ? uint32_t(it - ids_.begin()) : kMissing;
}

// Node ids in ascending order. Fails on NULL or duplicate ids, or too many nodes.
Result<std::vector<int64_t>> ReadSortedNodes(Warehouse& wh, const QuotedNames& q) {
  ZCDP_ASSIGN_OR_RETURN(int64_t count, QueryInt(wh, "SELECT count(*) FROM " + q.nodes));
  if (count >= int64_t{kMissing}) return Status::Invalid("too many nodes for 32-bit indices");
  std::vector<int64_t> ids;
  ids.reserve(count);
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<QueryStream> stream,
                        wh.Stream("SELECT " + q.node + " FROM " + q.nodes + " ORDER BY 1"));
  while (true) {
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Chunk> chunk, stream->Next());
    if (chunk == nullptr) break;
    for (size_t r = 0; r < chunk->row_count(); ++r) {
      if (chunk->IsNull(0, r)) return Status::Invalid(q.nodes + " has a NULL node");
      ids.push_back(chunk->GetInt(0, r));
    }
  }
  const auto dup = std::adjacent_find(ids.begin(), ids.end());
  if (dup != ids.end()) {
    return Status::Invalid(q.nodes + " has node " + std::to_string(*dup) + " twice");
  }
  return ids;
}

struct IndexEdges {
  std::vector<uint32_t> a, b;
  int64_t rows = 0;  // edge rows read, NULL endpoints included
};

// Appends the chunk's edges as index pairs; rows with a NULL endpoint link nothing.
Status MapChunk(const Chunk& chunk, const DenseIndex& index, const QuotedNames& q,
                IndexEdges& out) {
  for (size_t r = 0; r < chunk.row_count(); ++r) {
    if (chunk.IsNull(0, r) || chunk.IsNull(1, r)) continue;
    const int64_t a = chunk.GetInt(0, r), b = chunk.GetInt(1, r);
    const uint32_t ia = index.Find(a), ib = index.Find(b);
    if (ia == kMissing || ib == kMissing) {
      return Status::Invalid("edge (" + std::to_string(a) + ", " + std::to_string(b) + ") in " +
                             q.edges + " names a node missing from " + q.nodes);
    }
    out.a.push_back(ia);
    out.b.push_back(ib);
  }
  out.rows += int64_t(chunk.row_count());
  return Status::Ok();
}

Result<IndexEdges> ReadEdgesMappedInCpp(Warehouse& wh, const QuotedNames& q,
                                        const std::vector<int64_t>& ids) {
  IndexEdges out;
  ZCDP_ASSIGN_OR_RETURN(int64_t count, QueryInt(wh, "SELECT count(*) FROM " + q.edges));
  out.a.reserve(count);
  out.b.reserve(count);
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<QueryStream> stream,
                        wh.Stream("SELECT " + q.a + ", " + q.b + " FROM " + q.edges));
  const DenseIndex index(ids);
  while (true) {
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Chunk> chunk, stream->Next());
    if (chunk == nullptr) break;
    ZCDP_RETURN_IF_ERROR(MapChunk(*chunk, index, q, out));
  }
  return out;
}

// The same through the engine: a dense-index table joined to both endpoints.
Result<IndexEdges> ReadEdgesMappedInSql(Warehouse& wh, const ComponentsTables& t,
                                        const QuotedNames& q) {
  components_internal::WorkTables work(wh, t);
  const std::string idx = work.Qualified("idx");
  const std::string i = wh.dialect().QuoteIdentifier("i");
  ZCDP_RETURN_IF_ERROR(CreateTableAs(wh, t.schema, work.Name("idx"),
                                     "SELECT " + q.node + ", CAST(row_number() OVER (ORDER BY " +
                                         q.node + ") - 1 AS INTEGER) AS " + i + " FROM " +
                                         q.nodes));
  IndexEdges out;
  ZCDP_ASSIGN_OR_RETURN(int64_t count, QueryInt(wh, "SELECT count(*) FROM " + q.edges));
  out.rows = count;
  out.a.reserve(count);
  out.b.reserve(count);
  ZCDP_ASSIGN_OR_RETURN(
      std::unique_ptr<QueryStream> stream,
      wh.Stream("SELECT x." + i + ", y." + i + " FROM " + q.edges + " e JOIN " + idx + " x ON e." +
                q.a + " = x." + q.node + " JOIN " + idx + " y ON e." + q.b + " = y." + q.node));
  while (true) {
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Chunk> chunk, stream->Next());
    if (chunk == nullptr) break;
    for (size_t r = 0; r < chunk->row_count(); ++r) {
      out.a.push_back(uint32_t(chunk->GetInt(0, r)));
      out.b.push_back(uint32_t(chunk->GetInt(1, r)));
    }
  }
  return out;
}

// Creates or replaces the output table and appends (node, component) for every node.
Status WriteOutput(Warehouse& wh, const ComponentsTables& t, const QuotedNames& q,
                   const std::vector<int64_t>& ids, const std::vector<uint32_t>& labels) {
  const Dialect& d = wh.dialect();
  Transaction txn(wh);
  ZCDP_RETURN_IF_ERROR(txn.Begin());
  ZCDP_RETURN_IF_ERROR(CreateTableAs(wh, t.schema, t.output,
                                     "SELECT " + d.Cast("NULL", SqlType::kBigInt) + " AS " +
                                         q.node + ", " + d.Cast("NULL", SqlType::kBigInt) + " AS " +
                                         q.component + " WHERE 1 = 0"));
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Appender> app, wh.CreateAppender(t.schema, t.output));
  for (size_t i = 0; i < ids.size(); ++i) {
    ZCDP_RETURN_IF_ERROR(app->AppendInt(ids[i]));
    ZCDP_RETURN_IF_ERROR(app->AppendInt(ids[labels[i]]));
    ZCDP_RETURN_IF_ERROR(app->EndRow());
  }
  ZCDP_RETURN_IF_ERROR(app->Close());
  return txn.Commit();
}

}  // namespace

Result<ComponentsStats> ComponentsNative(Warehouse& wh, const ComponentsTables& t) {
  const Stopwatch total;
  const QuotedNames q(wh.dialect(), t);
  ComponentsStats stats;
  ZCDP_ASSIGN_OR_RETURN(std::vector<int64_t> ids, ReadSortedNodes(wh, q));
  const bool in_sql = std::getenv("ZCDP_CC_MAP_SQL") != nullptr;
  const Stopwatch map;
  ZCDP_ASSIGN_OR_RETURN(IndexEdges edges,
                        in_sql ? ReadEdgesMappedInSql(wh, t, q) : ReadEdgesMappedInCpp(wh, q, ids));
  if (std::getenv("ZCDP_CC_TRACE"))
    fprintf(stderr, "read nodes+map %.3f map %.3f\n", total.Seconds(), map.Seconds());
  const Stopwatch core;
  const std::vector<uint32_t> labels = MinLabelComponents(uint32_t(ids.size()), edges.a, edges.b);
  stats.core_seconds = core.Seconds();
  const Stopwatch wr;
  ZCDP_RETURN_IF_ERROR(WriteOutput(wh, t, q, ids, labels));
  if (std::getenv("ZCDP_CC_TRACE"))
    fprintf(stderr, "core %.3f write %.3f\n", stats.core_seconds, wr.Seconds());
  stats.nodes = int64_t(ids.size());
  stats.edges = edges.rows;
  for (uint32_t i = 0; i < labels.size(); ++i) stats.components += labels[i] == i ? 1 : 0;
  stats.rounds = 1;
  stats.seconds = total.Seconds();
  return stats;
}

}  // namespace zcdp
