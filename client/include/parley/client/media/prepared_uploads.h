// An attachment prepared for a send outlives the client (spec §12.3): `parley send --file` killed
// during its upload, run again with the same file, goes on with the same media key and so the same
// upload, which the server already partly holds, instead of starting over under a new key. Each
// prepared upload `<hash>.enc` in the upload folder has a record `<hash>.pending` beside it: the
// message's description and which file it was made from (its path, size and modification time),
// written once the upload is complete and removed with it once the message is sent.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "parley/client/media/attachment.h"

namespace parley::client::media {

// Records that `prepared` was made from `source`. The record holds the media key: it lives in the
// user's private media folder, like the upload and the device store.
core::Result<void> remember_prepared(const PreparedAttachment& prepared, const std::filesystem::path& source);

// The attachment prepared earlier from `source` as it is now (same path, size and modification
// time) with this media type and caption, whose upload is still there; nullopt when there is none.
// A record that cannot be read is skipped (and prepared afresh), never trusted.
std::optional<PreparedAttachment> find_prepared(const std::filesystem::path& upload_dir,
                                                const std::filesystem::path& source, const std::string& media_type,
                                                const std::string& caption);

// Removes a sent attachment's upload and record.
void forget_prepared(const PreparedAttachment& prepared);

}  // namespace parley::client::media
