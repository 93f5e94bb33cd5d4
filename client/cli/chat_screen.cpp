#include "chat_screen.h"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/streambuf.hpp>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <iostream>

#include "render.h"

namespace parley::cli {

using core::Errc;
using namespace std::chrono_literals;

namespace {

// The terminal in key-by-key mode for as long as it lives (stdin a terminal only).
class RawKeyboard {
 public:
  RawKeyboard() {
    if (::isatty(STDIN_FILENO) != 1 || ::tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios raw = saved_;
    raw.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO));  // ISIG stays: Ctrl-C is a signal we catch
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    active_ = ::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  }
  ~RawKeyboard() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }
  RawKeyboard(const RawKeyboard&) = delete;
  RawKeyboard& operator=(const RawKeyboard&) = delete;
  bool active() const { return active_; }

 private:
  termios saved_{};
  bool active_ = false;
};

// What the screen loop and the keyboard reader share.
struct ChatState {
  ChatState(asio::any_io_executor ex, bool key_by_key) : input(ex), raw(key_by_key) {}
  asio::posix::stream_descriptor input;
  const bool raw;
  std::string typed;   // the line being written
  bool done = false;
  bool dirty = false;  // a line was sent: show it before its tick comes
};

std::size_t screen_rows() {
  winsize w{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_row > 6) return w.ws_row;
  return 24;
}

void draw_prompt(const ChatState& state) { std::cout << "\r\x1b[2K> " << state.typed << std::flush; }

asio::awaitable<void> send_line(client::Client* c, std::uint64_t chat, std::string line, const Terminal* term) {
  auto sent = client::is_group_chat(chat) ? co_await c->send_group_text(chat, std::move(line))
                                           : co_await c->send_text(chat, std::move(line));
  if (!sent.ok()) term->error("a message was not sent", sent.error());
}

// A finished line: a message, /quit, or nothing.
void submit(ChatState& state, client::Client* c, std::uint64_t chat, const Terminal* term, asio::any_io_executor ex) {
  std::string line = std::move(state.typed);
  state.typed.clear();
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line == "/quit") {
    state.done = true;
    return;
  }
  if (line.empty()) return;
  state.dirty = true;
  asio::co_spawn(ex, send_line(c, chat, std::move(line), term), asio::detached);
}

// One key (byte) of a terminal: printable bytes (UTF-8 included) are typed, Backspace removes a
// character, Ctrl-U the line, Enter submits, Ctrl-D on an empty line leaves; escape sequences
// (arrows and the like) are skipped.
void on_key(ChatState& state, unsigned char key, int& escape, client::Client* c, std::uint64_t chat,
            const Terminal* term, asio::any_io_executor ex) {
  if (escape > 0) {  // ESC [ ... final byte (0x40 to 0x7e)
    if (escape == 1 && key != '[' && key != 'O') escape = 0;
    else if (escape > 1 && key >= 0x40 && key <= 0x7e) escape = 0;
    else ++escape;
    return;
  }
  switch (key) {
    case 0x1b: escape = 1; return;
    case '\r':
    case '\n': submit(state, c, chat, term, ex); return;
    case 0x7f:
    case 0x08:
      while (!state.typed.empty() && (static_cast<unsigned char>(state.typed.back()) & 0xc0) == 0x80) state.typed.pop_back();
      if (!state.typed.empty()) state.typed.pop_back();
      return;
    case 0x15: state.typed.clear(); return;
    case 0x04:
      if (state.typed.empty()) state.done = true;
      return;
    default:
      if (key >= 0x20) state.typed.push_back(static_cast<char>(key));
  }
}

asio::awaitable<void> read_keyboard(std::shared_ptr<ChatState> state, client::Client* c, std::uint64_t chat,
                                    const Terminal* term) {
  const auto ex = co_await asio::this_coro::executor;
  if (!state->raw) {  // a pipe: whole lines
    asio::streambuf buffer;
    while (!state->done) {
      boost::system::error_code ec;
      co_await asio::async_read_until(state->input, buffer, '\n', asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      std::istream in(&buffer);
      std::getline(in, state->typed);
      submit(*state, c, chat, term, ex);
    }
    state->done = true;
    co_return;
  }
  std::array<unsigned char, 256> keys{};
  int escape = 0;
  while (!state->done) {
    boost::system::error_code ec;
    const auto n = co_await state->input.async_read_some(asio::buffer(keys), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    for (std::size_t i = 0; i < n && !state->done; ++i) on_key(*state, keys[i], escape, c, chat, term, ex);
    if (!state->done) draw_prompt(*state);
  }
  state->done = true;
}

}  // namespace

asio::awaitable<int> run_chat_screen(CommandRun& session, std::uint64_t chat) {
  auto& c = *session.client;
  const auto& term = session.term;
  const auto& profile = session.profile;
  const auto ex = co_await asio::this_coro::executor;
  const RawKeyboard keyboard;
  auto state = std::make_shared<ChatState>(ex, keyboard.active());
  state->input.assign(::dup(STDIN_FILENO));
  // Ctrl-C and SIGTERM leave like /quit, so that the terminal gets its modes back.
  asio::signal_set signals(ex, SIGINT, SIGTERM);
  signals.async_wait([state](const boost::system::error_code& ec, int) {
    if (ec) return;
    state->done = true;
    state->input.close();
  });
  const auto redraw = [&] {
    if (term.interactive()) std::cout << "\x1b[H\x1b[2J";
    std::cout << render_chat(c, chat, profile, term, screen_rows() - 4, term.interactive()) << "\n"
              << term.dim("type a message and press Enter; /quit to leave") << "\n";
    draw_prompt(*state);
  };
  asio::co_spawn(ex, read_keyboard(state, &c, chat, &term), asio::detached);
  redraw();
  int status = 0;
  std::size_t seen = c.events().size();
  while (!state->done) {
    auto waited = co_await c.wait_for_events(seen, 250ms);
    if (!waited.ok() && waited.code() != Errc::timed_out) {
      std::cout << "\n";
      term.error("the connection to the server was lost", waited.error());
      status = 1;
      break;
    }
    bool changed = std::exchange(state->dirty, false), incoming = false;
    const auto& events = c.events();
    for (; seen < events.size(); ++seen) {
      if (const auto* m = std::get_if<client::MessageEvent>(&events[seen]); m && m->message.chat == chat) {
        changed = true;
        incoming = incoming || m->message.direction == client::Direction::incoming;
      }
      if (const auto* t = std::get_if<client::TicksEvent>(&events[seen]); t && t->chat == chat) changed = true;
      if (const auto* f = std::get_if<client::FailedEvent>(&events[seen]); f && f->message_id != 0) changed = true;
      if (const auto* i = std::get_if<client::IdentityChangeEvent>(&events[seen]))
        term.notice("\n! the identity key of " + profile.name_of(i->account) + "'s device " + std::to_string(i->device) +
                    " changed: check with them, then `parley trust " + profile.name_of(i->account) + " " +
                    std::to_string(i->device) + "`");
    }
    // What arrives while the chat is on the screen is read.
    if (incoming)
      if (auto read = co_await c.mark_read(chat); !read.ok()) term.error("read receipts were not sent", read.error());
    if (changed) redraw();
  }
  signals.cancel();
  state->input.close();
  std::cout << std::endl;
  co_return status;
}

}  // namespace parley::cli
