// The worker pool (checklist §10 item 8): one key never on two workers at once, adds during a
// pass cause exactly one more, distinct keys run in parallel, stop() finishes queued keys.
// Deterministic: threads meet on latches, never on sleeps.

#include "operator/queue/worker_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <stdexcept>

#include "operator/queue/fake_clock.h"

namespace cop::queue {
namespace {

const ObjectKey kA{"default", "a"};
const ObjectKey kB{"default", "b"};

TEST(WorkerPool, NeverRunsOneKeyTwiceAtOnceButRunsDistinctKeysInParallel) {
  FakeClock clock;
  WorkQueue queue({.clock = &clock});
  std::latch aStarted(1);
  std::latch releaseA(1);
  std::latch bDone(1);
  std::atomic<int> aRuns = 0;
  std::atomic<int> aActive = 0;
  std::atomic<int> aMaxActive = 0;
  WorkerPool pool(
      queue,
      [&](const ObjectKey& key) {
        if (key == kB) {
          bDone.count_down();
          return;
        }
        const int active = ++aActive;
        int seen = aMaxActive.load();
        while (active > seen && !aMaxActive.compare_exchange_weak(seen, active)) {
        }
        if (++aRuns == 1) {
          aStarted.count_down();
          releaseA.wait();
        }
        --aActive;
      },
      2);

  queue.add(kA);
  aStarted.wait();  // worker 1 holds a
  for (int i = 0; i < 5; ++i) {
    queue.add(kA);  // marks a dirty; must not reach worker 2
  }
  queue.add(kB);
  bDone.wait();  // worker 2 ran b while a is held: distinct keys in parallel
  EXPECT_EQ(aRuns, 1);
  EXPECT_EQ(queue.len(), 0u);
  releaseA.count_down();
  pool.stop();          // finishes the re-queued a, then joins
  EXPECT_EQ(aRuns, 2);  // five adds during the pass: exactly one more pass
  EXPECT_EQ(aMaxActive, 1);
}

TEST(WorkerPool, StopFinishesQueuedKeysAndJoins) {
  FakeClock clock;
  WorkQueue queue({.clock = &clock});
  std::atomic<int> runs = 0;
  queue.add(kA);
  queue.add(kB);
  {
    WorkerPool pool(
        queue, [&](const ObjectKey&) { ++runs; }, 3);
    pool.stop();
    pool.stop();  // idempotent
  }
  EXPECT_EQ(runs, 2);
  EXPECT_TRUE(queue.shuttingDown());
}

TEST(WorkerPool, AThrowingHandlerCountsAsAFailureAndTheKeyIsDone) {
  FakeClock clock;
  WorkQueue queue({.clock = &clock});
  queue.add(kA);
  WorkerPool pool(queue, [](const ObjectKey&) { throw std::runtime_error("boom"); });
  pool.stop();
  EXPECT_EQ(queue.numRequeues(kA), 1);
  // done() was called: the drain has nothing in progress to wait for.
  queue.shutDownWithDrain();
}

}  // namespace
}  // namespace cop::queue
