// Everything one device is (spec §8.6), behind one interface made of the store interfaces (as
// libsignal separates its store traits from its protocol): identity and prekeys, sessions, device
// lists, messages and receipts, and the outbox. Two implementations: SQLite, the device's own file
// (sqlite_device_store.h), and memory (memory_device_store.h), which the simulation and the
// failure-injection tests use.
//
// The unit of work (spec §8.6): everything one engine input changes, across all of the interfaces,
// commits in one transaction. The engine opens it (UnitOfWork) around each input and lets no frame
// leave before it committed; a write called outside one is a unit of work of its own.
#pragma once

#include "parley/client/store/device_list_store.h"
#include "parley/client/store/group_store.h"
#include "parley/client/store/identity_store.h"
#include "parley/client/store/message_store.h"
#include "parley/client/store/outbox_store.h"
#include "parley/client/store/session_store.h"

namespace parley::client {

class DeviceStore : public IdentityStore,
                    public SessionStore,
                    public DeviceListStore,
                    public MessageStore,
                    public OutboxStore,
                    public GroupStore {
 public:
  // One transaction around everything until commit() or rollback(). Not nested: the engine opens
  // one per input.
  virtual core::Result<void> begin() = 0;
  // Durable when it returns.
  virtual core::Result<void> commit() = 0;
  // Back to what the last commit left; safe at any time.
  virtual void rollback() noexcept = 0;
  // Forward secrecy at rest (spec §9): what earlier commits superseded (a chain key, a used message
  // key, a consumed prekey) leaves every file of the store. A store that keeps nothing on disk has
  // nothing to do.
  virtual core::Result<void> checkpoint() { return {}; }
};

// A unit of work: begun when made, rolled back when it goes unless committed.
class UnitOfWork {
 public:
  explicit UnitOfWork(DeviceStore& store) : store_(store), begun_(store.begin()) {}
  ~UnitOfWork() {
    if (open_) store_.rollback();
  }
  UnitOfWork(const UnitOfWork&) = delete;
  UnitOfWork& operator=(const UnitOfWork&) = delete;

  // The error of begin(), if it failed (nothing is open then).
  const core::Result<void>& begun() const { return begun_; }
  core::Result<void> commit() {
    open_ = false;
    auto committed = store_.commit();
    if (!committed.ok()) store_.rollback();
    return committed;
  }

 private:
  DeviceStore& store_;
  core::Result<void> begun_;
  bool open_ = begun_.ok();
};

}  // namespace parley::client
