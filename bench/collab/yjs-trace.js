// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
//
// The Yjs baseline of cohort-bench-trace: the same phases on the same trace, the same JSON
// fields. Run with `node --expose-gc yjs-trace.js <trace.json.gz>`.
'use strict';

const fs = require('fs');
const zlib = require('zlib');
const Y = require('yjs');

function statusKb(field) {
  const line = fs.readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(field + ':'));
  return line ? parseInt(line.split(/\s+/)[1], 10) : -1;
}

// Resets the kernel's high-water mark to the current RSS (after a full GC) and returns it.
function startPeak() {
  if (global.gc) global.gc();
  try { fs.writeFileSync('/proc/self/clear_refs', '5'); } catch (e) { /* peak then includes loading */ }
  return statusKb('VmRSS');
}

function hasSurrogates(s) { return /[\uD800-\uDFFF]/.test(s); }
function utf16Index(text, codePoint) {
  let i = 0;
  for (; codePoint > 0 && i < text.length; --codePoint) {
    const c = text.charCodeAt(i);
    i += (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) ? 2 : 1;
  }
  return i;
}

const path = process.argv[2];
if (!path) { console.error('usage: node --expose-gc yjs-trace.js <trace.json.gz>'); process.exit(1); }
let trace = JSON.parse(zlib.gunzipSync(fs.readFileSync(path)).toString('utf8'));
const concurrent = trace.kind === 'concurrent';
const agents = concurrent ? trace.numAgents : 1;
const endContent = trace.endContent;
const txns = trace.txns.map((t) => ({ parents: t.parents || [], agent: t.agent || 0, patches: t.patches }));
trace = null;
const astral = hasSurrogates(endContent) || txns.some((t) => t.patches.some((p) => hasSurrogates(p[2])));

function applyPatches(doc, txn) {
  const text = doc.getText('text');
  doc.transact(() => {
    for (const [cpPos, cpDel, ins] of txn.patches) {
      let pos = cpPos; let del = cpDel;
      if (astral) {
        const s = text.toString();
        pos = utf16Index(s, cpPos);
        del = utf16Index(s, cpPos + cpDel) - pos;
      }
      if (del > 0) text.delete(pos, del);
      if (ins.length > 0) text.insert(pos, ins);
    }
  });
}

const updates = new Array(txns.length);
const replicas = [];
const seen = [];
let captured = null;
for (let a = 0; a < agents; ++a) {
  const doc = new Y.Doc();
  doc.clientID = 0x1000 + a;
  doc.on('update', (u, origin) => { if (origin !== 'remote') captured = u; });
  replicas.push(doc);
  seen.push(new Uint8Array(txns.length));
}

const baseRss = startPeak();
let t0 = process.hrtime.bigint();
for (let t = 0; t < txns.length; ++t) {
  const txn = txns[t];
  const doc = replicas[txn.agent];
  const has = seen[txn.agent];
  if (concurrent) {
    const stack = txn.parents.slice();
    const missing = [];
    while (stack.length) {
      const p = stack.pop();
      if (has[p]) continue;
      has[p] = 1;
      missing.push(p);
      for (const q of txns[p].parents) stack.push(q);
    }
    missing.sort((x, y) => x - y);
    for (const p of missing) Y.applyUpdate(doc, updates[p], 'remote');
  }
  captured = null;
  applyPatches(doc, txn);
  updates[t] = captured || new Uint8Array([0, 0]);
  has[t] = 1;
}
if (concurrent) {
  for (let a = 0; a < agents; ++a)
    for (let t = 0; t < txns.length; ++t)
      if (!seen[a][t]) Y.applyUpdate(replicas[a], updates[t], 'remote');
}
const localNs = process.hrtime.bigint() - t0;
const peakKb = statusKb('VmHWM') - baseRss;
for (const doc of replicas) {
  if (doc.getText('text').toString() !== endContent) { console.error('local replay: the text differs'); process.exit(1); }
}

const remote = new Y.Doc();
remote.clientID = 0x2000;
const count = updates.length;
const tenth = Math.max(Math.floor(count / 10), 1);
let firstTenth = 0n; let beforeLast = 0n;
t0 = process.hrtime.bigint();
for (let t = 0; t < count; ++t) {
  if (t === count - tenth) beforeLast = process.hrtime.bigint() - t0;
  Y.applyUpdate(remote, updates[t]);
  if (t + 1 === tenth) firstTenth = process.hrtime.bigint() - t0;
}
const remoteNs = process.hrtime.bigint() - t0;
if (remote.getText('text').toString() !== endContent) { console.error('remote replay: the text differs'); process.exit(1); }

const state = Y.encodeStateAsUpdateV2(replicas[0]);
t0 = process.hrtime.bigint();
const reloaded = new Y.Doc();
Y.applyUpdateV2(reloaded, state);
const reloadText = reloaded.getText('text').toString();
const reloadNs = process.hrtime.bigint() - t0;
if (reloadText !== endContent) { console.error('reload: the text differs'); process.exit(1); }

const ms = (ns) => Number(ns) / 1e6;
console.log(JSON.stringify({
  engine: 'yjs-' + require('yjs/package.json').version,
  trace: path.split('/').pop(),
  txns: count,
  local_ms: ms(localNs),
  remote_ms: ms(remoteNs),
  remote_first10pct_ms: ms(firstTenth),
  remote_last10pct_ms: ms(remoteNs - beforeLast),
  peak_rss_delta_kb: peakKb,
  encoded_bytes: state.length,
  reload_ms: ms(reloadNs),
}));
