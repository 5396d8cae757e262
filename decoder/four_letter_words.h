// The four-letter words a ZooKeeper server accepts on its client port before a handshake.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

namespace zkwire {

struct FourLetterWord {
  std::string_view word;
  std::string_view description;
  uint8_t extra_request_bytes;  // stmk sends an 8-byte trace mask after the word
};

// X(word, extra bytes after the word, description)
#define ZKWIRE_FOUR_LETTER_WORDS(X)                                  \
  X(conf, 0, "server configuration")                                 \
  X(cons, 0, "connection details")                                   \
  X(crst, 0, "reset connection statistics")                          \
  X(dirs, 0, "data and log directory sizes")                         \
  X(dump, 0, "sessions and ephemeral nodes")                         \
  X(envi, 0, "server environment")                                   \
  X(gtmk, 0, "get trace mask")                                       \
  X(ruok, 0, "liveness check (imok)")                                \
  X(stmk, 8, "set trace mask (an int64 mask follows)")               \
  X(srvr, 0, "server statistics")                                    \
  X(srst, 0, "reset server statistics")                              \
  X(stat, 0, "server statistics and client list")                    \
  X(wchc, 0, "watches by session")                                   \
  X(wchp, 0, "watches by path")                                      \
  X(wchs, 0, "watch summary")                                        \
  X(mntr, 0, "monitoring key/value output")                          \
  X(isro, 0, "read-only check (ro/rw)")                              \
  X(hash, 0, "digest of the data tree")

std::span<const FourLetterWord> all_four_letter_words();
// The word the 4 bytes spell, when they spell a known one.
const FourLetterWord* find_four_letter_word(std::span<const uint8_t> first_four_bytes);

}  // namespace zkwire
