// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
//
// Medians per trace and engine from run-traces.sh's JSON lines, and Cohort's ratios to Yjs,
// as a Markdown table for docs/benchmarks.md.
'use strict';

const fs = require('fs');

const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l.trim());
const runs = lines.map((l) => JSON.parse(l));
const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fields = ['local_ms', 'remote_ms', 'remote_first10pct_ms', 'remote_last10pct_ms',
  'peak_rss_delta_kb', 'encoded_bytes', 'reload_ms'];

const byTrace = new Map();
for (const r of runs) {
  const engine = r.engine.startsWith('yjs') ? 'yjs' : 'cohort';
  if (!byTrace.has(r.trace)) byTrace.set(r.trace, { cohort: [], yjs: [], yjsVersion: '' });
  byTrace.get(r.trace)[engine].push(r);
  if (engine === 'yjs') byTrace.get(r.trace).yjsVersion = r.engine;
}

const fmt = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
console.log('| trace | engine | n | ' + fields.join(' | ') + ' |');
console.log('|---|---|---:|' + fields.map(() => '---:').join('|') + '|');
for (const [trace, { cohort, yjs, yjsVersion }] of byTrace) {
  const med = (rs) => Object.fromEntries(fields.map((f) => [f, median(rs.map((r) => r[f]))]));
  const c = med(cohort);
  const y = med(yjs);
  console.log(`| ${trace} | cohort | ${cohort.length} | ` + fields.map((f) => fmt(c[f])).join(' | ') + ' |');
  console.log(`| ${trace} | ${yjsVersion} | ${yjs.length} | ` + fields.map((f) => fmt(y[f])).join(' | ') + ' |');
  // Times and sizes: Yjs / Cohort (higher is better for Cohort); memory and size as Cohort / Yjs.
  console.log(`| ${trace} | speed-up (Yjs/Cohort) | | ` + fields.map((f) =>
    (f.endsWith('_ms') ? (y[f] / c[f]).toFixed(1) + 'x' : (c[f] / y[f]).toFixed(2) + ' of Yjs')).join(' | ') + ' |');
}
