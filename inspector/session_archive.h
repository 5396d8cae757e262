// Where the inspector hands a session's final state before it forgets it (the summary keeps its entry).
#pragma once
#include "inspector/session_state.h"

namespace zkwire {

class SessionArchive {
 public:
  virtual ~SessionArchive() = default;
  virtual void archive(const SessionState& session) = 0;
};

}  // namespace zkwire
