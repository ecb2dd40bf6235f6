// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
//
// Reads the JSON lines of run-fanout.sh and prints Markdown tables: the median of the
// repetitions per server, size and mode, and the Cohort / ws ratios the issue's targets use.
//
//   node bench/summarize-fanout.js fanout-results.jsonl
'use strict';

const fs = require('fs');

const file = process.argv[2];
if (!file) {
  console.error('usage: node summarize-fanout.js RESULTS.jsonl');
  process.exit(2);
}

const runs = fs.readFileSync(file, 'utf8').split('\n')
  .filter((line) => line.trim().startsWith('{'))
  .map((line) => JSON.parse(line));

function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

function sum(values) {
  return values.reduce((a, b) => a + (Number(b) || 0), 0);
}

function fmt(x, digits = 1) {
  if (!Number.isFinite(x)) return '–';
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

const groups = new Map();
for (const run of runs) {
  const key = `${run.mode}|${run.clients}|${run.server}`;
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push(run);
}

function stats(mode, clients, server) {
  const list = groups.get(`${mode}|${clients}|${server}`) || [];
  const ok = list.filter((r) => !r.error);
  return {
    runs: list.length,
    failed: list.length - ok.length,
    cpu: median(ok.map((r) => r.serverCpuUsPerDelivery)),
    rss: median(ok.map((r) => r.serverRssPerConnectionBytes)),
    rate: median(ok.map((r) => r.deliveredPerSec)),
    p50: median(ok.map((r) => r.latencyP50Ms)),
    p99: median(ok.map((r) => r.latencyP99Ms)),
    harness: median(ok.map((r) => r.harnessCpuUsPerDelivery)),
    losses: sum(list.map((r) => r.losses)),
    reorders: sum(list.map((r) => r.reorders)),
    duplicates: sum(list.map((r) => r.duplicates)),
    seq: sum(list.map((r) => r.roomSeqViolations)),
    rejected: sum(list.map((r) => r.rejected)),
    closed: sum(list.map((r) => r.serverClosedConnections)),
    errors: list.filter((r) => r.error).map((r) => r.error),
  };
}

const loads = runs.map((r) => r.loadAverage).filter((x) => typeof x === 'number').sort((a, b) => a - b);
if (loads.length) {
  console.log(`\n1-minute load average when each run ended: median ${fmt(median(loads), 2)}, ` +
              `range ${fmt(loads[0], 2)} to ${fmt(loads[loads.length - 1], 2)} (${runs.length} runs)`);
}

const modes = [...new Set(runs.map((r) => r.mode))];
const sizes = [...new Set(runs.map((r) => r.clients))].sort((a, b) => a - b);

for (const mode of modes) {
  console.log(`\n### ${mode}\n`);
  console.log('| N | server | runs | delivered/s | p50 ms | p99 ms | server CPU µs/delivery | server RSS bytes/conn | harness CPU µs/delivery | losses | reorders | duplicates | seq violations | rejected | server-closed |');
  console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const n of sizes) {
    for (const server of ['cohort', 'cohort-control', 'ws']) {
      const s = stats(mode, n, server);
      if (s.runs === 0) continue;
      console.log(`| ${n} | ${server} | ${s.runs}${s.failed ? ` (${s.failed} failed)` : ''} | ${fmt(s.rate, 0)} | ${fmt(s.p50, 2)} | ${fmt(s.p99, 2)} | ${fmt(s.cpu, 2)} | ${fmt(s.rss, 0)} | ${fmt(s.harness, 2)} | ${s.losses} | ${s.reorders} | ${s.duplicates} | ${s.seq} | ${s.rejected} | ${s.closed} |`);
      for (const e of s.errors) console.log(`|  | ${server} error: ${e} |`);
    }
  }
}

console.log('\n### Cohort / ws (medians; lower is better)\n');
console.log('| N | mode | server | CPU per delivery | RSS per connection | p99 latency |');
console.log('|---:|---|---|---:|---:|---:|');
for (const mode of modes) {
  for (const n of sizes) {
    const w = stats(mode, n, 'ws');
    for (const server of ['cohort', 'cohort-control']) {
      const c = stats(mode, n, server);
      if (!c.runs || !w.runs) continue;
      console.log(`| ${n} | ${mode} | ${server} | ${fmt(c.cpu / w.cpu, 2)} | ${fmt(c.rss / w.rss, 2)} | ${fmt(c.p99 / w.p99, 2)} |`);
    }
  }
}
