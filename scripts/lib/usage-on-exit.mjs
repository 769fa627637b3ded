import { writeFileSync } from 'node:fs';

/** Preloaded into a benchmarked process (`node --import`): writes its peak RSS to CASEJURY_BENCH_USAGE when it exits. */
process.on('exit', () => {
  const file = process.env.CASEJURY_BENCH_USAGE;
  if (file) writeFileSync(file, JSON.stringify({ peakRssMb: process.resourceUsage().maxRSS / 1024 }));
});
