#include "parley/sqlite/database.h"

#include <utility>

namespace parley::sqlite {

using core::Errc;
using core::Result;

namespace {

sqlite3_int64 to_sql(std::uint64_t v) { return static_cast<sqlite3_int64>(v); }

core::Error storage_failure(const std::string& what) { return core::make_error(Errc::storage_failure, what); }

}  // namespace

// --- Statement ---------------------------------------------------------------------------------

Database::Statement::Statement(Statement&& other) noexcept
    : owner_(other.owner_), stmt_(std::exchange(other.stmt_, nullptr)), next_(other.next_), bind_rc_(other.bind_rc_) {}

Database::Statement::~Statement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Database::Statement& Database::Statement::bind(std::uint64_t v) { return note(sqlite3_bind_int64(stmt_, next_++, to_sql(v))); }

Database::Statement& Database::Statement::bind(core::BytesView v) {
  // A null pointer would bind NULL; an empty blob is not NULL.
  static const std::uint8_t kEmpty = 0;
  return note(sqlite3_bind_blob64(stmt_, next_++, v.empty() ? &kEmpty : v.data(), v.size(), SQLITE_STATIC));
}

Database::Statement& Database::Statement::bind_null() { return note(sqlite3_bind_null(stmt_, next_++)); }

Result<bool> Database::Statement::step() {
  if (bind_rc_ != SQLITE_OK) return owner_->failure("bind");
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return owner_->failure(sqlite3_sql(stmt_));
}

Result<void> Database::Statement::run() {
  PARLEY_TRY(bool row, step());
  (void)row;
  return {};
}

Result<std::size_t> Database::Statement::run_counting() {
  PARLEY_CHECK(run());
  return static_cast<std::size_t>(sqlite3_changes64(owner_->db_));
}

std::uint64_t Database::Statement::u64(int column) const {
  return static_cast<std::uint64_t>(sqlite3_column_int64(stmt_, column));
}

std::uint32_t Database::Statement::u32(int column) const {
  return static_cast<std::uint32_t>(sqlite3_column_int64(stmt_, column));
}

core::Bytes Database::Statement::bytes(int column) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  const int n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? core::Bytes{} : core::Bytes(p, p + n);
}

bool Database::Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

Database::Statement& Database::Statement::note(int rc) {
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

// --- Database ----------------------------------------------------------------------------------

core::Error Database::failure(const char* what) const {
  return storage_failure(std::string(what ? what : "sqlite") + ": " + sqlite3_errmsg(db_) + " (" +
                         std::to_string(sqlite3_extended_errcode(db_)) + ")");
}

Result<std::unique_ptr<Database>> Database::open(const std::filesystem::path& file, const Options& options,
                                                 Schema schema) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Database> database(new Database(db));  // closes db on every path
  if (rc != SQLITE_OK) return database->failure("open");
  PARLEY_CHECK(database->configure(options, schema));
  return database;
}

Database::~Database() {
  rollback();
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Result<void> Database::exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return failure(sql);
  return {};
}

Result<void> Database::configure(const Options& options, Schema schema) {
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, options.busy_timeout_ms);
  PARLEY_CHECK(exec("PRAGMA journal_mode = WAL"));
  PARLEY_CHECK(exec(options.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"));
  // The schema is created once, under the write lock, so connections opening together agree.
  PARLEY_CHECK(exec("BEGIN IMMEDIATE"));
  auto created = [&]() -> Result<void> {
    PARLEY_TRY(auto version, statement("PRAGMA user_version"));
    PARLEY_TRY(bool row, version.step());
    const std::uint64_t found = row ? version.u64(0) : 0;
    if (found == static_cast<std::uint64_t>(schema.version)) return {};
    if (found == 0) return exec(schema.sql);
    const auto from = static_cast<std::int64_t>(found) - schema.oldest;
    if (from < 0 || static_cast<std::size_t>(from) >= schema.upgrades.size() ||
        schema.oldest + static_cast<int>(schema.upgrades.size()) != schema.version)
      return storage_failure("unknown schema version " + std::to_string(found));
    for (auto i = static_cast<std::size_t>(from); i < schema.upgrades.size(); ++i) PARLEY_CHECK(exec(schema.upgrades[i]));
    return {};
  }();
  if (!created.ok()) {
    rollback();
    return created;
  }
  return commit();
}

Result<Database::Statement> Database::statement(const char* sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) return failure(sql);
    it = cache_.emplace(sql, stmt).first;
  }
  return Statement(this, it->second);
}

Result<void> Database::begin(bool write) {
  PARLEY_TRY(auto stmt, statement(write ? "BEGIN IMMEDIATE" : "BEGIN"));
  return stmt.run();
}

Result<void> Database::commit() {
  PARLEY_TRY(auto stmt, statement("COMMIT"));
  return stmt.run();
}

void Database::rollback_savepoint() noexcept {
  // Undoes the savepoint's changes and ends it; the outer transaction goes on (unless SQLite rolled
  // it back already, after which there is nothing to undo).
  if (!in_transaction()) return;
  sqlite3_exec(db_, "ROLLBACK TO nested", nullptr, nullptr, nullptr);
  sqlite3_exec(db_, "RELEASE nested", nullptr, nullptr, nullptr);
}

void Database::rollback() noexcept {
  if (db_ != nullptr && sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace parley::sqlite
