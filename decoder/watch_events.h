// Names of the watch event types and keeper states that notifications carry (Watcher.Event).
#pragma once
#include <cstdint>
#include <string_view>

namespace zkwire {

constexpr std::string_view watch_event_type_name(int32_t type) {
  switch (type) {
    case -1: return "None";
    case 1: return "NodeCreated";
    case 2: return "NodeDeleted";
    case 3: return "NodeDataChanged";
    case 4: return "NodeChildrenChanged";
    case 5: return "DataWatchRemoved";
    case 6: return "ChildWatchRemoved";
    case 7: return "PersistentWatchRemoved";
    default: return {};
  }
}

constexpr std::string_view keeper_state_name(int32_t state) {
  switch (state) {
    case -1: return "Unknown";
    case 0: return "Disconnected";
    case 1: return "NoSyncConnected";
    case 3: return "SyncConnected";
    case 4: return "AuthFailed";
    case 5: return "ConnectedReadOnly";
    case 6: return "SaslAuthenticated";
    case 7: return "Closed";
    case -112: return "Expired";
    default: return {};
  }
}

}  // namespace zkwire
