// The SQLite storage engine, the server's embedded default: one database file in WAL mode with
// synchronous=FULL, so a committed transaction survives a crash or power loss.
#pragma once

#include <filesystem>
#include <memory>

#include "parley/server/store/backend.h"
#include "parley/server/store/settings.h"

namespace parley::server {

class Store;

struct SqliteOptions {
  // How long a connection waits for another connection's write transaction before the operation
  // fails with storage_failure. Write transactions are short (one batch), so 5 s means trouble.
  int busy_timeout_ms = 5000;
  // synchronous=FULL: every commit is synced to disk. Only tests that measure nothing durable may
  // turn it off (NORMAL keeps WAL's crash safety but may lose the last commits on power loss).
  bool synchronous_full = true;
};

// Opens (creating if needed) the database file and its schema. storage_failure if the file cannot
// be opened or has a schema version this build does not know.
Result<std::unique_ptr<StorageBackend>> open_sqlite_backend(const std::filesystem::path& file,
                                                            const SqliteOptions& options = {});

Result<Store> open_sqlite_store(const std::filesystem::path& file, StoreSettings settings, Clock clock,
                                const SqliteOptions& options = {});

}  // namespace parley::server
