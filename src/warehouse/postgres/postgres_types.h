#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <libpq-fe.h>

#include "zcdp/common/status.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp::pg {

// The engine's spelling and zcdp's kind of a PostgreSQL type, by the type's OID. Unknown
// OIDs (user types, arrays) are kOther, named "oid <n>".
ColumnInfo ColumnOf(std::string name, Oid type);

// Parsers for cells in PostgreSQL's text output (DateStyle ISO, TimeZone UTC). They return
// nullopt on text they do not understand.
std::optional<int64_t> ParseInt(std::string_view text);
std::optional<double> ParseDouble(std::string_view text);
// "YYYY-MM-DD" -> days since 1970-01-01.
std::optional<int32_t> ParseDate(std::string_view text);
// "YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM]]" -> microseconds since the epoch, UTC.
std::optional<int64_t> ParseTimestamp(std::string_view text);

// A bound parameter in text form, with the type OID to declare (0 lets the server infer).
struct TextParam {
  std::optional<std::string> text;  // nullopt for NULL
  Oid type = 0;
};
TextParam ToTextParam(const Value& v);

// Appends `text` to a COPY ... FROM STDIN (text format) buffer, escaping backslashes, tabs
// and line breaks. InvalidArgument for text with a NUL byte, which PostgreSQL cannot store.
Status AppendCopyText(std::string_view text, std::string& out);

// The message of a failed result: the server's primary message, with its detail, hint and
// SQLSTATE, e.g. "permission denied for schema crm (SQLSTATE 42501)".
std::string ResultMessage(const PGresult* result);
// The status for a failed statement on `conn`: Unavailable when the connection is gone,
// otherwise a warehouse error saying `what` failed and why.
Status StatementError(PGconn* conn, const PGresult* result, std::string_view what,
                      int64_t statement_timeout_ms);

// Owns a PGresult.
struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

}  // namespace zcdp::pg
