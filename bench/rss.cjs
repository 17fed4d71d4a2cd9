// Preloaded into the CLI by bench/run.mjs and bench/memory.mjs (`node -r`): writes the process's
// peak resident set size in kilobytes to the file KTL_BENCH_RSS_FILE names when the process exits.
const fs = require('node:fs');

// The main thread's only: a preload runs in the CLI's reading worker too, which exits early.
if (require('node:worker_threads').isMainThread)
  process.on('exit', () => {
    const file = process.env.KTL_BENCH_RSS_FILE;
    if (file) fs.writeFileSync(file, String(process.resourceUsage().maxRSS));
  });
