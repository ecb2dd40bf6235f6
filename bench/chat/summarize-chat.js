#!/usr/bin/env node
// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
//
// Medians and ratios of bench/chat/run-chat.sh's JSON lines, as the tables of
// docs/benchmarks.md ("Chat"), with the verdict on each target of issue 3.
//   node bench/chat/summarize-chat.js RESULTS.jsonl
'use strict';
const fs = require('fs');

const file = process.argv[2];
if (!file) {
  console.error('usage: summarize-chat.js RESULTS.jsonl');
  process.exit(2);
}
const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));

const median = (values) => {
  const v = values.filter((x) => typeof x === 'number' && x >= 0).sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)] : NaN;
};
const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '-');
const kb = (bytes) => (Number.isFinite(bytes) ? Math.round(bytes / 1024).toLocaleString('en-US') : '-');
const verdict = (value, limit) => (Number.isFinite(value) ? (value < limit ? 'met' : 'missed') : 'not measured');
const targets = [];

const open = lines.filter((l) => l.part === 'open' && l.ok);
if (open.length) {
  const m = (k) => median(open.map((l) => l[k]));
  console.log(`\nOpen a room of 100,000 messages (${open.length} fresh clients; medians; first client in brackets)\n`);
  console.log('| | Chat pane: open -> first page painted | bare protocol: message.history | ratio |');
  console.log('|---|---:|---:|---:|');
  console.log(`| first page (${open[0].pageSize} messages) | ${fmt(m('openToPaintMs'))} ms [${fmt(open[0].openToPaintMs)}] ` +
              `(history in the model at ${fmt(m('openToHistoryMs'))} ms) | ${fmt(m('rawHistoryMs'))} ms [${fmt(open[0].rawHistoryMs)}] ` +
              `| ${fmt(m('ratioOpenToRaw'))}x |`);
  console.log(`\nPane memory (heap in use, glibc; medians): +${kb(m('heapOpenDeltaBytes'))} KiB with the room open, ` +
              `+${kb(m('heapScrolledDeltaBytes'))} KiB after ${m('pagesScrolled')} older pages (${m('rowsAfterScroll')} rows). ` +
              `RSS of the first client: +${kb(open[0].rssOpenDeltaBytes)} KiB open, +${kb(open[0].rssScrolledDeltaBytes)} KiB scrolled ` +
              `(later clients reuse memory the earlier ones freed). One older page p50 ${fmt(m('olderPageP50Ms'))} ms, ` +
              `p99 ${fmt(m('olderPageP99Ms'))} ms. First paint began at ${fmt(m('openToPaintStartMs'))} ms. ` +
              `Before that, room list to every room joined (empty cache): ${fmt(m('roomsJoinedMs'))} ms.`);
  targets.push(['first page < 100 ms', `${fmt(m('openToPaintMs'))} ms`, verdict(m('openToPaintMs'), 100)]);
}

const search = lines.filter((l) => l.part === 'search' && l.bench === 'chat-search');
if (search.length) {
  const queries = [...new Set(search.map((l) => l.query))];
  console.log(`\nmessage.search over 1,000,000 messages (medians over ${new Set(search.map((l) => l.rep)).size} runs of 20 timed searches per query)\n`);
  console.log('| query | results | wire p50 ms | wire p99 ms | raw SQL p50 ms | raw SQL p99 ms | wire / raw (p50) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const q of queries) {
    const rows = search.filter((l) => l.query === q);
    const m = (k) => median(rows.map((l) => l[k]));
    const text = rows[0].text ? ` \`${rows[0].text}\`` : '';
    console.log(`| ${q}${text} | ${rows[0].results ?? '-'} | ${fmt(m('wireP50Ms'))} | ${fmt(m('wireP99Ms'))} | ` +
                `${fmt(m('rawP50Ms'))} | ${fmt(m('rawP99Ms'))} | ${fmt(m('ratioP50'), 2)} |`);
  }
  const all = search.filter((l) => l.query === 'all');
  const p99 = median(all.map((l) => l.wireP99Ms));
  targets.push(['search p99 < 100 ms (all queries)', `${fmt(p99)} ms`, verdict(p99, 100)]);
}

const d1000 = lines.filter((l) => l.part === 'delivery-1000' && !l.error);
if (d1000.length) {
  console.log('\nDelivery, 1,000 clients in one room, 10 senders, 10 messages/s (10,000 deliveries/s), medians\n');
  console.log('| server | runs | p50 ms | p99 ms | max ms | server CPU µs/delivery | losses | rejected |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  const byServer = {};
  for (const server of ['cohort', 'ws']) {
    const rows = d1000.filter((l) => l.server === server);
    if (!rows.length) continue;
    const m = (k) => median(rows.map((l) => l[k]));
    byServer[server] = m('latencyP99Ms');
    console.log(`| ${server} | ${rows.length} | ${fmt(m('latencyP50Ms'))} | ${fmt(m('latencyP99Ms'))} | ${fmt(m('latencyMaxMs'))} | ` +
                `${fmt(m('serverCpuUsPerDelivery'), 2)} | ${rows.reduce((s, l) => s + (l.losses || 0), 0)} | ` +
                `${rows.reduce((s, l) => s + (l.rejected || 0), 0)} |`);
  }
  if (byServer.cohort && byServer.ws)
    console.log(`\np99 Cohort / ws: ${fmt(byServer.cohort / byServer.ws, 2)}`);
  targets.push(['delivery p99 < 50 ms, 1,000 in one room', `${fmt(byServer.cohort)} ms`, verdict(byServer.cohort, 50)]);
}

const rooms = lines.filter((l) => l.part === 'delivery-50x30' && l.bench === 'chat-rooms');
if (rooms.length) {
  const m = (k) => median(rooms.map((l) => l[k]));
  console.log(`\nDelivery, 50 rooms of 30 clients, 3 senders per room, 2 messages/s per room, all at once (${rooms.length} runs, medians)\n`);
  console.log('| p50 ms (median room) | p99 ms (median room) | p99 ms (worst room) | max ms | deliveries | losses | reorders | duplicates | rejected |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const sum = (k) => rooms.reduce((s, l) => s + (l[k] || 0), 0);
  console.log(`| ${fmt(m('roomP50MedianMs'))} | ${fmt(m('roomP99MedianMs'))} | ${fmt(m('roomP99MaxMs'))} | ${fmt(m('latencyMaxMs'))} | ` +
              `${m('deliveries')} | ${sum('losses')} | ${sum('reorders')} | ${sum('duplicates')} | ${sum('rejected')} |`);
  targets.push(['delivery p99 < 50 ms, 50 rooms of 30 (worst room)', `${fmt(m('roomP99MaxMs'))} ms`, verdict(m('roomP99MaxMs'), 50)]);
}

if (targets.length) {
  console.log('\n| target (issue 3) | measured (median) | verdict |');
  console.log('|---|---:|---|');
  for (const [target, value, v] of targets) console.log(`| ${target} | ${value} | **${v}** |`);
}
