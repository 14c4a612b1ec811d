#include "zcdp/generate/generator.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "generate/emitter.h"
#include "generate/options.h"
#include "generate/output.h"
#include "generate/report.h"
#include "generate/truth.h"

namespace zcdp {
namespace {

// What one worker thread owns.
struct Worker {
  std::unique_ptr<synth::BatchTarget> target;
  std::unique_ptr<synth::TruthPart> truth;
  synth::Tally tally;
  Status status;
};

// One run of the generator: batches of persons handed out to worker threads.
class Run {
 public:
  Run(const GeneratorOptions& options, synth::Output& output)
      : options_(options),
        output_(output),
        world_(synth::MakeWorld(options.seed, synth::AsOfDays(options))),
        batch_(synth::BatchPersons(options)),
        batches_((options.profiles + batch_ - 1) / batch_) {}

  Status Open();
  Status Execute();
  // Merges the workers' tallies and truth parts; closes their targets.
  Result<synth::Tally> Finish();

 private:
  void Work(Worker& w);
  Status RunBatch(Worker& w, int64_t batch);
  void ReportProgress();
  std::string TruthDir() const { return options_.out_dir + "/truth"; }

  const GeneratorOptions& options_;
  synth::Output& output_;
  const synth::World world_;
  const int64_t batch_;
  const int64_t batches_;
  std::vector<Worker> workers_;
  std::atomic<int64_t> next_batch_{0};
  std::atomic<int64_t> done_persons_{0};
  std::atomic<bool> failed_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  int running_ = 0;  // GUARDED_BY(mu_)
};

Status Run::Open() {
  workers_.resize(synth::ThreadCount(options_, batches_));
  for (size_t i = 0; i < workers_.size(); ++i) {
    ZCDP_ASSIGN_OR_RETURN(workers_[i].target, output_.OpenTarget());
    const std::string part = TruthDir() + "/persons.part-" + std::to_string(i) + ".csv";
    ZCDP_ASSIGN_OR_RETURN(workers_[i].truth, synth::TruthPart::Create(part));
  }
  return Status::Ok();
}

Status Run::Execute() {
  std::vector<std::thread> threads;
  running_ = static_cast<int>(workers_.size());
  Status started;
  try {
    for (Worker& w : workers_) threads.emplace_back([this, &w] { Work(w); });
  } catch (const std::system_error& e) {
    started = Status::Internal(std::string("cannot start a generator thread: ") + e.what());
    failed_ = true;  // the started workers stop after their batch
    std::lock_guard lock(mu_);
    running_ -= static_cast<int>(workers_.size() - threads.size());
  }
  ReportProgress();
  for (std::thread& t : threads) t.join();
  ZCDP_RETURN_IF_ERROR(started);
  for (const Worker& w : workers_) ZCDP_RETURN_IF_ERROR(w.status);
  return Status::Ok();
}

// Calls the progress callback from this (the caller's) thread until the workers are done.
void Run::ReportProgress() {
  std::unique_lock lock(mu_);
  while (running_ > 0) {
    cv_.wait_for(lock, std::chrono::milliseconds(200));
    if (options_.progress && running_ > 0) {
      options_.progress(static_cast<double>(done_persons_) / options_.profiles);
    }
  }
}

void Run::Work(Worker& w) {
  while (!failed_ && w.status.ok()) {
    const int64_t batch = next_batch_++;
    if (batch >= batches_) break;
    w.status = RunBatch(w, batch);
  }
  if (w.status.ok()) w.status = w.target->Finish();
  if (w.status.ok()) w.status = w.truth->Finish();
  if (!w.status.ok()) failed_ = true;
  std::lock_guard lock(mu_);
  --running_;
  cv_.notify_all();
}

Status Run::RunBatch(Worker& w, int64_t batch) {
  synth::PersonEmitter emitter(world_, w.target->sink(), w.tally);
  const int64_t first = batch * batch_;
  const int64_t last = std::min(options_.profiles, first + batch_);
  for (int64_t p = first; p < last; ++p) {
    ZCDP_RETURN_IF_ERROR(emitter.Emit(p));
    ZCDP_RETURN_IF_ERROR(w.truth->Write(batch, p, emitter.ids(), &w.tally.truth_rows));
  }
  ZCDP_RETURN_IF_ERROR(w.target->EndBatch(batch));
  done_persons_ += last - first;
  return Status::Ok();
}

Result<synth::Tally> Run::Finish() {
  synth::Tally total;
  std::vector<const synth::TruthPart*> parts;
  for (Worker& w : workers_) {
    total.Merge(w.tally);
    parts.push_back(w.truth.get());
    w.target.reset();  // closes the worker's connection
  }
  ZCDP_RETURN_IF_ERROR(output_.Finish());
  ZCDP_RETURN_IF_ERROR(synth::MergeTruth(parts, TruthDir() + "/persons.csv"));
  return total;
}

Result<std::unique_ptr<synth::Output>> OpenOutput(const GeneratorOptions& options) {
  switch (options.format) {
    case GeneratorFormat::kParquet:
      return synth::OpenParquetOutput(options.out_dir);
    case GeneratorFormat::kPostgres:
      return synth::OpenPostgresOutput(options);
    case GeneratorFormat::kDuckDb:
      break;
  }
  return synth::OpenDuckDbOutput(options.out_dir);
}

// Leaves no half-written truth behind after a failure.
void RemoveTruthParts(const std::string& out_dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(out_dir + "/truth", ec)) {
    if (entry.path().filename().string().rfind("persons.part-", 0) == 0) {
      std::filesystem::remove(entry.path(), ec);
    }
  }
}

Result<GeneratorStats> GenerateIn(const GeneratorOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  synth::Tally tally;
  {
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<synth::Output> output, OpenOutput(options));
    Run run(options, *output);
    ZCDP_RETURN_IF_ERROR(run.Open());
    ZCDP_RETURN_IF_ERROR(run.Execute());
    ZCDP_ASSIGN_OR_RETURN(tally, run.Finish());
  }  // closes the warehouse before the run is declared complete
  const std::string truth = options.out_dir + "/truth";
  ZCDP_RETURN_IF_ERROR(synth::WriteSharedCsv(truth + "/shared.csv", tally));
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  GeneratorStats stats = synth::ToStats(tally, took.count());
  ZCDP_RETURN_IF_ERROR(synth::WriteStatsJson(truth + "/stats.json", options, stats));
  if (options.progress) options.progress(1.0);
  return stats;
}

}  // namespace

Result<GeneratorStats> Generate(const GeneratorOptions& options) {
  ZCDP_RETURN_IF_ERROR(synth::ValidateOptions(options));
  ZCDP_RETURN_IF_ERROR(synth::PrepareOutDir(options));
  Result<GeneratorStats> result = GenerateIn(options);
  if (!result.ok()) RemoveTruthParts(options.out_dir);
  return result;
}

}  // namespace zcdp
