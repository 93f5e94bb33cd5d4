// How `parley` shows a conversation (README): each message with its time and who wrote it, and
// ours with their ticks, as a person knows them from WhatsApp: ✓ the server has it, ✓✓ a device
// of theirs has it, blue ✓✓ read. The words are printed too, so that the ticks read without colour.
#pragma once

#include <string>
#include <vector>

#include "parley/client/client.h"
#include "profile.h"
#include "terminal.h"

namespace parley::cli {

std::string render_ticks(protocol::receipts::Status status, const Terminal& term);

// One line: "12:04:05  you: text  ✓✓ read".
std::string render_message(client::Client& client, const client::StoredMessage& m, const Profile& profile,
                           const Terminal& term);

// The chat under a title line: as many of its last messages as fit in `rows` lines (0: all), with
// each image's thumbnail drawn under it when `pictures`.
std::string render_chat(client::Client& client, std::uint64_t chat, const Profile& profile, const Terminal& term,
                        std::size_t rows = 0, bool pictures = false);

}  // namespace parley::cli
