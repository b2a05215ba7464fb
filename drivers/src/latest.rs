//! A one-slot mailbox between a capture thread and the UI: the producer replaces what the
//! consumer has not taken yet, so a slow consumer always gets the newest frame and never a
//! backlog. Counts what it dropped, so a benchmark can show it.

use std::sync::{Arc, Mutex, MutexGuard};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Values put in.
    pub put: u64,
    /// Values replaced before anyone took them.
    pub dropped: u64,
}

struct Slot<T> {
    value: Option<T>,
    counts: Counts,
}

/// Both ends of the mailbox (clone it to hand one to the producer).
pub struct Latest<T> {
    slot: Arc<Mutex<Slot<T>>>,
}

impl<T> Clone for Latest<T> {
    fn clone(&self) -> Self {
        Latest { slot: self.slot.clone() }
    }
}

impl<T> Default for Latest<T> {
    fn default() -> Self {
        Latest { slot: Arc::new(Mutex::new(Slot { value: None, counts: Counts::default() })) }
    }
}

impl<T> Latest<T> {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Slot<T>> {
        // A producer that panicked leaves a consistent slot: a value or none.
        self.slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Puts a value, replacing one not yet taken.
    pub fn put(&self, value: T) {
        let mut s = self.lock();
        s.counts.put += 1;
        if s.value.replace(value).is_some() {
            s.counts.dropped += 1;
        }
    }

    /// Takes the newest value, if one came since the last take.
    pub fn take(&self) -> Option<T> {
        self.lock().value.take()
    }

    pub fn counts(&self) -> Counts {
        self.lock().counts
    }
}
