// The controller's result handling and metrics (kube-runtime.md §2.3, §7; checklist §10 items
// 8, 9, 22). Time is a FakeClock: retries and requeues fire when the test moves it, and threads
// meet on condition variables, never on sleeps.

#include "operator/reconcile/controller.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <latch>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

#include "operator/metrics/standard_families.h"
#include "operator/queue/exponential_rate_limiter.h"
#include "operator/queue/fake_clock.h"

namespace cop::reconcile {
namespace {

using namespace std::chrono_literals;

const Request kKey{"shop", "web"};
constexpr auto kPatience = std::chrono::seconds(20);

// Answers each pass from a script (then success), counting passes.
class ScriptedReconciler final : public Reconciler {
 public:
  std::function<void(const ReconcileContext&)> during;  // runs inside each pass

  void script(ReconcileResult result) {
    const std::lock_guard lock(mutex_);
    script_.push_back(std::move(result));
  }
  ReconcileResult reconcile(const ReconcileContext& context, const Request&) override {
    if (during) {
      during(context);
    }
    const std::lock_guard lock(mutex_);
    ++passes_;
    changed_.notify_all();
    if (script_.empty()) {
      return Result{};
    }
    ReconcileResult next = std::move(script_.front());
    script_.pop_front();
    return next;
  }
  int passes() const {
    const std::lock_guard lock(mutex_);
    return passes_;
  }
  bool awaitPasses(int count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kPatience, [&] { return passes_ >= count; });
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<ReconcileResult> script_;
  int passes_ = 0;
};

// The default limiter, recording each delay it hands out and each forget.
class RecordingLimiter final : public queue::RateLimiter {
 public:
  explicit RecordingLimiter(std::vector<std::string>* log) : log_(log) {}
  queue::Duration when(const queue::ObjectKey& key) override {
    const queue::Duration delay = inner_.when(key);
    log_->push_back("when " + std::to_string(delay / 1ms) + "ms");
    return delay;
  }
  void forget(const queue::ObjectKey& key) override {
    log_->push_back("forget");
    inner_.forget(key);
  }
  int numRequeues(const queue::ObjectKey& key) const override { return inner_.numRequeues(key); }

 private:
  queue::ExponentialRateLimiter inner_;
  std::vector<std::string>* log_;
};

struct Harness {
  explicit Harness(std::size_t workers = 1, logging::Logger logger = {}) {
    EXPECT_TRUE(metrics::registerStandardFamilies(registry));
    ControllerOptions options;
    options.name = "composestack";
    options.workers = workers;
    options.registry = &registry;
    options.clock = &clock;
    options.logger = std::move(logger);
    options.rateLimiter = std::make_unique<RecordingLimiter>(&limiterLog);
    options.onReconciled = [this](const ReconcileRecord& record) {
      const std::lock_guard lock(mutex);
      records.push_back(record);
    };
    auto created = Controller::create(std::move(options), reconciler);
    EXPECT_TRUE(created);
    controller = std::move(*created);
  }
  ~Harness() { controller->shutdown(kPatience); }

  double counter(std::string_view name, std::vector<std::string> labels) {
    return (*registry.counter(name, labels))->value();
  }
  double total(std::string_view result) {
    return counter(metrics::kReconcileTotal, {"composestack", std::string(result)});
  }
  // Lets the worker finish the pass it reported and park in the queue again.
  void settle() { clock.awaitWaiters(1); }

  metrics::Registry registry;
  queue::FakeClock clock;
  ScriptedReconciler reconciler;
  std::vector<std::string> limiterLog;
  std::mutex mutex;
  std::vector<ReconcileRecord> records;
  std::unique_ptr<Controller> controller;
};

TEST(Controller, FailuresRetryAtFiveTenTwentyMillisecondsAndSuccessResets) {
  Harness h;
  for (int i = 0; i < 3; ++i) {
    h.reconciler.script(Unexpected(ReconcileError::retriable("apiserver unavailable")));
  }
  h.controller->start();
  h.controller->enqueue(kKey);
  ASSERT_TRUE(h.reconciler.awaitPasses(1));
  h.settle();
  h.clock.advance(4ms);  // not yet: the first retry waits 5 ms
  h.settle();
  EXPECT_EQ(h.reconciler.passes(), 1);
  h.clock.advance(1ms);
  ASSERT_TRUE(h.reconciler.awaitPasses(2));
  h.settle();
  h.clock.advance(10ms);
  ASSERT_TRUE(h.reconciler.awaitPasses(3));
  h.settle();
  h.clock.advance(20ms);
  ASSERT_TRUE(h.reconciler.awaitPasses(4));
  h.settle();

  EXPECT_EQ(h.limiterLog,
            (std::vector<std::string>{"when 5ms", "when 10ms", "when 20ms", "forget"}));
  EXPECT_EQ(h.total(metrics::kResultError), 3);
  EXPECT_EQ(h.total(metrics::kResultSuccess), 1);
  EXPECT_EQ(h.counter(metrics::kReconcileErrorsTotal, {"composestack"}), 3);
  EXPECT_EQ(h.counter(metrics::kWorkqueueRetriesTotal, {"composestack", "composestack"}), 3);
  EXPECT_EQ(h.controller->workQueue().numRequeues(kKey), 0);
}

TEST(Controller, ATerminalErrorIsNotRetried) {
  Harness h;
  h.reconciler.script(Unexpected(ReconcileError::permanent("services.web.image: missing")));
  h.controller->start();
  h.controller->enqueue(kKey);
  ASSERT_TRUE(h.reconciler.awaitPasses(1));
  h.settle();
  h.clock.advance(std::chrono::hours(1));
  h.settle();
  EXPECT_EQ(h.reconciler.passes(), 1);
  EXPECT_EQ(h.counter(metrics::kTerminalReconcileErrorsTotal, {"composestack"}), 1);
  EXPECT_EQ(h.total(metrics::kResultError), 1);
  EXPECT_TRUE(h.limiterLog.empty());
  const std::lock_guard lock(h.mutex);
  ASSERT_EQ(h.records.size(), 1u);
  EXPECT_TRUE(h.records[0].terminal);
  EXPECT_EQ(h.records[0].error, "services.web.image: missing");
}

TEST(Controller, RequeueAfterForgetsFailuresAndComesBackAfterThatTime) {
  Harness h;
  h.reconciler.script(Unexpected(ReconcileError::retriable("conflict")));
  h.reconciler.script(Result{30s});
  h.controller->start();
  h.controller->enqueue(kKey);
  ASSERT_TRUE(h.reconciler.awaitPasses(1));
  h.settle();
  h.clock.advance(5ms);
  ASSERT_TRUE(h.reconciler.awaitPasses(2));
  h.settle();
  h.clock.advance(29s);
  h.settle();
  EXPECT_EQ(h.reconciler.passes(), 2);
  h.clock.advance(1s);
  ASSERT_TRUE(h.reconciler.awaitPasses(3));
  h.settle();
  EXPECT_EQ(h.total(metrics::kResultRequeueAfter), 1);
  EXPECT_EQ(h.limiterLog, (std::vector<std::string>{"when 5ms", "forget", "forget"}));
}

TEST(Controller, AnExceptionIsAPanicAndIsRetried) {
  Harness h;
  std::atomic<int> thrown = 0;
  h.reconciler.during = [&](const ReconcileContext&) {
    if (thrown++ == 0) {
      throw std::runtime_error("boom");
    }
  };
  h.controller->start();
  h.controller->enqueue(kKey);
  // The throwing pass counts no pass of its own: wait for its record (written after the key
  // was re-added rate-limited), then for the worker to park, and only then move time.
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::lock_guard lock(h.mutex);
    if (!h.records.empty()) {
      break;
    }
  }
  h.settle();
  h.clock.advance(5ms);
  ASSERT_TRUE(h.reconciler.awaitPasses(1));
  h.settle();
  EXPECT_EQ(h.counter(metrics::kReconcilePanicsTotal, {"composestack"}), 1);
  EXPECT_EQ(h.total(metrics::kResultError), 1);
  EXPECT_EQ(h.total(metrics::kResultSuccess), 1);
}

TEST(Controller, AddsDuringAPassCauseExactlyOneMorePass) {
  Harness h;
  std::latch inside(1);
  std::latch release(1);
  std::atomic<bool> first{true};
  h.reconciler.during = [&](const ReconcileContext&) {
    if (first.exchange(false)) {
      inside.count_down();
      release.wait();
    }
  };
  h.controller->start();
  h.controller->enqueue(kKey);
  inside.wait();
  for (int i = 0; i < 10; ++i) {
    h.controller->enqueue(kKey);
  }
  EXPECT_EQ(h.controller->activeWorkers(), 1u);
  release.count_down();
  ASSERT_TRUE(h.reconciler.awaitPasses(2));
  h.settle();
  EXPECT_EQ(h.reconciler.passes(), 2);
  EXPECT_EQ(h.counter(metrics::kWorkqueueAddsTotal, {"composestack", "composestack"}), 2);
}

TEST(Controller, EachPassHasItsOwnReconcileId) {
  Harness h;
  h.controller->start();
  for (int i = 0; i < 5; ++i) {
    h.controller->enqueue(Request{"shop", "s" + std::to_string(i)});
  }
  ASSERT_TRUE(h.reconciler.awaitPasses(5));
  h.settle();
  const std::lock_guard lock(h.mutex);
  std::set<std::string> ids;
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (const ReconcileRecord& record : h.records) {
    EXPECT_TRUE(std::regex_match(record.reconcileId, uuid)) << record.reconcileId;
    ids.insert(record.reconcileId);
    EXPECT_EQ(record.result, "success");
  }
  EXPECT_EQ(ids.size(), 5u);
}

TEST(Controller, ShutdownFinishesThePassInProgressAndStartsNoOther) {
  Harness h;
  std::latch inside(1);
  std::latch release(1);
  bool sawStop = false;
  h.reconciler.during = [&](const ReconcileContext& context) {
    inside.count_down();
    release.wait();
    sawStop = context.stop.stop_requested();
  };
  h.controller->start();
  h.controller->enqueue(kKey);
  inside.wait();
  h.controller->enqueue(Request{"shop", "queued"});
  std::thread releaser([&] {
    // Let shutdown() begin waiting, then end the pass.
    while (h.controller->workQueue().shuttingDown() == false) {
      std::this_thread::yield();
    }
    release.count_down();
  });
  EXPECT_TRUE(h.controller->shutdown(kPatience));
  releaser.join();
  EXPECT_TRUE(sawStop);                 // the pass in progress was told to stop
  EXPECT_EQ(h.reconciler.passes(), 1);  // the queued key was not started
  EXPECT_EQ(h.controller->activeWorkers(), 0u);
}

TEST(Controller, ShutdownReportsAPassThatOutlivesTheDeadline) {
  Harness h;
  std::latch inside(1);
  std::latch release(1);
  h.reconciler.during = [&](const ReconcileContext&) {
    inside.count_down();
    release.wait();
  };
  h.controller->start();
  h.controller->enqueue(kKey);
  inside.wait();
  EXPECT_FALSE(h.controller->shutdown(10ms));
  release.count_down();
  EXPECT_TRUE(h.controller->shutdown(kPatience));
}

TEST(Controller, MetricsStartAtZeroAndReportTheWorkerCount) {
  Harness h(3);
  const std::string text = h.registry.exposition();
  for (const char* result : {"success", "error", "requeue", "requeue_after"}) {
    EXPECT_NE(
        text.find(std::string("controller_runtime_reconcile_total{controller=\"composestack\","
                              "result=\"") +
                  result + "\"} 0"),
        std::string::npos)
        << result;
  }
  EXPECT_NE(
      text.find("controller_runtime_max_concurrent_reconciles{controller=\"composestack\"} 3"),
      std::string::npos);
}

TEST(Controller, EveryLineOfAPassCarriesTheKeyAndTheReconcileId) {
  std::ostringstream out;
  Harness h(1, logging::Logger(logging::LogSink::toStream(out, logging::kDebugLevel)));
  h.reconciler.during = [](const ReconcileContext& context) {
    context.logger.info("applying", {{"objects", 3}});
  };
  h.reconciler.script(Unexpected(ReconcileError::retriable("conflict on shop/web-env")));
  h.controller->start();
  h.controller->enqueue(kKey);
  ASSERT_TRUE(h.reconciler.awaitPasses(1));
  h.settle();
  std::string id;
  {
    const std::lock_guard lock(h.mutex);
    ASSERT_EQ(h.records.size(), 1u);
    id = h.records[0].reconcileId;
  }
  std::istringstream lines(out.str());
  std::vector<nlohmann::json> parsed;
  for (std::string line; std::getline(lines, line);) {
    parsed.push_back(nlohmann::json::parse(line));
  }
  ASSERT_EQ(parsed.size(), 2u);
  for (const nlohmann::json& line : parsed) {
    EXPECT_EQ(line.at("controller"), "composestack");
    EXPECT_EQ(line.at("namespace"), "shop");
    EXPECT_EQ(line.at("name"), "web");
    EXPECT_EQ(line.at("reconcileID"), id);
  }
  EXPECT_EQ(parsed[0].at("msg"), "applying");
  EXPECT_EQ(parsed[1].at("msg"), "Reconciler error");
  EXPECT_EQ(parsed[1].at("level"), "error");
  EXPECT_EQ(parsed[1].at("error"), "conflict on shop/web-env");
}

TEST(Controller, NeedsAName) {
  ScriptedReconciler reconciler;
  EXPECT_FALSE(Controller::create(ControllerOptions{}, reconciler));
}

}  // namespace
}  // namespace cop::reconcile
