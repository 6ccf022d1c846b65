// Where a server's allocations come from, collected objects included (node's own --heap-prof
// keeps only what is still alive at exit, which on a request path is almost nothing).
// Load it into the children: BENCH_NODE_FLAGS="--require ./bench/lib/heap-sampler.cjs";
// each writes heap.<pid>.heapprofile into BENCH_HEAP_PROFILE (default: the system's temp
// folder) as it exits. Chrome DevTools (Memory → Load) opens the file; "Bottom Up" by self
// size names the allocating functions. One sample per 8 KB allocated, on average.
'use strict';
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');

const session = new Session();
session.connect();
session.post('HeapProfiler.enable');
session.post('HeapProfiler.startSampling', {
  samplingInterval: 8192, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true,
});
process.on('exit', () => {
  // An in-thread inspector session answers synchronously, so this still runs before exit.
  session.post('HeapProfiler.stopSampling', (err, result) => {
    if (err) return void console.error(`heap-sampler: ${err.message}`);
    writeFileSync(join(process.env.BENCH_HEAP_PROFILE ?? tmpdir(), `heap.${process.pid}.heapprofile`), JSON.stringify(result.profile));
  });
});
