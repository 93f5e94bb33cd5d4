// A blob transfer's files (spec §12.3): an upload read from the encrypted upload file, a download
// appended to a partial file that only the user may read. A download broken off (a dropped
// connection, a killed client) resumes where the partial file ends.
#pragma once

#include <filesystem>
#include <memory>

#include "parley/client/blob_io.h"

namespace parley::client {

// `storage_failure` when the file cannot be opened.
core::Result<std::shared_ptr<BlobSource>> open_blob_source(const std::filesystem::path& file);
// Creates the file (0600) or opens it to append to what it holds.
core::Result<std::shared_ptr<BlobSink>> open_blob_sink(const std::filesystem::path& file);

}  // namespace parley::client
