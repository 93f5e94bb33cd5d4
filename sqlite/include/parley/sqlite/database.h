// One SQLite connection as Parley uses SQLite everywhere (the server's store, spec §7.1, and each
// client device's store): WAL mode, synchronous=FULL by default, a schema created once under the
// write lock and versioned by user_version, prepared statements cached for the connection's life,
// write transactions that take the write lock at BEGIN, and every SQLite error a storage_failure
// that names the statement. No exception leaves it.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/core/transaction.h"

namespace parley::sqlite {

struct Options {
  // How long a connection waits for another connection's write transaction before the operation
  // fails with storage_failure. Write transactions are short, so 5 s means trouble.
  int busy_timeout_ms = 5000;
  // synchronous=FULL: every commit is synced to disk. Only tests that measure nothing durable may
  // turn it off (NORMAL keeps WAL's crash safety but may lose the last commits on power loss).
  bool synchronous_full = true;
};

// The schema a database file must have: `sql` creates it in an empty file and sets
// PRAGMA user_version to `version`. A file of an older version is upgraded, in the same
// transaction, by `upgrades`: upgrades[i] takes a file from version `oldest + i` to the next and
// sets its user_version. A file of any other version is refused.
struct Schema {
  const char* sql;
  int version;
  std::vector<const char*> upgrades = {};
  int oldest = 0;  // the version upgrades[0] starts from
};

class Database {
 public:
  // Opens (creating if needed) the file and its schema: storage_failure if it cannot.
  static core::Result<std::unique_ptr<Database>> open(const std::filesystem::path& file, const Options& options,
                                                      Schema schema);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // A cached statement in use: bound by position in order, reset when it goes out of scope.
  class Statement {
   public:
    Statement(Database* owner, sqlite3_stmt* stmt) : owner_(owner), stmt_(stmt) {}
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    ~Statement();

    Statement& bind(std::uint64_t v);
    Statement& bind(core::BytesView v);  // an empty blob is not NULL
    Statement& bind_null();

    // true: a row is ready; false: done.
    core::Result<bool> step();
    // Every row, each made into a T by `read`.
    template <typename T, typename Read>
    core::Result<std::vector<T>> rows(Read read) {
      std::vector<T> out;
      for (;;) {
        PARLEY_TRY(bool row, step());
        if (!row) return out;
        out.push_back(read(*this));
      }
    }
    // Runs a statement that returns no rows (or ignores them).
    core::Result<void> run();
    // As run(), returning how many rows it changed.
    core::Result<std::size_t> run_counting();

    std::uint64_t u64(int column) const;
    std::uint32_t u32(int column) const;
    core::Bytes bytes(int column) const;
    bool is_null(int column) const;

   private:
    Statement& note(int rc);
    Database* owner_;
    sqlite3_stmt* stmt_;
    int next_ = 1;
    int bind_rc_ = SQLITE_OK;
  };

  // The prepared statement for `sql` (a string literal: cached by its address).
  core::Result<Statement> statement(const char* sql);
  core::Result<void> exec(const char* sql);

  // IMMEDIATE (write) takes the write lock at BEGIN, waiting up to busy_timeout, instead of at the
  // first write, where SQLite would fail at once to avoid a deadlock between two readers.
  core::Result<void> begin(bool write);
  core::Result<void> commit();
  // Safe at any time: SQLite may already have rolled back (after SQLITE_FULL, an I/O error, a
  // failed COMMIT).
  void rollback() noexcept;
  bool in_transaction() const { return db_ != nullptr && sqlite3_get_autocommit(db_) == 0; }

  // Runs `body` (which returns a core::Result) as one write transaction, all or nothing. Inside a
  // transaction already open it is a savepoint of that one: all or nothing on its own, and
  // committed (or not) with it.
  template <typename Body>
  auto transaction(Body&& body) -> decltype(body()) {
    if (!in_transaction())
      return core::in_transaction([&] { return begin(true); }, [&] { return commit(); }, [&] { rollback(); },
                                  std::forward<Body>(body));
    return core::in_transaction([&] { return exec("SAVEPOINT nested"); }, [&] { return exec("RELEASE nested"); },
                                [&] { rollback_savepoint(); }, std::forward<Body>(body));
  }

  // storage_failure naming `what` with SQLite's message and extended code.
  core::Error failure(const char* what) const;
  // The raw connection, for tests that simulate failures (a full disk, a failing commit).
  sqlite3* handle() { return db_; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  core::Result<void> configure(const Options& options, Schema schema);

  void rollback_savepoint() noexcept;

  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
};

}  // namespace parley::sqlite
