// Test-only switches that put back defects the engine had (the adversary issue's 1, 2, 3 and 9), so
// that a test can show the adversarial simulation finds each of them (spec §9): a simulation that
// stopped finding bugs would otherwise pass in silence. They exist only in the mutant build of the
// client library (PARLEY_MUTATION_HOOKS, client/CMakeLists.txt), which only the mutation tests
// link; in every other build each switch is the constant false and the code behind it is gone.
#pragma once

#include <optional>
#include <string_view>

namespace parley::client::mutation {

enum class Defect {
  none,
  retry_any_asker,      // 1: a retry is answered for any device that asks
  unlisted_sender,      // 2: an incoming session is not checked against the sender's verified list
  own_list_unanchored,  // 3: a companion trusts the key its own account's first list names
  split_receive,        // 9: a received message's session commits before, and apart from, the message
};

constexpr std::string_view name_of(Defect d) {
  switch (d) {
    case Defect::none: return "none";
    case Defect::retry_any_asker: return "retry_any_asker";
    case Defect::unlisted_sender: return "unlisted_sender";
    case Defect::own_list_unanchored: return "own_list_unanchored";
    case Defect::split_receive: return "split_receive";
  }
  return "none";
}

// The defect a test's PARLEY_MUTATION names, by the enumerator's name; nullopt for any other name.
inline std::optional<Defect> defect_named(std::string_view name) {
  for (const auto d : {Defect::retry_any_asker, Defect::unlisted_sender, Defect::own_list_unanchored, Defect::split_receive}) {
    if (name == name_of(d)) return d;
  }
  return std::nullopt;
}

#ifdef PARLEY_MUTATION_HOOKS
inline Defect active = Defect::none;
inline bool on(Defect d) { return active == d; }
#else
constexpr bool on(Defect) { return false; }
#endif

}  // namespace parley::client::mutation
