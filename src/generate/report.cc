#include "generate/report.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "zcdp/warehouse/value.h"

#include "generate/emitter.h"
#include "generate/options.h"
#include "generate/truth.h"

namespace zcdp::synth {
namespace {

// Keys and values written here are fixed ASCII names, so no JSON escaping is needed.
void AppendCounts(const std::map<std::string, int64_t>& counts, std::ostringstream& out) {
  out << "{";
  bool first = true;
  for (const auto& [name, n] : counts) {
    out << (first ? "" : ", ") << "\"" << name << "\": " << n;
    first = false;
  }
  out << "}";
}

Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  return f ? Status::Ok() : Status::IoError("cannot write '" + path + "'");
}

}  // namespace

GeneratorStats ToStats(const Tally& tally, double seconds) {
  GeneratorStats stats;
  for (const TableDef& d : Tables()) {
    stats.rows[QualifiedTableName(d.table)] = tally.rows[static_cast<int>(d.table)];
  }
  for (int t = 0; t < kTrapCount; ++t) {
    stats.traps[std::string(TrapName(static_cast<Trap>(t)))] = tally.traps[t];
  }
  stats.persons = tally.persons;
  stats.truth_rows = tally.truth_rows;
  stats.seconds = seconds;
  return stats;
}

Status WriteSharedCsv(const std::string& path, const Tally& tally) {
  struct Shared {
    IdType type;
    std::string_view value, reason;
    Trap trap;
  };
  static constexpr Shared kShared[] = {
      {IdType::kAnonymousId, kKioskCookie, "shared_device", kKioskPersons},
      {IdType::kEmail, kUnknownEmail, "placeholder", kUnknownEmailPersons},
      {IdType::kEmail, kTestEmail, "placeholder", kTestEmailPersons},
      {IdType::kPhone, kZeroPhone, "placeholder", kZeroPhonePersons},
  };
  std::string text = "id_type,id_value,reason,person_count\n";
  for (const Shared& s : kShared) {
    if (tally.traps[s.trap] == 0) continue;
    text.append(IdTypeName(s.type)).push_back(',');
    AppendCsvField(s.value, text);
    text.append(",").append(s.reason).append(",");
    text.append(std::to_string(tally.traps[s.trap])).push_back('\n');
  }
  return WriteFile(path, text);
}

Status WriteStatsJson(const std::string& path, const GeneratorOptions& options,
                      const GeneratorStats& stats) {
  int64_t total = 0;
  for (const auto& [table, n] : stats.rows) total += n;
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%.3f", stats.seconds);
  std::ostringstream out;
  out << "{\n  \"profiles\": " << options.profiles << ",\n  \"seed\": " << options.seed
      << ",\n  \"as_of\": \"" << FormatDate(AsOfDays(options)) << "\",\n  \"format\": \""
      << FormatName(options.format) << "\",\n  \"rows\": ";
  AppendCounts(stats.rows, out);
  out << ",\n  \"total_rows\": " << total << ",\n  \"traps\": ";
  AppendCounts(stats.traps, out);
  out << ",\n  \"truth_rows\": " << stats.truth_rows << ",\n  \"seconds\": " << seconds << "\n}\n";
  return WriteFile(path, out.str());
}

}  // namespace zcdp::synth
