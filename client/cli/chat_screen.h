// `parley chat`'s live screen (README): the conversation redrawn whenever a message arrives or a
// tick moves, read as it is shown (read receipts go out), and a line editor at the bottom that a
// redraw does not disturb: on a terminal the keyboard is read key by key (no echo, no line
// buffering, restored on leaving, also on Ctrl-C), from a pipe line by line.
#pragma once

#include "command_run.h"  // first: Asio

namespace parley::cli {

// Runs until /quit, end of input, Ctrl-C or a lost connection; the exit status.
asio::awaitable<int> run_chat_screen(CommandRun& session, std::uint64_t chat);

}  // namespace parley::cli
