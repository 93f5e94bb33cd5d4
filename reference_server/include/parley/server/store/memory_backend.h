// The in-memory storage engine: the same semantics as SQLite (Store holds them all), no disk. For
// fast tests and fuzz targets. Several backends over one MemoryDatabase behave like several
// connections to one SQLite file: a write transaction holds the database's lock until it ends.
#pragma once

#include <memory>

#include "parley/server/store/backend.h"
#include "parley/server/store/settings.h"

namespace parley::server {

class Store;
class MemoryDatabase;

std::shared_ptr<MemoryDatabase> make_memory_database();
std::unique_ptr<StorageBackend> make_memory_backend(std::shared_ptr<MemoryDatabase> database);

// A Store over a fresh (or the given) in-memory database.
Store make_memory_store(StoreSettings settings, Clock clock,
                        std::shared_ptr<MemoryDatabase> database = make_memory_database());

}  // namespace parley::server
