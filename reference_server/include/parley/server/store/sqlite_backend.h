// The SQLite storage engine, the server's embedded default: one database file in WAL mode with
// synchronous=FULL, so a committed transaction survives a crash or power loss.
#pragma once

#include "parley/sqlite/database.h"

#include <filesystem>
#include <memory>

#include "parley/server/store/backend.h"
#include "parley/server/store/settings.h"

namespace parley::server {

class Store;

using SqliteOptions = sqlite::Options;

// Opens (creating if needed) the database file and its schema. storage_failure if the file cannot
// be opened or has a schema version this build does not know.
Result<std::unique_ptr<StorageBackend>> open_sqlite_backend(const std::filesystem::path& file,
                                                            const SqliteOptions& options = {});

Result<Store> open_sqlite_store(const std::filesystem::path& file, StoreSettings settings, Clock clock,
                                const SqliteOptions& options = {});

}  // namespace parley::server
