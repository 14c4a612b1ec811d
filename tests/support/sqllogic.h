#pragma once

// A small sqllogictest-style runner over the Warehouse interface, so that the same .test
// files run on every engine. Records are separated by blank lines:
//
//   # comment
//   statement ok|error          SQL follows; it must succeed / fail
//   query <types> [rowsort]     SQL, a line "----", then the expected rows; one letter of
//                               <types> per column (I integer, R real, T text, B boolean);
//                               cells are tab-separated, NULL prints as NULL
//   project                     a zcdp.yaml follows (relative paths resolve to the test's
//                               temporary directory)
//   run ok|error                runs zcdp's standard pipeline for the last project
//   explain <TYPE:VALUE> <TYPE:VALUE>   zcdp explain for the last project, a line "----",
//                               then the expected lines: "joined by N link(s)" and one
//                               "type:value -- type:value (source)" per link, or
//                               "separate" and one line per reason
//   as_of <UTC timestamp>       later runs are at this instant (a FixedClock; default: now),
//                               e.g. as_of 2020-06-15T12:00:00Z
//   require engine <name>       skip the rest of the file on other engines
// __TEST_DIR__ in SQL is replaced with the test's temporary directory.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "zcdp/common/clock.h"
#include "zcdp/identity/explain.h"
#include "zcdp/model/project.h"
#include "zcdp/run/pipeline.h"
#include "zcdp/sql/dialect.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp::testing {

struct SqlLogicFailure {
  int line = 0;
  std::string message;
};

class SqlLogicRunner {
 public:
  SqlLogicRunner(Warehouse& wh, std::string tmp_dir) : wh_(wh), tmp_dir_(std::move(tmp_dir)) {}

  // Runs every record of `path`; returns the failures (empty when the file passes).
  std::vector<SqlLogicFailure> RunFile(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    file_ = path;
    size_t i = 0;
    while (i < lines.size() && !skip_) {
      if (lines[i].empty() || lines[i][0] == '#') {
        ++i;
        continue;
      }
      const int start = static_cast<int>(i) + 1;
      std::vector<std::string> record;
      while (i < lines.size() && !lines[i].empty()) record.push_back(lines[i++]);
      RunRecord(start, record);
    }
    return failures_;
  }

 private:
  void Fail(int line, std::string message) { failures_.push_back({line, std::move(message)}); }

  // Joins record lines, replacing __TEST_DIR__ with the test's temporary directory.
  std::string Join(const std::vector<std::string>& lines, size_t from, size_t to) const {
    std::string out;
    for (size_t i = from; i < to; ++i) out += lines[i] + "\n";
    for (size_t at = out.find("__TEST_DIR__"); at != std::string::npos;
         at = out.find("__TEST_DIR__", at)) {
      out.replace(at, 12, tmp_dir_);
    }
    return out;
  }

  void RunRecord(int line, const std::vector<std::string>& rec) {
    std::istringstream head(rec[0]);
    std::string kind, arg, option;
    head >> kind >> arg >> option;
    if (kind == "statement") return Statement(line, arg, Join(rec, 1, rec.size()));
    if (kind == "query") return Query(line, arg, option == "rowsort", rec);
    if (kind == "project") return LoadProject(line, Join(rec, 1, rec.size()));
    if (kind == "run") return RunPipelineRecord(line, arg);
    if (kind == "as_of") return SetAsOf(line, arg);
    if (kind == "explain") return ExplainRecord(line, arg, option, rec);
    if (kind == "require" && arg == "engine") {
      skip_ = option != wh_.dialect().name();
      return;
    }
    Fail(line, "unknown record '" + kind + "'");
  }

  void Statement(int line, const std::string& expect, const std::string& sql) {
    const Status s = wh_.Execute(sql);
    if (expect == "ok" && !s.ok()) Fail(line, "statement failed: " + s.message());
    if (expect == "error" && s.ok()) Fail(line, "statement succeeded, expected an error");
  }

  static std::string Render(const Value& v) {
    if (v.is_null()) return "NULL";
    std::string s = v.ToString();
    return s.empty() ? "(empty)" : s;
  }

  void Query(int line, const std::string& types, bool rowsort,
             const std::vector<std::string>& rec) {
    const auto sep = std::find(rec.begin(), rec.end(), "----");
    const std::string sql = Join(rec, 1, static_cast<size_t>(sep - rec.begin()));
    std::vector<std::string> expected(sep == rec.end() ? rec.end() : sep + 1, rec.end());
    auto r = wh_.Query(sql);
    if (!r.ok()) return Fail(line, "query failed: " + r.status().message());
    if (r->columns.size() != types.size()) {
      return Fail(line, "query returns " + std::to_string(r->columns.size()) +
                            " columns, the record declares " + std::to_string(types.size()));
    }
    std::vector<std::string> actual;
    for (const auto& row : r->rows) {
      std::string l;
      for (size_t c = 0; c < row.size(); ++c) l += (c ? "\t" : "") + Render(row[c]);
      actual.push_back(l);
    }
    if (rowsort) {
      std::sort(actual.begin(), actual.end());
      std::sort(expected.begin(), expected.end());
    }
    if (actual != expected) {
      std::string msg = "wrong result\nexpected:\n";
      for (const auto& l : expected) msg += "  " + l + "\n";
      msg += "actual:\n";
      for (const auto& l : actual) msg += "  " + l + "\n";
      Fail(line, msg);
    }
  }

  void LoadProject(int line, const std::string& yaml) {
    Diagnostics diags(file_);
    project_ = ParseProject(yaml, file_, tmp_dir_, diags);
    if (!project_ || diags.has_errors()) Fail(line, "project has errors:\n" + diags.ToString());
  }

  // The explanation of a and b as the lines an `explain` record expects.
  Result<std::vector<std::string>> ExplainLines(const std::string& a, const std::string& b) {
    ZCDP_ASSIGN_OR_RETURN(IdentifierRef ra, ResolveIdentifier(*project_, a));
    ZCDP_ASSIGN_OR_RETURN(IdentifierRef rb, ResolveIdentifier(*project_, b));
    ZCDP_ASSIGN_OR_RETURN(Explanation e, Explain(*project_, wh_, ra, rb));
    std::vector<std::string> out;
    if (!e.joined) {
      out.push_back("separate");
      out.insert(out.end(), e.reasons.begin(), e.reasons.end());
      return out;
    }
    out.push_back("joined by " + std::to_string(e.chain.size()) +
                  (e.chain.size() == 1 ? " link" : " links"));
    for (const auto& l : e.chain) {
      out.push_back(l.from_type + ":" + l.from_value + " -- " + l.to_type + ":" + l.to_value +
                    " (" + l.source + ")");
    }
    return out;
  }

  void ExplainRecord(int line, const std::string& a, const std::string& b,
                     const std::vector<std::string>& rec) {
    if (!project_) return Fail(line, "explain before a valid project");
    const auto sep = std::find(rec.begin(), rec.end(), "----");
    const std::vector<std::string> expected(sep == rec.end() ? rec.end() : sep + 1, rec.end());
    Result<std::vector<std::string>> actual = ExplainLines(a, b);
    if (!actual.ok()) return Fail(line, "explain failed: " + actual.status().message());
    if (*actual == expected) return;
    std::string msg = "wrong explanation\nexpected:\n";
    for (const auto& l : expected) msg += "  " + l + "\n";
    msg += "actual:\n";
    for (const auto& l : *actual) msg += "  " + l + "\n";
    Fail(line, msg);
  }

  void SetAsOf(int line, const std::string& text) {
    Result<int64_t> micros = ParseUtcTimestamp(text);
    if (!micros.ok()) return Fail(line, micros.status().message());
    clock_.emplace(*micros);
  }

  void RunPipelineRecord(int line, const std::string& expect) {
    if (!project_) return Fail(line, "run before a valid project");
    RunOptions options;
    if (clock_) options.clock = &*clock_;
    auto summary = zcdp::RunPipeline(StandardPipeline(), *project_, wh_, options);
    const bool ok = summary.ok() && summary->status == RunStatus::kSucceeded;
    if (expect != "error" && !ok) {
      std::string why = summary.ok() ? "" : summary.status().message();
      if (summary.ok()) {
        for (const auto& s : summary->steps) why += s.error;
      }
      Fail(line, "run failed: " + why);
    }
    if (expect == "error" && ok) Fail(line, "run succeeded, expected a failure");
  }

  Warehouse& wh_;
  std::string tmp_dir_;
  std::string file_;
  std::optional<Project> project_;
  std::vector<SqlLogicFailure> failures_;
  bool skip_ = false;
  std::optional<FixedClock> clock_;  // set by `as_of`
};

}  // namespace zcdp::testing
