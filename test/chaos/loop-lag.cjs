/**
 * Profiling aid for `npm run test:chaos`, preloaded into the relay:
 *   CHAOS_RELAY_FLAGS="--require ./test/chaos/loop-lag.cjs" npm run test:chaos
 * Writes every event-loop lag over 15 ms (a 10 ms timer that fired late) to /tmp/loop-lag-PID.txt
 * as "ms-since-start lag-ms cpu cpu-ms": the CPU the relay itself used meanwhile tells its own work
 * (cpu close to the lag) from the machine not giving it a core (cpu near 0).
 */
const { appendFileSync, writeFileSync } = require('node:fs');

const out = `/tmp/loop-lag-${process.pid}.txt`;
writeFileSync(out, '');
let last = performance.now();
let lastCpu = process.cpuUsage();
const rows = [];
setInterval(() => {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const lag = t - last - 10;
  const used = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
  last = t;
  lastCpu = cpu;
  if (lag > 15) rows.push(`${(t - lag).toFixed(0)} ${lag.toFixed(0)} cpu ${used.toFixed(0)}`);
}, 10).unref();
setInterval(() => {
  if (rows.length > 0) appendFileSync(out, `${rows.splice(0).join('\n')}\n`);
}, 1000).unref();
