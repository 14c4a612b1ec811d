#include "zcdp/identity/components.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "zcdp/sql/dialect.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp {
namespace {

using Rows = std::vector<std::pair<int64_t, int64_t>>;  // (node, component), sorted

struct Graph {
  std::vector<int64_t> nodes;
  Rows edges;  // (a, b) as stored; duplicates and self-loops allowed
};

// The expected output: breadth-first search from every unvisited node, labelling each
// component with its smallest id.
Rows Reference(const Graph& g) {
  std::map<int64_t, std::vector<int64_t>> adjacent;
  for (int64_t n : g.nodes) adjacent[n];
  for (const auto& [a, b] : g.edges) {
    adjacent[a].push_back(b);
    adjacent[b].push_back(a);
  }
  std::map<int64_t, int64_t> label;
  for (const auto& [start, unused] : adjacent) {
    if (label.count(start)) continue;
    std::vector<int64_t> members = {start};
    label[start] = start;
    for (size_t i = 0; i < members.size(); ++i) {
      for (int64_t next : adjacent[members[i]]) {
        if (label.emplace(next, start).second) members.push_back(next);
      }
    }
    const int64_t smallest = *std::min_element(members.begin(), members.end());
    for (int64_t m : members) label[m] = smallest;
  }
  return Rows(label.begin(), label.end());
}

// ---- Random graph families. Every generator adds nodes with fresh ids from `ids`. --------

class GraphBuilder {
 public:
  explicit GraphBuilder(uint64_t seed) : rng_(seed) {}

  int64_t FreshId() {
    // Mostly small ids (readable failures), some negative and extreme ones.
    std::uniform_int_distribution<int> kind(0, 9);
    int64_t id;
    do {
      switch (kind(rng_)) {
        case 0:
          id = int64_t(rng_());
          break;
        case 1:
          id = std::numeric_limits<int64_t>::min() + int64_t(rng_() % 4);
          break;
        case 2:
          id = std::numeric_limits<int64_t>::max() - int64_t(rng_() % 4);
          break;
        case 3:
          id = -int64_t(rng_() % 1000);
          break;
        default:
          id = int64_t(rng_() % 100000);
          break;
      }
    } while (!used_.insert(id).second);
    graph_.nodes.push_back(id);
    return id;
  }
  std::vector<int64_t> FreshIds(size_t n) {
    std::vector<int64_t> ids(n);
    for (auto& id : ids) id = FreshId();
    return ids;
  }
  size_t Uniform(size_t lo, size_t hi) {
    return std::uniform_int_distribution<size_t>(lo, hi)(rng_);
  }
  void Edge(int64_t a, int64_t b) { graph_.edges.emplace_back(a, b); }

  void Chain(size_t n) {
    const auto ids = FreshIds(n);
    for (size_t i = 1; i < n; ++i) Edge(ids[i - 1], ids[i]);
  }
  void Cycle(size_t n) {
    const auto ids = FreshIds(n);
    for (size_t i = 0; i < n; ++i) Edge(ids[i], ids[(i + 1) % n]);
  }
  void Star(size_t n) {
    const auto ids = FreshIds(n);
    for (size_t i = 1; i < n; ++i) Uniform(0, 1) ? Edge(ids[0], ids[i]) : Edge(ids[i], ids[0]);
  }
  void Isolated(size_t n) { FreshIds(n); }
  void RandomSparse(size_t n, size_t m) {
    const auto ids = FreshIds(n);
    for (size_t i = 0; i < m; ++i) Edge(ids[Uniform(0, n - 1)], ids[Uniform(0, n - 1)]);
  }
  // Duplicates and self-loops of edges and nodes already present.
  void Noise(size_t n) {
    for (size_t i = 0; i < n && !graph_.nodes.empty(); ++i) {
      if (!graph_.edges.empty() && Uniform(0, 1)) {
        auto e = graph_.edges[Uniform(0, graph_.edges.size() - 1)];
        Uniform(0, 1) ? Edge(e.first, e.second) : Edge(e.second, e.first);
      } else {
        const int64_t v = graph_.nodes[Uniform(0, graph_.nodes.size() - 1)];
        Edge(v, v);
      }
    }
  }

  // A mix of 1-5 random pieces, with node and edge order shuffled.
  Graph Random() {
    graph_ = {};
    used_.clear();
    const size_t pieces = Uniform(1, 5);
    for (size_t p = 0; p < pieces; ++p) AddPiece();
    Noise(Uniform(0, 4));
    std::shuffle(graph_.nodes.begin(), graph_.nodes.end(), rng_);
    std::shuffle(graph_.edges.begin(), graph_.edges.end(), rng_);
    return graph_;
  }

 private:
  void AddPiece() {
    const size_t kind = Uniform(0, 5);
    if (kind == 0) return Chain(Uniform(1, 20));
    if (kind == 1) return Cycle(Uniform(2, 20));
    if (kind == 2) return Star(Uniform(1, 25));
    if (kind == 3) return Isolated(Uniform(1, 5));
    if (kind == 4) return RandomSparse(Uniform(1, 30), Uniform(0, 30));
    Chain(Uniform(20, 32));  // long enough to need many naive rounds
  }

  std::mt19937_64 rng_;
  std::set<int64_t> used_;
  Graph graph_;
};

// ---- Running the strategies against DuckDB. ---------------------------------------------

class ComponentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // One thread: these graphs are tiny, and statement overhead dominates.
    auto wh = OpenWarehouse({.path = ":memory:", .threads = 1});
    ASSERT_TRUE(wh.ok()) << wh.status().message();
    wh_ = std::move(wh).value();
    // A schema and table names that need quoting.
    t_ = {.schema = "id graph", .nodes = "nodes", .edges = "edges \"e\"", .output = "out"};
    Exec("CREATE SCHEMA " + d().QuoteIdentifier(t_.schema));
  }

  const Dialect& d() { return wh_->dialect(); }
  std::string Table(const std::string& name) { return d().QualifiedName(t_.schema, name); }
  void Exec(const std::string& sql) {
    const Status s = wh_->Execute(sql);
    ASSERT_TRUE(s.ok()) << s.message() << "\n" << sql;
  }

  void Load(const Graph& g) {
    Exec("CREATE OR REPLACE TABLE " + Table(t_.nodes) + " (node BIGINT)");
    Exec("CREATE OR REPLACE TABLE " + Table(t_.edges) + " (a BIGINT, b BIGINT)");
    auto nodes = wh_->CreateAppender(t_.schema, t_.nodes);
    ASSERT_TRUE(nodes.ok());
    for (int64_t n : g.nodes) {
      ASSERT_TRUE((*nodes)->AppendInt(n).ok());
      ASSERT_TRUE((*nodes)->EndRow().ok());
    }
    ASSERT_TRUE((*nodes)->Close().ok());
    auto edges = wh_->CreateAppender(t_.schema, t_.edges);
    ASSERT_TRUE(edges.ok());
    for (const auto& [a, b] : g.edges) {
      ASSERT_TRUE((*edges)->AppendInt(a).ok());
      ASSERT_TRUE((*edges)->AppendInt(b).ok());
      ASSERT_TRUE((*edges)->EndRow().ok());
    }
    ASSERT_TRUE((*edges)->Close().ok());
  }

  Rows Output() {
    auto r = wh_->Query("SELECT node, component FROM " + Table(t_.output) + " ORDER BY node");
    EXPECT_TRUE(r.ok()) << r.status().message();
    Rows rows;
    if (!r.ok()) return rows;
    for (const auto& row : r->rows)
      rows.emplace_back(std::get<int64_t>(row[0].storage()), std::get<int64_t>(row[1].storage()));
    return rows;
  }

  std::vector<std::string> TableNames() {
    auto tables = wh_->ListTables(t_.schema);
    EXPECT_TRUE(tables.ok());
    std::vector<std::string> names;
    for (const auto& info : *tables) names.push_back(info.name);
    std::sort(names.begin(), names.end());
    return names;
  }

  using Strategy = std::function<Result<ComponentsStats>(Warehouse&, const ComponentsTables&)>;
  static std::vector<std::pair<std::string, Strategy>> Strategies() {
    return {
        {"native", [](Warehouse& w, const ComponentsTables& t) { return ComponentsNative(w, t); }},
        {"sql", [](Warehouse& w, const ComponentsTables& t) { return ComponentsSql(w, t); }},
        {"naive", [](Warehouse& w, const ComponentsTables& t) { return ComponentsNaive(w, t); }}};
  }

  std::unique_ptr<Warehouse> wh_;
  ComponentsTables t_;
};

TEST_F(ComponentsTest, AllStrategiesMatchBfsOnRandomGraphs) {
  GraphBuilder builder(20240607);
  for (int i = 0; i < 200; ++i) {
    const Graph g = builder.Random();
    Load(g);
    const Rows expected = Reference(g);
    const int64_t components = std::count_if(expected.begin(), expected.end(),
                                             [](const auto& r) { return r.first == r.second; });
    for (const auto& [name, run] : Strategies()) {
      auto stats = run(*wh_, t_);
      ASSERT_TRUE(stats.ok()) << name << ": " << stats.status().message();
      ASSERT_EQ(Output(), expected) << name << " on graph " << i;
      EXPECT_EQ(stats->nodes, int64_t(g.nodes.size())) << name;
      EXPECT_EQ(stats->edges, int64_t(g.edges.size())) << name;
      EXPECT_EQ(stats->components, components) << name;
      EXPECT_TRUE(stats->converged) << name;
    }
    // Working tables are gone; only the inputs and the output remain.
    ASSERT_EQ(TableNames(), (std::vector<std::string>{t_.edges, t_.nodes, t_.output}));
  }
}

TEST_F(ComponentsTest, EmptyGraph) {
  Load(Graph{});
  for (const auto& [name, run] : Strategies()) {
    auto stats = run(*wh_, t_);
    ASSERT_TRUE(stats.ok()) << name << ": " << stats.status().message();
    EXPECT_TRUE(Output().empty()) << name;
    EXPECT_EQ(stats->components, 0) << name;
  }
}

// A chain whose ids are shuffled along it, so labels must travel far in both directions.
Graph ShuffledChain(size_t n, uint64_t seed) {
  Graph g;
  g.nodes.resize(n);
  std::iota(g.nodes.begin(), g.nodes.end(), int64_t{1000});
  std::mt19937_64 rng(seed);
  std::shuffle(g.nodes.begin(), g.nodes.end(), rng);
  for (size_t i = 1; i < n; ++i) g.edges.emplace_back(g.nodes[i - 1], g.nodes[i]);
  return g;
}

// Hops from the smallest id to the far end of the chain: the rounds in which naive labels
// still change.
int64_t HopsFromSmallest(const Graph& chain) {
  const auto min_at =
      size_t(std::min_element(chain.nodes.begin(), chain.nodes.end()) - chain.nodes.begin());
  return int64_t(std::max(min_at, chain.nodes.size() - 1 - min_at));
}

TEST_F(ComponentsTest, SqlRoundsGrowWithLogOfDiameterNaiveRoundsWithDiameter) {
  const Graph chain = ShuffledChain(10000, 7);
  Load(chain);
  auto sql = ComponentsSql(*wh_, t_);
  ASSERT_TRUE(sql.ok()) << sql.status().message();
  EXPECT_LT(sql->rounds, 40);
  EXPECT_EQ(sql->components, 1);
  EXPECT_EQ(Output(), Reference(chain));
  // Running naive to the end here would take ~10,000 rounds: stop it after 100.
  auto naive = ComponentsNaive(*wh_, t_, ComponentsLimits{.max_rounds = 100});
  ASSERT_TRUE(naive.ok()) << naive.status().message();
  EXPECT_FALSE(naive->converged);
  EXPECT_EQ(naive->rounds, 100);
  EXPECT_GT(naive->components, 1);  // labels have not met yet
}

TEST_F(ComponentsTest, NaiveRoundsEqualHopsFromTheSmallestId) {
  const Graph chain = ShuffledChain(300, 11);
  Load(chain);
  auto naive = ComponentsNaive(*wh_, t_);
  ASSERT_TRUE(naive.ok()) << naive.status().message();
  EXPECT_EQ(naive->rounds, HopsFromSmallest(chain) + 1);  // + the round that sees no change
  EXPECT_EQ(Output(), Reference(chain));
  auto sql = ComponentsSql(*wh_, t_);
  ASSERT_TRUE(sql.ok());
  EXPECT_LT(sql->rounds * 5, naive->rounds);
}

TEST_F(ComponentsTest, NativeRejectsEdgesToUnknownNodesAndDuplicateNodes) {
  Load(Graph{.nodes = {1, 2, 3}, .edges = {{1, 2}, {2, 99}}});
  auto unknown = ComponentsNative(*wh_, t_);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("99"), std::string::npos);

  Load(Graph{.nodes = {1, 2, 2}, .edges = {{1, 2}}});
  auto duplicate = ComponentsNative(*wh_, t_);
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ComponentsTest, NullEndpointsLinkNothing) {
  Load(Graph{.nodes = {1, 2, 3}, .edges = {{1, 2}}});
  Exec("INSERT INTO " + Table(t_.edges) + " VALUES (NULL, 3), (3, NULL), (NULL, NULL)");
  for (const auto& [name, run] : Strategies()) {
    auto stats = run(*wh_, t_);
    ASSERT_TRUE(stats.ok()) << name << ": " << stats.status().message();
    EXPECT_EQ(Output(), (Rows{{1, 1}, {2, 1}, {3, 3}})) << name;
  }
}

TEST_F(ComponentsTest, OutputIsReplaced) {
  Exec("CREATE TABLE " + Table(t_.output) + " (stale VARCHAR)");
  Load(Graph{.nodes = {5, 4}, .edges = {{5, 4}}});
  for (const auto& [name, run] : Strategies()) {
    ASSERT_TRUE(run(*wh_, t_).ok()) << name;
    EXPECT_EQ(Output(), (Rows{{4, 4}, {5, 4}})) << name;
  }
}

TEST_F(ComponentsTest, ReadIndexedGraphSortsIdsAndMapsEdgesToRanks) {
  // Skewed ids (a dense run plus the extremes) and random ones, in random order.
  Graph g;
  std::mt19937_64 rng(5);
  for (int64_t v = -500; v < 500; ++v) g.nodes.push_back(v);
  g.nodes.push_back(std::numeric_limits<int64_t>::min());
  g.nodes.push_back(std::numeric_limits<int64_t>::max());
  for (int i = 0; i < 3000; ++i) g.nodes.push_back(int64_t(rng() | 1) << 12);  // no clash
  std::shuffle(g.nodes.begin(), g.nodes.end(), rng);
  for (int i = 0; i < 5000; ++i) {
    g.edges.emplace_back(g.nodes[rng() % g.nodes.size()], g.nodes[rng() % g.nodes.size()]);
  }
  Load(g);
  Exec("INSERT INTO " + Table(t_.edges) + " VALUES (NULL, 1)");
  auto read = ReadIndexedGraph(*wh_, t_);
  ASSERT_TRUE(read.ok()) << read.status().message();
  std::vector<int64_t> sorted = g.nodes;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(read->ids, sorted);
  EXPECT_EQ(read->edge_rows, int64_t(g.edges.size()) + 1);
  ASSERT_EQ(read->a.size(), g.edges.size());
  // Stream order is the insertion order here: every pair maps back to its edge.
  for (size_t e = 0; e < g.edges.size(); ++e) {
    ASSERT_EQ(read->ids[read->a[e]], g.edges[e].first);
    ASSERT_EQ(read->ids[read->b[e]], g.edges[e].second);
  }
}

// ---- The union-find core alone. ----------------------------------------------------------

TEST(MinLabelComponents, SmallCases) {
  EXPECT_TRUE(MinLabelComponents(0, {}, {}).empty());
  EXPECT_EQ(MinLabelComponents(3, {}, {}), (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(MinLabelComponents(3, {2, 1}, {2, 1}), (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(MinLabelComponents(5, {4, 3, 2}, {3, 2, 4}), (std::vector<uint32_t>{0, 1, 2, 2, 2}));
  EXPECT_EQ(MinLabelComponents(4, {3, 1}, {0, 2}), (std::vector<uint32_t>{0, 1, 1, 0}));
}

TEST(MinLabelComponents, MatchesBfsOnRandomGraphs) {
  std::mt19937_64 rng(99);
  for (int i = 0; i < 200; ++i) {
    const uint32_t n = 1 + uint32_t(rng() % 300);
    const size_t m = rng() % (2 * n);
    std::vector<uint32_t> a(m), b(m);
    Graph g;
    for (uint32_t v = 0; v < n; ++v) g.nodes.push_back(v);
    for (size_t e = 0; e < m; ++e) {
      a[e] = uint32_t(rng() % n);
      b[e] = uint32_t(rng() % n);
      g.edges.emplace_back(a[e], b[e]);
    }
    const std::vector<uint32_t> labels = MinLabelComponents(n, a, b);
    const Rows expected = Reference(g);
    ASSERT_EQ(labels.size(), expected.size());
    for (uint32_t v = 0; v < n; ++v) ASSERT_EQ(int64_t(labels[v]), expected[v].second);
  }
}

TEST(MinLabelComponents, LongChainsInEveryOrder) {
  const uint32_t n = 100000;
  std::vector<uint32_t> a, b;
  for (uint32_t v = 1; v < n; ++v) {
    a.push_back(v);
    b.push_back(v - 1);
  }
  const std::vector<uint32_t> zeros(n, 0);
  EXPECT_EQ(MinLabelComponents(n, a, b), zeros);
  std::reverse(a.begin(), a.end());
  std::reverse(b.begin(), b.end());
  EXPECT_EQ(MinLabelComponents(n, a, b), zeros);
  EXPECT_EQ(MinLabelComponents(n, b, a), zeros);
}

}  // namespace
}  // namespace zcdp
