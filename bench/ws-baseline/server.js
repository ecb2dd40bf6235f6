// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
//
// The baseline of the room fan-out benchmark: the room-broadcast server a Node developer would
// write with the `ws` package. It speaks just the part of docs/protocol.md that
// cohort-bench-fanout uses (hello, auth.signIn, auth.token, room.list, room.join, message.send)
// so the same harness drives it and Cohort. It keeps everything in memory and stores nothing.
// Each broadcast is serialized once with JSON.stringify and handed to ws.send for every member.
//
// Usage: node server.js [--port N] [--host 127.0.0.1]   (port 0 picks a free one)
// Prints "listening PORT" on stdout once it accepts connections.
'use strict';

const { WebSocketServer } = require('ws');

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

const host = option('--host', '127.0.0.1');
const port = Number(option('--port', '0'));

const roomId = 1;
const room = { id: roomId, kind: 'course', name: 'Bench', courseId: 1 };
const members = new Set();
let lastSeq = 0;
let nextUserId = 1;
const users = new Map(); // username -> user
const tokens = new Map(); // token -> user

function userFor(username) {
  let user = users.get(username);
  if (!user) {
    user = { id: nextUserId++, username, displayName: username, role: 'instructor' };
    users.set(username, user);
  }
  return user;
}

function reply(ws, id, data) {
  ws.send(JSON.stringify({ type: 'result', id, data }));
}

function fail(ws, id, code, message) {
  ws.send(JSON.stringify({ type: 'error', id, code, message }));
}

function handleRequest(ws, frame) {
  const data = frame.data || {};
  switch (frame.op) {
    case 'auth.signIn': {
      const user = userFor(String(data.username));
      const token = `tok-${user.id}-${tokens.size + 1}-0123456789abcdef`;
      tokens.set(token, user);
      ws.user = user;
      reply(ws, frame.id, { token, expiresAt: Date.now() + 86400000, user });
      return;
    }
    case 'auth.token': {
      const user = tokens.get(data.token);
      if (!user) return fail(ws, frame.id, 'unauthorized', 'unknown token');
      ws.user = user;
      reply(ws, frame.id, { token: data.token, expiresAt: Date.now() + 86400000, user });
      return;
    }
    case 'room.list':
      if (!ws.user) return fail(ws, frame.id, 'unauthorized', 'sign in first');
      reply(ws, frame.id, { rooms: [{ ...room, lastSeq }] });
      return;
    case 'room.join':
      if (!ws.user) return fail(ws, frame.id, 'unauthorized', 'sign in first');
      if (data.roomId !== roomId) return fail(ws, frame.id, 'not_found', 'no such room');
      members.add(ws);
      reply(ws, frame.id, { room: { ...room, lastSeq }, lastSeq, reset: false });
      return;
    case 'message.send': {
      if (!ws.user) return fail(ws, frame.id, 'unauthorized', 'sign in first');
      if (data.roomId !== roomId || !members.has(ws)) return fail(ws, frame.id, 'not_found', 'no such room');
      const seq = ++lastSeq;
      const ts = Date.now();
      reply(ws, frame.id, { seq, ts });
      const event = JSON.stringify({
        type: 'event', event: 'message.created', room: roomId, seq, ts,
        data: { sender: ws.user, clientId: data.clientId, text: data.text },
      });
      for (const member of members) member.send(event);
      return;
    }
    default:
      fail(ws, frame.id, 'bad_request', `unknown op '${frame.op}'`);
  }
}

const server = new WebSocketServer({ host, port, maxPayload: 256 * 1024 });

server.on('connection', (ws) => {
  ws.on('message', (raw, isBinary) => {
    let frame;
    try {
      frame = JSON.parse(raw);
    } catch {
      return fail(ws, undefined, 'bad_request', 'malformed JSON');
    }
    if (isBinary) return fail(ws, frame.id, 'bad_request', 'binary frames are not accepted');
    if (frame.type === 'hello') {
      ws.send(JSON.stringify({
        type: 'welcome', version: 1, capabilities: ['resume', 'idempotency'],
        data: { serverTime: Date.now(), heartbeatSeconds: 20, handshakeTimeoutSeconds: 10,
                maxFrameBytes: 65536, signUp: false, setupRequired: false, serverName: 'ws-baseline' },
      }));
    } else if (frame.type === 'request') {
      handleRequest(ws, frame);
    } else {
      fail(ws, frame.id, 'bad_request', `unexpected frame type '${frame.type}'`);
    }
  });
  ws.on('close', () => members.delete(ws));
  ws.on('error', () => members.delete(ws));
});

server.on('listening', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});

function shutDown() {
  for (const ws of server.clients) ws.close(1001, 'going away');
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutDown);
process.on('SIGINT', shutDown);
