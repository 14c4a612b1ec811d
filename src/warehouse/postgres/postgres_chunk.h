#pragma once

#include "warehouse/postgres/postgres_types.h"

namespace zcdp {

// A Chunk over one PGresult in text format (one FETCH from a cursor, or a whole small
// result). Owns the result; cells are parsed on read.
class PostgresChunk final : public Chunk {
 public:
  PostgresChunk(pg::ResultPtr result, const std::vector<ColumnInfo>& columns)
      : result_(std::move(result)), columns_(columns) {}

  size_t row_count() const override { return static_cast<size_t>(PQntuples(result_.get())); }
  size_t column_count() const override { return columns_.size(); }
  bool IsNull(size_t column, size_t row) const override {
    return PQgetisnull(result_.get(), static_cast<int>(row), static_cast<int>(column)) != 0;
  }
  int64_t GetInt(size_t column, size_t row) const override;
  double GetDouble(size_t column, size_t row) const override;
  std::string_view GetText(size_t column, size_t row) const override;
  Value Get(size_t column, size_t row) const override;
  void WriteJson(size_t column, size_t row, JsonCellWriter& out) const override;

 private:
  pg::ResultPtr result_;
  const std::vector<ColumnInfo>& columns_;  // owned by the stream, which outlives the chunk
};

// The columns of a result, named and typed.
std::vector<ColumnInfo> PostgresColumns(const PGresult* result);

}  // namespace zcdp
